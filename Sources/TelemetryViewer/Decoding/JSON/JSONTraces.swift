extension JSONOTLPDecoder {
    /// `ExportTraceServiceRequest` in OTLP/JSON.
    static func traces(_ body: UnsafeRawBufferPointer, maxItems: Int) throws(OTLPDecodingError) -> ReceivedBatch {
        var spans: [ReceivedSpan] = []
        var rejections = Rejections()
        try request(body, maxItems: maxItems, envelopesKey: "resourceSpans") { (reader) throws(OTLPDecodingError) in
            try resourceEnvelope(&reader, scopesKey: "scopeSpans", items: &spans, resourcePath: \.resource) {
                (reader, spans) throws(OTLPDecodingError) in
                try scopeEnvelope(&reader, itemsKey: "spans", items: &spans, scopePath: \.scope) {
                    (reader, spans) throws(OTLPDecodingError) in
                    try span(&reader, into: &spans, rejections: &rejections)
                }
            }
        }
        return ReceivedBatch(spans: spans, rejected: rejections.count, rejectionReason: rejections.reason)
    }

    private static func span(
        _ reader: inout JSONReader,
        into spans: inout [ReceivedSpan],
        rejections: inout Rejections
    ) throws(OTLPDecodingError) {
        try reader.spend(DecodingBudget.spanWeight - 1)
        var span = ReceivedSpan(
            traceID: .invalid, spanID: .invalid, name: "", kind: .unspecified, startTimeUnixNano: 0, endTimeUnixNano: 0
        )
        var traceID = IdentifierBytes.absent
        var spanID = IdentifierBytes.absent
        var parentSpanID = IdentifierBytes.absent
        var linkProblem: String?
        try reader.object { (reader, key) throws(OTLPDecodingError) in
            switch key {
            case "traceId": traceID = try reader.identifier()
            case "spanId": spanID = try reader.identifier()
            case "traceState": span.traceState = try reader.string()
            case "parentSpanId": parentSpanID = try reader.identifier()
            case "flags": span.flags = try uint32(&reader)
            case "name": span.name = try reader.string()
            case "kind":
                span.kind = ReceivedSpan.Kind(rawValue: Int(try reader.enumValue(spanKindNames))) ?? .unspecified
            case "startTimeUnixNano": span.startTimeUnixNano = try reader.unsignedInteger()
            case "endTimeUnixNano": span.endTimeUnixNano = try reader.unsignedInteger()
            case "attributes": try keyValues(&reader, into: &span.attributes)
            case "droppedAttributesCount": span.droppedAttributesCount = try uint32(&reader)
            case "events":
                try reader.array { (reader) throws(OTLPDecodingError) in span.events.append(try event(&reader)) }
            case "droppedEventsCount": span.droppedEventsCount = try uint32(&reader)
            case "links":
                try reader.array { (reader) throws(OTLPDecodingError) in
                    let (link, problem) = try link(&reader)
                    span.links.append(link)
                    if linkProblem == nil, let problem { linkProblem = "link's \(problem)" }
                }
            case "droppedLinksCount": span.droppedLinksCount = try uint32(&reader)
            case "status":
                try reader.object { (reader, key) throws(OTLPDecodingError) in
                    switch key {
                    case "message": span.statusMessage = try reader.string()
                    case "code":
                        span.statusCode =
                            ReceivedSpan.StatusCode(rawValue: Int(try reader.enumValue(statusCodeNames))) ?? .unset
                    default: try reader.skipValue()
                    }
                }
            default: try reader.skipValue()
            }
        }
        if let problem = ItemValidation.spanProblem(
            traceID: traceID, spanID: spanID, parentSpanID: parentSpanID, linkProblem: linkProblem
        ) {
            rejections.reject("span \(ItemValidation.quoted(span.name)): \(problem)")
            return
        }
        span.traceID = traceID.traceID ?? .invalid
        span.spanID = spanID.spanID ?? .invalid
        span.parentSpanID = parentSpanID.spanID ?? .invalid
        spans.append(span)
    }

    private static func event(_ reader: inout JSONReader) throws(OTLPDecodingError) -> ReceivedSpan.Event {
        try reader.spend(DecodingBudget.eventWeight - 1)
        var event = ReceivedSpan.Event(timeUnixNano: 0, name: "")
        try reader.object { (reader, key) throws(OTLPDecodingError) in
            switch key {
            case "timeUnixNano": event.timeUnixNano = try reader.unsignedInteger()
            case "name": event.name = try reader.string()
            case "attributes": try keyValues(&reader, into: &event.attributes)
            case "droppedAttributesCount": event.droppedAttributesCount = try uint32(&reader)
            default: try reader.skipValue()
            }
        }
        return event
    }

    private static func link(_ reader: inout JSONReader) throws(OTLPDecodingError) -> (ReceivedSpan.Link, String?) {
        try reader.spend(DecodingBudget.linkWeight - 1)
        var link = ReceivedSpan.Link(traceID: .invalid, spanID: .invalid)
        var traceID = IdentifierBytes.absent
        var spanID = IdentifierBytes.absent
        try reader.object { (reader, key) throws(OTLPDecodingError) in
            switch key {
            case "traceId": traceID = try reader.identifier()
            case "spanId": spanID = try reader.identifier()
            case "traceState": link.traceState = try reader.string()
            case "attributes": try keyValues(&reader, into: &link.attributes)
            case "droppedAttributesCount": link.droppedAttributesCount = try uint32(&reader)
            case "flags": link.flags = try uint32(&reader)
            default: try reader.skipValue()
            }
        }
        link.traceID = traceID.traceID ?? .invalid
        link.spanID = spanID.spanID ?? .invalid
        return (link, ItemValidation.optionalIDsProblem(traceID: traceID, spanID: spanID))
    }
}
