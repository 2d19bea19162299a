import Foundation
import GRDB
import Telemetry

extension TelemetryStore {
    /// Every service that has stored spans, sorted.
    public func services() async throws -> [String] {
        try await database.read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT service FROM operations ORDER BY service")
        }
    }

    /// The operations (span name and kind) of `service`, sorted by name.
    public func operations(service: String) async throws -> [StoredOperation] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT name, kind FROM operations WHERE service = ? ORDER BY name, kind", arguments: [service])
                .map { row in
                    StoredOperation(name: row[0], kind: ReceivedSpan.Kind(rawValue: row[1]) ?? .unspecified)
                }
        }
    }

    /// The traces with a span matching `query`, newest matching span first, each with all its spans.
    public func searchTraces(_ query: TraceQuery) async throws -> [StoredTrace] {
        guard query.limit > 0 else { return [] }
        let filter = SpanFilter(query)
        return try await database.read { db in
            var traceIDs: [Data] = []
            var seen = Set<Data>()
            let cursor = try Data.fetchCursor(db, sql: filter.sql, arguments: filter.arguments)
            while let traceID = try cursor.next() {
                if seen.insert(traceID).inserted {
                    traceIDs.append(traceID)
                    if traceIDs.count == query.limit { break }
                }
            }
            var references = StoredReferences()
            return try traceIDs.compactMap { traceID in
                let spans = try Self.spans(ofTrace: traceID, db, &references)
                guard let id = TraceID(storedBytes: [UInt8](traceID)), !spans.isEmpty else { return nil }
                return StoredTrace(traceID: id, spans: spans)
            }
        }
    }

    /// All stored spans of `traceID` in start order; `nil` when none is stored.
    public func trace(id traceID: TraceID) async throws -> StoredTrace? {
        try await database.read { db in
            var references = StoredReferences()
            let spans = try Self.spans(ofTrace: Data(traceID.storedBytes), db, &references)
            return spans.isEmpty ? nil : StoredTrace(traceID: traceID, spans: spans)
        }
    }

    static let spanColumns = """
        trace_id, span_id, parent_span_id, name, kind, start_ns, end_ns, status_code, status_message, flags, trace_state,
        resource_id, scope_id, attributes, events, links, dropped_attributes, dropped_events, dropped_links, tags
        """

    private static func spans(ofTrace traceID: Data, _ db: Database, _ references: inout StoredReferences) throws -> [ReceivedSpan] {
        let rows = try Row.fetchCursor(
            db,
            sql: "SELECT \(spanColumns) FROM spans WHERE trace_id = ? ORDER BY start_ns, id",
            arguments: [traceID]
        )
        var spans: [ReceivedSpan] = []
        while let row = try rows.next() { spans.append(try span(row, db, &references)) }
        return spans
    }

    static func span(_ row: Row, _ db: Database, _ references: inout StoredReferences) throws -> ReceivedSpan {
        guard let traceID = TraceID(storedBytes: [UInt8](row[0] as Data)) else { throw StoredDataError("bad trace id") }
        return ReceivedSpan(
            resource: try references.resource(row[11], db),
            scope: try references.scope(row[12], db),
            traceID: traceID,
            spanID: SpanID(UInt64(stored: row[1])),
            parentSpanID: SpanID(UInt64(stored: row[2])),
            traceState: row[10],
            flags: UInt32(truncatingIfNeeded: row[9] as Int64),
            name: row[3],
            kind: ReceivedSpan.Kind(rawValue: row[4]) ?? .unspecified,
            startTimeUnixNano: UInt64(stored: row[5]),
            endTimeUnixNano: UInt64(stored: row[6]),
            attributes: try SpanAttributeColumns.decode(tags: row[19], layout: row[13]),
            droppedAttributesCount: UInt32(truncatingIfNeeded: row[16] as Int64),
            events: try StoredBlob.read(row[14], empty: []) { (reader: inout ByteReader) throws(StoredDataError) in try reader.readEvents() },
            droppedEventsCount: UInt32(truncatingIfNeeded: row[17] as Int64),
            links: try StoredBlob.read(row[15], empty: []) { (reader: inout ByteReader) throws(StoredDataError) in try reader.readLinks() },
            droppedLinksCount: UInt32(truncatingIfNeeded: row[18] as Int64),
            statusCode: ReceivedSpan.StatusCode(rawValue: row[7]) ?? .unset,
            statusMessage: row[8]
        )
    }
}

/// A trace query as SQL over `spans`, newest first, through the index its equality conditions select.
struct SpanFilter {
    private(set) var sql = ""
    private(set) var arguments = StatementArguments()

    init(_ query: TraceQuery) {
        var conditions: [String] = []
        var values: [(any DatabaseValueConvertible)?] = []
        let index: String
        if let service = query.service {
            conditions.append("service = ?")
            values.append(service)
            if let operation = query.operation {
                conditions.append("name = ?")
                values.append(operation)
                index = "spans_by_operation"
            } else {
                index = "spans_by_service"
            }
        } else {
            if let operation = query.operation {
                conditions.append("name = ?")
                values.append(operation)
            }
            index = "spans_by_start"
        }
        if let minimum = query.startTimeMinimumUnixNano {
            conditions.append("start_ns >= ?")
            values.append(Int64(bound: minimum))
        }
        if let maximum = query.startTimeMaximumUnixNano {
            conditions.append("start_ns <= ?")
            values.append(Int64(bound: maximum))
        }
        if let minimum = query.minimumDurationNanoseconds {
            conditions.append("duration_ns >= ?")
            values.append(Int64(bound: minimum))
        }
        if let maximum = query.maximumDurationNanoseconds {
            conditions.append("duration_ns <= ?")
            values.append(Int64(bound: maximum))
        }
        for (key, value) in query.tags.sorted(by: { $0.key < $1.key }) {
            if let special = Self.specialTag(key: key, value: value) {
                conditions.append(special)
                continue
            }
            let line = SearchText.tagLine(key: key, value: value)
            conditions.append("(instr(tags, ?) > 0 OR resource_id IN (SELECT id FROM resources WHERE instr(tags, ?) > 0))")
            values.append(line)
            values.append(line)
        }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        sql = "SELECT trace_id FROM spans INDEXED BY \(index)\(whereClause) ORDER BY start_ns DESC"
        arguments = StatementArguments(values)
    }

    /// Tags Jaeger derives from span fields rather than attributes; the SQL uses only constants, never input.
    private static func specialTag(key: String, value: String) -> String? {
        let error = ReceivedSpan.StatusCode.error.rawValue
        switch (key, value.lowercased()) {
        case ("error", "true"): return "status_code = \(error)"
        case ("error", "false"): return "status_code <> \(error)"
        case ("otel.status_code", "error"): return "status_code = \(error)"
        case ("otel.status_code", "ok"): return "status_code = \(ReceivedSpan.StatusCode.ok.rawValue)"
        case ("otel.status_code", "unset"): return "status_code = \(ReceivedSpan.StatusCode.unset.rawValue)"
        case ("span.kind", let kind):
            let kinds: [String: ReceivedSpan.Kind] = [
                "internal": .internal, "server": .server, "client": .client, "producer": .producer, "consumer": .consumer,
            ]
            guard let match = kinds[kind] else { return nil }
            return "kind = \(match.rawValue)"
        default: return nil
        }
    }
}
