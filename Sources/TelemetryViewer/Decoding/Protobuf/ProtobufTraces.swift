extension ProtobufOTLPDecoder {
    /// `ExportTraceServiceRequest`: spans, each stamped with its resource and scope; spans with unusable ids are
    /// counted as rejected instead.
    static func traces(_ body: UnsafeRawBufferPointer, maxItems: Int) throws(OTLPDecodingError) -> ReceivedBatch {
        var spans: [ReceivedSpan] = []
        var rejections = Rejections()
        try request(body, maxItems: maxItems, message: "ExportTraceServiceRequest") {
            (envelope) throws(OTLPDecodingError) in
            try resourceEnvelope(&envelope, message: "ResourceSpans", itemsField: 2) { (scopeSpans, resource) throws(OTLPDecodingError) in
                try scopeEnvelope(&scopeSpans, message: "ScopeSpans", itemsField: 2) { (spanReader, scope) throws(OTLPDecodingError) in
                    try span(&spanReader, resource: resource, scope: scope, into: &spans, rejections: &rejections)
                }
            }
        }
        return ReceivedBatch(spans: spans, rejected: rejections.count, rejectionReason: rejections.reason)
    }

    private static func span(
        _ reader: inout ProtobufReader,
        resource: ReceivedResource,
        scope: ReceivedScope,
        into spans: inout [ReceivedSpan],
        rejections: inout Rejections
    ) throws(OTLPDecodingError) {
        try reader.spend(DecodingBudget.spanWeight - 1)
        var span = ReceivedSpan(
            resource: resource, scope: scope, traceID: .invalid, spanID: .invalid, name: "", kind: .unspecified,
            startTimeUnixNano: 0, endTimeUnixNano: 0
        )
        var traceID = IdentifierBytes.absent
        var spanID = IdentifierBytes.absent
        var parentSpanID = IdentifierBytes.absent
        var linkProblem: String?
        while let field = try reader.nextField(of: "Span") {
            switch field.number {
            case 1: traceID = try reader.identifier(field)
            case 2: spanID = try reader.identifier(field)
            case 3: span.traceState = try reader.string(field)
            case 4: parentSpanID = try reader.identifier(field)
            case 5: span.name = try reader.string(field)
            case 6: span.kind = ReceivedSpan.Kind(rawValue: Int(try reader.int32(field))) ?? .unspecified
            case 7: span.startTimeUnixNano = try reader.fixed64(field)
            case 8: span.endTimeUnixNano = try reader.fixed64(field)
            case 9: span.attributes.append(try keyValue(&reader, field))
            case 10: span.droppedAttributesCount = try reader.uint32(field)
            case 11:
                var event = try reader.message(field)
                span.events.append(try self.event(&event))
            case 12: span.droppedEventsCount = try reader.uint32(field)
            case 13:
                var linkReader = try reader.message(field)
                let (link, problem) = try self.link(&linkReader)
                span.links.append(link)
                if linkProblem == nil, let problem { linkProblem = "link's \(problem)" }
            case 14: span.droppedLinksCount = try reader.uint32(field)
            case 15:
                var status = try reader.message(field)
                try self.status(&status, into: &span)
            case 16: span.flags = try reader.fixed32(field)
            default: try reader.skip(field)
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

    private static func event(_ reader: inout ProtobufReader) throws(OTLPDecodingError) -> ReceivedSpan.Event {
        try reader.spend(DecodingBudget.eventWeight - 1)
        var event = ReceivedSpan.Event(timeUnixNano: 0, name: "")
        while let field = try reader.nextField(of: "Span.Event") {
            switch field.number {
            case 1: event.timeUnixNano = try reader.fixed64(field)
            case 2: event.name = try reader.string(field)
            case 3: event.attributes.append(try keyValue(&reader, field))
            case 4: event.droppedAttributesCount = try reader.uint32(field)
            default: try reader.skip(field)
            }
        }
        return event
    }

    /// A link, and why its ids make its span unusable, if they do.
    private static func link(_ reader: inout ProtobufReader) throws(OTLPDecodingError) -> (ReceivedSpan.Link, String?) {
        try reader.spend(DecodingBudget.linkWeight - 1)
        var link = ReceivedSpan.Link(traceID: .invalid, spanID: .invalid)
        var traceID = IdentifierBytes.absent
        var spanID = IdentifierBytes.absent
        while let field = try reader.nextField(of: "Span.Link") {
            switch field.number {
            case 1: traceID = try reader.identifier(field)
            case 2: spanID = try reader.identifier(field)
            case 3: link.traceState = try reader.string(field)
            case 4: link.attributes.append(try keyValue(&reader, field))
            case 5: link.droppedAttributesCount = try reader.uint32(field)
            case 6: link.flags = try reader.fixed32(field)
            default: try reader.skip(field)
            }
        }
        link.traceID = traceID.traceID ?? .invalid
        link.spanID = spanID.spanID ?? .invalid
        return (link, ItemValidation.optionalIDsProblem(traceID: traceID, spanID: spanID))
    }

    private static func status(_ reader: inout ProtobufReader, into span: inout ReceivedSpan) throws(OTLPDecodingError) {
        while let field = try reader.nextField(of: "Status") {
            switch field.number {
            case 2: span.statusMessage = try reader.string(field)
            case 3: span.statusCode = ReceivedSpan.StatusCode(rawValue: Int(try reader.int32(field))) ?? .unset
            default: try reader.skip(field)
            }
        }
    }
}
