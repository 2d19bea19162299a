extension JSONOTLPDecoder {
    /// `ExportLogsServiceRequest` in OTLP/JSON.
    static func logs(_ body: UnsafeRawBufferPointer, maxItems: Int) throws(OTLPDecodingError) -> ReceivedBatch {
        var records: [ReceivedLogRecord] = []
        var rejections = Rejections()
        try request(body, maxItems: maxItems, envelopesKey: "resourceLogs") { (reader) throws(OTLPDecodingError) in
            try resourceEnvelope(&reader, scopesKey: "scopeLogs", items: &records, resourcePath: \.resource) {
                (reader, records) throws(OTLPDecodingError) in
                try scopeEnvelope(&reader, itemsKey: "logRecords", items: &records, scopePath: \.scope) {
                    (reader, records) throws(OTLPDecodingError) in
                    try logRecord(&reader, into: &records, rejections: &rejections)
                }
            }
        }
        return ReceivedBatch(logRecords: records, rejected: rejections.count, rejectionReason: rejections.reason)
    }

    private static func logRecord(
        _ reader: inout JSONReader,
        into records: inout [ReceivedLogRecord],
        rejections: inout Rejections
    ) throws(OTLPDecodingError) {
        try reader.spend(DecodingBudget.logRecordWeight - 1)
        var record = ReceivedLogRecord()
        var traceID = IdentifierBytes.absent
        var spanID = IdentifierBytes.absent
        try reader.object { (reader, key) throws(OTLPDecodingError) in
            switch key {
            case "timeUnixNano": record.timeUnixNano = try reader.unsignedInteger()
            case "observedTimeUnixNano": record.observedTimeUnixNano = try reader.unsignedInteger()
            case "severityNumber": record.severityNumber = try reader.enumValue(severityNames)
            case "severityText": record.severityText = try reader.string()
            case "body": try anyValue(&reader, into: &record.body)
            case "attributes": try keyValues(&reader, into: &record.attributes)
            case "droppedAttributesCount": record.droppedAttributesCount = try uint32(&reader)
            case "flags": record.flags = try uint32(&reader)
            case "traceId": traceID = try reader.identifier()
            case "spanId": spanID = try reader.identifier()
            case "eventName": record.eventName = try reader.string()
            default: try reader.skipValue()
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
