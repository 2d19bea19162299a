import Foundation
import SwiftProtobuf
import Telemetry
import Tracing

// The types in Generated/ come from ../../generate-protobuf and are not committed.

/// The SwiftProtobuf path to the same bytes as `OTLPTraceEncoder.protobuf`: span data converted to generated message
/// values, grouped by resource and scope, then serialized. It is what an SDK built on SwiftProtobuf does per batch.
public enum SwiftProtobufTraceEncoder {
    public static func encode(_ spans: [SpanData]) throws -> [UInt8] {
        var request = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest()
        for span in spans {
            let resourceIndex: Int
            if let index = request.resourceSpans.lastIndex(where: { $0.resource.attributes == keyValues(span.resource.attributes) }) {
                resourceIndex = index
            } else {
                var resourceSpans = Opentelemetry_Proto_Trace_V1_ResourceSpans()
                resourceSpans.resource.attributes = keyValues(span.resource.attributes)
                resourceSpans.schemaURL = span.resource.schemaURL ?? ""
                request.resourceSpans.append(resourceSpans)
                resourceIndex = request.resourceSpans.count - 1
            }
            let scope = span.instrumentationScope
            if let scopeIndex = request.resourceSpans[resourceIndex].scopeSpans.lastIndex(where: {
                $0.scope.name == scope.name && $0.scope.version == (scope.version ?? "")
            }) {
                request.resourceSpans[resourceIndex].scopeSpans[scopeIndex].spans.append(message(span))
            } else {
                var scopeSpans = Opentelemetry_Proto_Trace_V1_ScopeSpans()
                scopeSpans.scope.name = scope.name
                scopeSpans.scope.version = scope.version ?? ""
                scopeSpans.scope.attributes = keyValues(scope.attributes)
                scopeSpans.schemaURL = scope.schemaURL ?? ""
                scopeSpans.spans.append(message(span))
                request.resourceSpans[resourceIndex].scopeSpans.append(scopeSpans)
            }
        }
        return try request.serializedBytes()
    }

    static func message(_ span: SpanData) -> Opentelemetry_Proto_Trace_V1_Span {
        var message = Opentelemetry_Proto_Trace_V1_Span()
        message.traceID = data(span.spanContext.traceID)
        message.spanID = data(span.spanContext.spanID)
        if !span.spanContext.traceState.isEmpty { message.traceState = span.spanContext.traceState.header }
        if let parent = span.parentSpanID { message.parentSpanID = data(parent) }
        message.flags = UInt32(span.spanContext.traceFlags.rawValue) | 0x100 | (span.parentIsRemote ? 0x200 : 0)
        message.name = span.name
        message.kind = kind(span.kind)
        message.startTimeUnixNano = span.startTime
        message.endTimeUnixNano = span.endTime
        message.attributes = keyValues(span.attributes)
        message.droppedAttributesCount = UInt32(span.droppedAttributeCount)
        message.events = span.events.map { event in
            var message = Opentelemetry_Proto_Trace_V1_Span.Event()
            message.timeUnixNano = event.time
            message.name = event.name
            message.attributes = keyValues(event.attributes)
            message.droppedAttributesCount = UInt32(event.droppedAttributeCount)
            return message
        }
        message.droppedEventsCount = UInt32(span.droppedEventCount)
        message.links = span.links.map { link in
            var message = Opentelemetry_Proto_Trace_V1_Span.Link()
            message.traceID = data(link.spanContext.traceID)
            message.spanID = data(link.spanContext.spanID)
            message.attributes = keyValues(link.attributes)
            message.droppedAttributesCount = UInt32(link.droppedAttributeCount)
            return message
        }
        message.droppedLinksCount = UInt32(span.droppedLinkCount)
        if let status = span.status {
            switch status.code {
            case .ok: message.status.code = .ok
            case .error:
                message.status.code = .error
                message.status.message = status.message ?? ""
            }
        }
        return message
    }

    static func keyValues(_ attributes: SpanAttributes) -> [Opentelemetry_Proto_Common_V1_KeyValue] {
        var keyValues: [Opentelemetry_Proto_Common_V1_KeyValue] = []
        keyValues.reserveCapacity(attributes.count)
        attributes.forEach { key, value in
            var keyValue = Opentelemetry_Proto_Common_V1_KeyValue()
            keyValue.key = key
            keyValue.value = anyValue(value)
            keyValues.append(keyValue)
        }
        return keyValues
    }

    static func anyValue(_ attribute: SpanAttribute) -> Opentelemetry_Proto_Common_V1_AnyValue {
        var value = Opentelemetry_Proto_Common_V1_AnyValue()
        switch attribute {
        case .string(let string): value.stringValue = string
        case .bool(let bool): value.boolValue = bool
        case .int32(let int): value.intValue = Int64(int)
        case .int64(let int): value.intValue = int
        case .double(let double): value.doubleValue = double
        case .stringConvertible(let convertible): value.stringValue = convertible.description
        default: value.stringValue = "\(attribute)"
        }
        return value
    }

    static func data(_ id: SpanID) -> Data {
        withUnsafeBytes(of: id.value.bigEndian) { Data($0) }
    }

    static func data(_ id: TraceID) -> Data {
        withUnsafeBytes(of: (id.high.bigEndian, id.low.bigEndian)) { Data($0) }
    }

    static func kind(_ kind: SpanKind) -> Opentelemetry_Proto_Trace_V1_Span.SpanKind {
        switch kind {
        case .internal: return .internal
        case .server: return .server
        case .client: return .client
        case .producer: return .producer
        case .consumer: return .consumer
        }
    }
}
