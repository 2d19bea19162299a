import Foundation
import GRDB
import Synchronization

/// Inserts encoded batches inside the writer's transaction with cached prepared statements, and remembers the ids
/// of resources, scopes, series and operations so that most rows need no lookup.
final class RowWriter: Sendable {
    private struct Caches {
        var resources: [Data: Int64] = [:]
        var scopes: [Data: Int64] = [:]
        var series: [Data: Int64] = [:]
        var operations: Set<OperationKey> = []

        /// Beyond this many entries a cache starts over, so that high-cardinality input cannot grow it unbounded.
        static let limit = 50_000
    }

    private struct OperationKey: Hashable {
        var service: String
        var name: String
        var kind: Int
    }

    private let caches = Mutex(Caches())

    /// Inserts `batches`; on error the caller's transaction rolls back, so every cached id may be stale.
    func write(_ batches: [EncodedBatch], in db: Database) throws {
        try caches.withLock { caches in
            do {
                for batch in batches { try write(batch, in: db, caches: &caches) }
            } catch {
                caches = Caches()
                throw error
            }
        }
    }

    /// Forgets every id: after a transaction that failed at its commit (a full disk shows there), whose rows were rolled
    /// back after ``write(_:in:)`` returned, and after retention deleted resources and scopes.
    func forgetAll() {
        caches.withLock { $0 = Caches() }
    }

    /// Retention deleted operations whose spans are gone.
    func forgetOperations() {
        caches.withLock { $0.operations = [] }
    }

    /// Retention deleted series that had no points left.
    func forgetSeries() {
        caches.withLock { $0.series = [:] }
    }

    private func write(_ batch: EncodedBatch, in db: Database, caches: inout Caches) throws {
        var resourceIDs: [Int64] = []
        resourceIDs.reserveCapacity(batch.resources.count)
        for resource in batch.resources {
            resourceIDs.append(
                try id(
                    of: resource.identity,
                    in: &caches.resources,
                    db: db,
                    select: "SELECT id FROM resources WHERE identity = ?",
                    insert: "INSERT INTO resources (identity, service, tags) VALUES (?, ?, ?)",
                    arguments: [resource.identity, resource.service, resource.tags]
                )
            )
        }
        var scopeIDs: [Int64] = []
        scopeIDs.reserveCapacity(batch.scopes.count)
        for scope in batch.scopes {
            scopeIDs.append(
                try id(
                    of: scope.identity,
                    in: &caches.scopes,
                    db: db,
                    select: "SELECT id FROM scopes WHERE identity = ?",
                    insert: "INSERT INTO scopes (identity, name, version) VALUES (?, ?, ?)",
                    arguments: [scope.identity, scope.name, scope.version]
                )
            )
        }
        if !batch.spans.isEmpty {
            try writeSpans(batch.spans, resourceIDs: resourceIDs, scopeIDs: scopeIDs, db: db, caches: &caches)
        }
        if !batch.logRecords.isEmpty {
            try writeLogRecords(batch.logRecords, resourceIDs: resourceIDs, scopeIDs: scopeIDs, db: db)
        }
        if !batch.points.isEmpty {
            var seriesIDs: [Int64] = []
            seriesIDs.reserveCapacity(batch.series.count)
            for series in batch.series {
                seriesIDs.append(
                    try id(
                        of: series.identity,
                        in: &caches.series,
                        db: db,
                        select: "SELECT id FROM metric_series WHERE identity = ?",
                        insert: """
                            INSERT INTO metric_series (identity, name, description, unit, kind, temporality, monotonic,
                                resource_id, scope_id, metadata, attributes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            series.identity, series.name, series.description, series.unit, series.kind,
                            series.temporality, series.isMonotonic, resourceIDs[series.resource],
                            scopeIDs[series.scope], series.metadata, series.attributes,
                        ]
                    )
                )
            }
            let statement = try db.cachedStatement(
                sql: "INSERT INTO metric_points (series_id, start_ns, time_ns, flags, payload) VALUES (?, ?, ?, ?, ?)"
            )
            for point in batch.points {
                statement.setUncheckedArguments([seriesIDs[point.series], point.start, point.time, point.flags, point.payload])
                try statement.execute()
            }
        }
    }

    private func id(
        of identity: Data,
        in cache: inout [Data: Int64],
        db: Database,
        select: String,
        insert: String,
        arguments: StatementArguments
    ) throws -> Int64 {
        if let known = cache[identity] { return known }
        let id: Int64
        if let existing = try Int64.fetchOne(try db.cachedStatement(sql: select), arguments: [identity]) {
            id = existing
        } else {
            try db.cachedStatement(sql: insert).execute(arguments: arguments)
            id = db.lastInsertedRowID
        }
        if cache.count >= Caches.limit { cache = [:] }
        cache[identity] = id
        return id
    }

    private func writeSpans(
        _ spans: [EncodedBatch.Span],
        resourceIDs: [Int64],
        scopeIDs: [Int64],
        db: Database,
        caches: inout Caches
    ) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO spans (trace_id, span_id, parent_span_id, service, name, kind, start_ns, end_ns, duration_ns,
                    status_code, status_message, flags, trace_state, resource_id, scope_id, attributes, tags, events, links,
                    dropped_attributes, dropped_events, dropped_links)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        let operation = try db.cachedStatement(sql: "INSERT OR IGNORE INTO operations (service, name, kind) VALUES (?, ?, ?)")
        for span in spans {
            statement.setUncheckedArguments([
                span.traceID, span.spanID, span.parentSpanID, span.service, span.name, span.kind, span.start, span.end,
                span.duration, span.statusCode, span.statusMessage, span.flags, span.traceState,
                resourceIDs[span.resource], scopeIDs[span.scope], span.attributes, span.tags, span.events, span.links,
                span.droppedAttributes, span.droppedEvents, span.droppedLinks,
            ])
            try statement.execute()
            let key = OperationKey(service: span.service, name: span.name, kind: span.kind)
            if !caches.operations.contains(key) {
                try operation.execute(arguments: [span.service, span.name, span.kind])
                if caches.operations.count >= Caches.limit { caches.operations = [] }
                caches.operations.insert(key)
            }
        }
    }

    private func writeLogRecords(
        _ records: [EncodedBatch.LogRecord],
        resourceIDs: [Int64],
        scopeIDs: [Int64],
        db: Database
    ) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO logs (service, time_ns, event_time_ns, observed_time_ns, severity_number, severity_text, body,
                    body_text, attributes, dropped_attributes, flags, trace_id, span_id, event_name, resource_id, scope_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        for record in records {
            statement.setUncheckedArguments([
                record.service, record.time, record.eventTime, record.observedTime, record.severityNumber,
                record.severityText, record.body, record.bodyText, record.attributes, record.droppedAttributes,
                record.flags, record.traceID, record.spanID, record.eventName, resourceIDs[record.resource],
                scopeIDs[record.scope],
            ])
            try statement.execute()
        }
    }
}
