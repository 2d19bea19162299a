import Telemetry
import Tracing

/// Encodes an `ExportTraceServiceRequest` straight from span data, grouping spans by resource and then by
/// instrumentation scope, as OTLP requires.
enum TraceRequestEncoder: RequestEncoder {
    static var resourceScopeFields: ResourceScopeFields {
        ResourceScopeFields(
            resourceGroups: OTLPFields.ExportTraceServiceRequest.resourceSpans,
            resource: OTLPFields.ResourceSpans.resource,
            scopeGroups: OTLPFields.ResourceSpans.scopeSpans,
            resourceSchemaURL: OTLPFields.ResourceSpans.schemaURL,
            scope: OTLPFields.ScopeSpans.scope,
            items: OTLPFields.ScopeSpans.spans,
            scopeSchemaURL: OTLPFields.ScopeSpans.schemaURL
        )
    }

    static var expectedMessagesPerItem: Int { 24 }
    static var expectedJSONBytesPerItem: Int { 512 }

    static func encodeItem<Writer: OTLPWriter>(_ span: borrowing SpanData, into writer: inout Writer) {
        typealias Field = OTLPFields.Span
        writer.writeTraceID(Field.traceID, span.spanContext.traceID)
        writer.writeSpanID(Field.spanID, span.spanContext.spanID)
        if !span.spanContext.traceState.isEmpty {
            writer.writeString(Field.traceState, span.spanContext.traceState.header)
        }
        writer.serializeSpanID(Field.parentSpanID, span.parentSpanID)
        writer.serializeString(Field.name, span.name)
        writer.serializeEnum(Field.kind, kindNumber(span.kind))
        writer.serializeFixed64(Field.startTimeUnixNano, span.startTime)
        writer.serializeFixed64(Field.endTimeUnixNano, span.endTime)
        writer.serializeAttributes(Field.attributes, span.attributeStorage)
        writer.serializeUInt32(Field.droppedAttributesCount, span.droppedAttributeCount)
        writer.serializeRepeated(Field.events, span.events) { writer, event in
            writer.serializeFixed64(OTLPFields.Event.timeUnixNano, event.time)
            writer.serializeString(OTLPFields.Event.name, event.name)
            writer.serializeAttributes(OTLPFields.Event.attributes, event.attributes)
            writer.serializeUInt32(OTLPFields.Event.droppedAttributesCount, event.droppedAttributeCount)
        }
        writer.serializeUInt32(Field.droppedEventsCount, span.droppedEventCount)
        writer.serializeRepeated(Field.links, span.links) { writer, link in
            writer.writeTraceID(OTLPFields.Link.traceID, link.spanContext.traceID)
            writer.writeSpanID(OTLPFields.Link.spanID, link.spanContext.spanID)
            if !link.spanContext.traceState.isEmpty {
                writer.writeString(OTLPFields.Link.traceState, link.spanContext.traceState.header)
            }
            writer.serializeAttributes(OTLPFields.Link.attributes, link.attributes)
            writer.serializeUInt32(OTLPFields.Link.droppedAttributesCount, link.droppedAttributeCount)
            writer.writeFixed32(OTLPFields.Link.flags, flags(link.spanContext.traceFlags, isRemote: link.spanContext.isRemote))
        }
        writer.serializeUInt32(Field.droppedLinksCount, span.droppedLinkCount)
        if let status = span.status {
            writer.writeMessage(Field.status) { writer in
                switch status.code {
                case .ok:
                    writer.writeEnum(OTLPFields.Status.code, 1)
                case .error:
                    writer.serializeString(OTLPFields.Status.message, status.message)
                    writer.writeEnum(OTLPFields.Status.code, 2)
                }
            }
        }
        writer.writeFixed32(Field.flags, flags(span.spanContext.traceFlags, isRemote: span.parentIsRemote))
    }

    /// W3C trace flags in the low byte, plus the bits that say whether the (parent or linked) context is remote.
    static func flags(_ traceFlags: TraceFlags, isRemote: Bool) -> UInt32 {
        UInt32(traceFlags.rawValue) | OTLPFields.SpanFlags.contextHasIsRemote
            | (isRemote ? OTLPFields.SpanFlags.contextIsRemote : 0)
    }

    static func kindNumber(_ kind: SpanKind) -> Int {
        switch kind {
        case .internal: return 1
        case .server: return 2
        case .client: return 3
        case .producer: return 4
        case .consumer: return 5
        }
    }
}
