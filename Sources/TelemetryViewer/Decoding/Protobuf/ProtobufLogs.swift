extension ProtobufOTLPDecoder {
    /// `ExportLogsServiceRequest`: log records stamped with their resource and scope; records whose ids have the
    /// wrong size are counted as rejected instead.
    static func logs(_ body: UnsafeRawBufferPointer, maxItems: Int) throws(OTLPDecodingError) -> ReceivedBatch {
        var records: [ReceivedLogRecord] = []
        var rejections = Rejections()
        try request(body, maxItems: maxItems, message: "ExportLogsServiceRequest") {
            (envelope) throws(OTLPDecodingError) in
            try resourceEnvelope(&envelope, message: "ResourceLogs", itemsField: 2) { (scopeLogs, resource) throws(OTLPDecodingError) in
                try scopeEnvelope(&scopeLogs, message: "ScopeLogs", itemsField: 2) { (recordReader, scope) throws(OTLPDecodingError) in
                    try logRecord(&recordReader, resource: resource, scope: scope, into: &records, rejections: &rejections)
                }
            }
        }
        return ReceivedBatch(logRecords: records, rejected: rejections.count, rejectionReason: rejections.reason)
    }

    private static func logRecord(
        _ reader: inout ProtobufReader,
        resource: ReceivedResource,
        scope: ReceivedScope,
        into records: inout [ReceivedLogRecord],
        rejections: inout Rejections
    ) throws(OTLPDecodingError) {
        try reader.spend(DecodingBudget.logRecordWeight - 1)
        var record = ReceivedLogRecord(resource: resource, scope: scope)
        var traceID = IdentifierBytes.absent
        var spanID = IdentifierBytes.absent
        while let field = try reader.nextField(of: "LogRecord") {
            switch field.number {
            case 1: record.timeUnixNano = try reader.fixed64(field)
            case 2: record.severityNumber = try reader.int32(field)
            case 3: record.severityText = try reader.string(field)
            case 5:
                var body = try reader.message(field)
                try anyValue(&body, into: &record.body)
            case 6: record.attributes.append(try keyValue(&reader, field))
            case 7: record.droppedAttributesCount = try reader.uint32(field)
            case 8: record.flags = try reader.fixed32(field)
            case 9: traceID = try reader.identifier(field)
            case 10: spanID = try reader.identifier(field)
            case 11: record.observedTimeUnixNano = try reader.fixed64(field)
            case 12: record.eventName = try reader.string(field)
            default: try reader.skip(field)
            }
        }
        if let problem = ItemValidation.optionalIDsProblem(traceID: traceID, spanID: spanID) {
            rejections.reject("log record: \(problem)")
            return
        }
        record.traceID = traceID.traceID ?? .invalid
        record.spanID = spanID.spanID ?? .invalid
        records.append(record)
    }
}
