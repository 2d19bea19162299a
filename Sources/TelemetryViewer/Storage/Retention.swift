import GRDB

/// Deletes the oldest telemetry in chunks, each its own write so that ingest interleaves with a large deletion,
/// then drops what no longer has data and returns freed pages to the file (the file uses incremental auto-vacuum).
struct Retention {
    let database: any DatabaseWriter
    let rowWriter: RowWriter

    /// Rows deleted per write transaction.
    static let chunk = 5_000
    /// Rounds of deleting the oldest fraction before `shrink` settles for what it reached.
    static let maximumShrinkRounds = 12

    private struct Table {
        var name: String
        var timeColumn: String
    }

    private static let tables = [
        Table(name: "spans", timeColumn: "start_ns"),
        Table(name: "logs", timeColumn: "time_ns"),
        Table(name: "metric_points", timeColumn: "time_ns"),
    ]

    static func size(_ db: Database) throws -> Int64 {
        let pages = try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0
        let pageSize = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 0
        return pages * pageSize
    }

    func deleteOlderThan(_ cutoff: Int64) async throws -> Int {
        var deleted = 0
        for table in Self.tables {
            let sql = """
                DELETE FROM \(table.name) WHERE id IN
                    (SELECT id FROM \(table.name) WHERE \(table.timeColumn) < ? LIMIT \(Self.chunk))
                """
            while true {
                let count = try await database.write { db in
                    try db.execute(sql: sql, arguments: [cutoff])
                    return db.changesCount
                }
                deleted += count
                if count < Self.chunk { break }
            }
        }
        if deleted > 0 { try await tidy() }
        return deleted
    }

    func shrink(below maximumSize: Int64) async throws -> Int {
        var deleted = 0
        for _ in 0..<Self.maximumShrinkRounds {
            let size = try await database.read { db in try Self.size(db) }
            guard size > maximumSize, size > 0 else { break }
            // Deleting a tenth more than the excess leaves room to grow before the next round of retention.
            let fraction = min(0.5, Double(size - maximumSize) / Double(size) + 0.1)
            var deletedThisRound = 0
            for table in Self.tables {
                deletedThisRound += try await deleteOldest(fraction, of: table)
            }
            deleted += deletedThisRound
            try await tidy()
            if deletedThisRound == 0 { break }
        }
        return deleted
    }

    private func deleteOldest(_ fraction: Double, of table: Table) async throws -> Int {
        let rows = try await database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.name)") ?? 0
        }
        var remaining = Int((Double(rows) * fraction).rounded(.up))
        var deleted = 0
        while remaining > 0 {
            let limit = min(remaining, Self.chunk)
            let count = try await database.write { db in
                try db.execute(
                    sql: """
                        DELETE FROM \(table.name) WHERE id IN
                            (SELECT id FROM \(table.name) ORDER BY \(table.timeColumn) LIMIT \(limit))
                        """
                )
                return db.changesCount
            }
            deleted += count
            remaining -= limit
            if count < limit { break }
        }
        return deleted
    }

    /// Removes operations, series, resources and scopes left without data, and returns free pages to the file system.
    ///
    /// Resources and scopes go too: a new `service.instance.id` per process start (or a sender rotating resource
    /// attributes) would otherwise grow them without bound, and past the size limit. Each `NOT IN` list is built once
    /// per statement, one scan of each table's id column.
    private func tidy() async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    DELETE FROM operations WHERE NOT EXISTS
                        (SELECT 1 FROM spans WHERE spans.service = operations.service AND spans.name = operations.name);
                    DELETE FROM metric_series WHERE NOT EXISTS
                        (SELECT 1 FROM metric_points WHERE metric_points.series_id = metric_series.id);
                    DELETE FROM resources WHERE id NOT IN
                        (SELECT resource_id FROM spans UNION SELECT resource_id FROM logs
                         UNION SELECT resource_id FROM metric_series);
                    DELETE FROM scopes WHERE id NOT IN
                        (SELECT scope_id FROM spans UNION SELECT scope_id FROM logs
                         UNION SELECT scope_id FROM metric_series);
                    """
            )
            // Ids of deleted rows may be given out again: the writer must look every one up afresh.
            rowWriter.forgetAll()
        }
        try await database.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA incremental_vacuum")
            _ = try db.checkpoint(.passive)
        }
    }
}
