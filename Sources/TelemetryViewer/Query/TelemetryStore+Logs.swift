import Foundation
import GRDB
import Telemetry

extension TelemetryStore {
    /// Every service that has stored log records, sorted.
    public func logServices() async throws -> [String] {
        try await database.read { db in
            // One index probe per distinct service, instead of reading every record's entry.
            var services: [String] = []
            var next = try String.fetchOne(db, sql: "SELECT min(service) FROM logs")
            while let service = next {
                services.append(service)
                next = try String.fetchOne(
                    db,
                    sql: "SELECT service FROM logs INDEXED BY logs_by_service WHERE service > ? ORDER BY service LIMIT 1",
                    arguments: [service]
                )
            }
            return services
        }
    }

    /// The newest log records matching `query`, newest first.
    public func searchLogs(_ query: LogQuery) async throws -> [ReceivedLogRecord] {
        guard query.limit > 0 else { return [] }
        var conditions: [String] = []
        var values: [(any DatabaseValueConvertible)?] = []
        let index: String
        if let service = query.service {
            conditions.append("service = ?")
            values.append(service)
            index = "logs_by_service"
        } else {
            index = "logs_by_time"
        }
        if let start = query.startUnixNano {
            conditions.append("time_ns >= ?")
            values.append(Int64(bound: start))
        }
        if let end = query.endUnixNano {
            conditions.append("time_ns < ?")
            values.append(Int64(bound: end))
        }
        if let severity = query.minimumSeverity {
            conditions.append("severity_number >= ?")
            values.append(Int64(severity))
        }
        if let text = query.text, !text.isEmpty {
            conditions.append("body_text LIKE ? ESCAPE '\\'")
            values.append("%" + Self.escapedForLike(text) + "%")
        }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        values.append(query.limit)
        let sql = "SELECT \(Self.logColumns) FROM logs INDEXED BY \(index)\(whereClause) ORDER BY time_ns DESC, id DESC LIMIT ?"
        let arguments = StatementArguments(values)
        return try await database.read { db in
            var references = StoredReferences()
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { try Self.logRecord($0, db, &references) }
        }
    }

    /// The log records of `traceID` (only those of `spanID` when given), oldest first; at most `limit` when given,
    /// so that a trace with very many logs is not read whole.
    public func logs(traceID: TraceID, spanID: SpanID? = nil, limit: Int? = nil) async throws -> [ReceivedLogRecord] {
        var sql = "SELECT \(Self.logColumns) FROM logs WHERE trace_id = ?"
        var values: [(any DatabaseValueConvertible)?] = [Data(traceID.storedBytes)]
        if let spanID {
            sql += " AND span_id = ?"
            values.append(Int64(stored: spanID.value))
        }
        sql += " ORDER BY time_ns, id"
        if let limit {
            sql += " LIMIT ?"
            values.append(max(0, limit))
        }
        let arguments = StatementArguments(values)
        let statement = sql
        return try await database.read { db in
            var references = StoredReferences()
            return try Row.fetchAll(db, sql: statement, arguments: arguments).map { try Self.logRecord($0, db, &references) }
        }
    }

    private static func escapedForLike(_ text: String) -> String {
        var result = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { result.append("\\") }
            result.append(character)
        }
        return result
    }

    private static let logColumns = """
        event_time_ns, observed_time_ns, severity_number, severity_text, body, attributes, dropped_attributes, flags,
        trace_id, span_id, event_name, resource_id, scope_id
        """

    private static func logRecord(_ row: Row, _ db: Database, _ references: inout StoredReferences) throws -> ReceivedLogRecord {
        var traceID = TraceID.invalid
        if let stored = row[8] as Data? {
            guard let id = TraceID(storedBytes: [UInt8](stored)) else { throw StoredDataError("bad trace id") }
            traceID = id
        }
        let spanID = (row[9] as Int64?).map { SpanID(UInt64(stored: $0)) } ?? .invalid
        var bodyReader = ByteReader([UInt8](row[4] as Data))
        return ReceivedLogRecord(
            resource: try references.resource(row[11], db),
            scope: try references.scope(row[12], db),
            timeUnixNano: UInt64(stored: row[0]),
            observedTimeUnixNano: UInt64(stored: row[1]),
            severityNumber: Int32(truncatingIfNeeded: row[2] as Int64),
            severityText: row[3],
            body: try bodyReader.readValue(),
            attributes: try StoredBlob.attributes(row[5]),
            droppedAttributesCount: UInt32(truncatingIfNeeded: row[6] as Int64),
            flags: UInt32(truncatingIfNeeded: row[7] as Int64),
            traceID: traceID,
            spanID: spanID,
            eventName: row[10]
        )
    }
}
