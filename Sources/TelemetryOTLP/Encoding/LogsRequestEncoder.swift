import Telemetry

/// Encodes an `ExportLogsServiceRequest` straight from log record data, grouping records by resource and then by
/// instrumentation scope, as OTLP requires.
enum LogsRequestEncoder: RequestEncoder {
    static var resourceScopeFields: ResourceScopeFields {
        ResourceScopeFields(
            resourceGroups: OTLPFields.ExportLogsServiceRequest.resourceLogs,
            resource: OTLPFields.ResourceLogs.resource,
            scopeGroups: OTLPFields.ResourceLogs.scopeLogs,
            resourceSchemaURL: OTLPFields.ResourceLogs.schemaURL,
            scope: OTLPFields.ScopeLogs.scope,
            items: OTLPFields.ScopeLogs.logRecords,
            scopeSchemaURL: OTLPFields.ScopeLogs.schemaURL
        )
    }

    static var expectedMessagesPerItem: Int { 12 }
    static var expectedJSONBytesPerItem: Int { 384 }

    static func encodeItem<Writer: OTLPWriter>(_ record: borrowing LogRecordData, into writer: inout Writer) {
        typealias Field = OTLPFields.LogRecord
        if let timestamp = record.timestamp { writer.serializeFixed64(Field.timeUnixNano, timestamp) }
        writer.serializeEnum(Field.severityNumber, record.severity?.rawValue ?? 0)
        writer.serializeString(Field.severityText, record.severityText)
        if let body = record.body {
            writer.writeMessage(Field.body) { $0.writeAnyValue(body) }
        }
        writer.serializeLogAttributes(Field.attributes, record.attributes)
        writer.serializeUInt32(Field.droppedAttributesCount, record.droppedAttributeCount)
        writer.serializeFixed32(Field.flags, UInt32(record.traceFlags.rawValue))
        // An all-zero id means "no span" on the wire as well, so it is left out like a missing one.
        if let traceID = record.traceID, traceID.isValid { writer.writeTraceID(Field.traceID, traceID) }
        writer.serializeSpanID(Field.spanID, record.spanID)
        writer.serializeFixed64(Field.observedTimeUnixNano, record.observedTimestamp)
        writer.serializeString(Field.eventName, record.eventName)
    }
}
