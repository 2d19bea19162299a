import Telemetry
import Tracing

/// Encodes an `ExportTraceServiceRequest` straight from span data, grouping spans by resource and then by
/// instrumentation scope, as OTLP requires.
enum TraceRequestEncoder {
    /// The request as protobuf bytes: measured in one pass, then written in a second into one exact allocation.
    ///
    /// - Returns: `nil` when the second pass disagrees with the first, which only a bug in the passes can cause: a
    ///   request that does not match its own lengths must never be sent.
    static func protobuf(_ spans: [SpanData]) -> [UInt8]? {
        let groups = group(spans)
        var sizer = ProtobufSizer(expectedMessages: spans.count * 24)
        spans.withUnsafeBufferPointer { encode($0, groups, into: &sizer) }
        return write(spans, groups, capacity: sizer.count, lengths: sizer.lengths, descriptions: sizer.descriptions)
    }

    /// The second pass, with the first pass's measurement; `nil` when they disagree.
    static func write(
        _ spans: [SpanData],
        _ groups: [ResourceGroup],
        capacity: Int,
        lengths: [Int],
        descriptions: [String]
    ) -> [UInt8]? {
        guard capacity > 0 else { return lengths.isEmpty && descriptions.isEmpty ? [] : nil }
        var isComplete = false
        let bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initializedCount in
            guard let base = buffer.baseAddress else { return }
            var writer = ProtobufWriter(base: base, capacity: capacity, lengths: lengths, descriptions: descriptions)
            spans.withUnsafeBufferPointer { encode($0, groups, into: &writer) }
            initializedCount = writer.count
            isComplete = writer.isComplete
        }
        return isComplete ? bytes : nil
    }

    /// The request as OTLP/JSON bytes.
    static func json(_ spans: [SpanData]) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: spans.count * 512)
        let groups = group(spans)
        spans.withUnsafeBufferPointer { spans in writer.writeRoot { encode(spans, groups, into: &$0) } }
        return writer.bytes
    }

    /// Writes the request. `spans` is a buffer so that each span is read in place: copying a `SpanData` costs a
    /// reference count operation per field.
    static func encode<Writer: OTLPWriter>(
        _ spans: UnsafeBufferPointer<SpanData>,
        _ groups: [ResourceGroup],
        into writer: inout Writer
    ) {
        writer.serializeRepeated(OTLPFields.ExportTraceServiceRequest.resourceSpans, groups) { writer, resourceGroup in
            writer.writeMessage(OTLPFields.ResourceSpans.resource) { writer in
                writer.serializeAttributes(OTLPFields.Resource.attributes, resourceGroup.resource.attributes)
            }
            writer.writeRepeated(OTLPFields.ResourceSpans.scopeSpans, resourceGroup.scopes) { writer, scopeGroup in
                let scope = scopeGroup.scope
                writer.writeMessage(OTLPFields.ScopeSpans.scope) { writer in
                    writer.serializeString(OTLPFields.InstrumentationScope.name, scope.name)
                    writer.serializeString(OTLPFields.InstrumentationScope.version, scope.version)
                    writer.serializeAttributes(OTLPFields.InstrumentationScope.attributes, scope.attributes)
                }
                writer.writeRepeated(OTLPFields.ScopeSpans.spans, scopeGroup.indices) { writer, index in
                    encodeSpan(spans[index], into: &writer)
                }
                writer.serializeString(OTLPFields.ScopeSpans.schemaURL, scope.schemaURL)
            }
            writer.serializeString(OTLPFields.ResourceSpans.schemaURL, resourceGroup.resource.schemaURL)
        }
    }

    static func encodeSpan<Writer: OTLPWriter>(_ span: borrowing SpanData, into writer: inout Writer) {
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
        writer.serializeAttributes(Field.attributes, span.attributes)
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

    struct ScopeGroup {
        var scope: InstrumentationScope
        var indices: [Int]
    }

    struct ResourceGroup {
        var resource: Resource
        var scopes: [ScopeGroup]
    }

    /// Groups span indices by resource, then by scope, in order of first appearance.
    static func group(_ spans: [SpanData]) -> [ResourceGroup] {
        var groups: [ResourceGroup] = []
        for (index, span) in spans.enumerated() {
            let resourceIndex: Int
            if let existing = groups.lastIndex(where: { $0.resource == span.resource }) {
                resourceIndex = existing
            } else {
                groups.append(ResourceGroup(resource: span.resource, scopes: []))
                resourceIndex = groups.count - 1
            }
            if let scopeIndex = groups[resourceIndex].scopes.lastIndex(where: { $0.scope == span.instrumentationScope }) {
                groups[resourceIndex].scopes[scopeIndex].indices.append(index)
            } else {
                groups[resourceIndex].scopes.append(ScopeGroup(scope: span.instrumentationScope, indices: [index]))
            }
        }
        return groups
    }
}
