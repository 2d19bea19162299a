import Foundation
import Telemetry

/// Stored spans in the JSON shape of Jaeger's query API (`model/json` in Jaeger), the shape Grafana's Jaeger data
/// source and Jaeger's own UI read.
///
/// OTLP concepts Jaeger lacks become tags the way Jaeger's OTLP translator writes them: the span kind as
/// `span.kind`, the status as `otel.status_code` / `otel.status_description` plus `error=true` for an error, the
/// scope as `otel.scope.name` / `otel.scope.version`. Events become logs whose `event` field is the event's name,
/// the parent becomes a `CHILD_OF` reference and links become `FOLLOWS_FROM` references. Resources become
/// processes, numbered `p1`, `p2`... in order of appearance.
enum JaegerTraceJSON {
    /// One trace as Jaeger's `Trace` object.
    static func trace(_ trace: StoredTrace) -> JSONValue {
        var processIDs: [ReceivedResource: String] = [:]
        var processes: [(String, JSONValue)] = []
        var spans: [JSONValue] = []
        for span in trace.spans {
            let processID: String
            if let known = processIDs[span.resource] {
                processID = known
            } else {
                processID = "p\(processes.count + 1)"
                processIDs[span.resource] = processID
                processes.append((processID, process(span.resource)))
            }
            spans.append(self.span(span, processID: processID))
        }
        return .object([
            ("traceID", .string(trace.traceID.hexString)),
            ("spans", .array(spans)),
            ("processes", .object(processes)),
            ("warnings", .null),
        ])
    }

    /// A resource as Jaeger's `Process`: its `service.name`, and its other attributes as tags.
    static func process(_ resource: ReceivedResource) -> JSONValue {
        .object([
            ("serviceName", .string(resource.serviceName)),
            ("tags", .array(resource.attributes.filter { $0.key != "service.name" }.map(keyValue))),
        ])
    }

    static func span(_ span: ReceivedSpan, processID: String) -> JSONValue {
        var references: [JSONValue] = []
        if span.parentSpanID.isValid {
            references.append(reference("CHILD_OF", span.traceID, span.parentSpanID))
        }
        for link in span.links {
            references.append(reference("FOLLOWS_FROM", link.traceID, link.spanID))
        }
        let logs: [JSONValue] = span.events.map { event in
            .object([
                ("timestamp", .uint(event.timeUnixNano / 1000)),
                ("fields", .array([typed("event", "string", .string(event.name))] + event.attributes.map(keyValue))),
            ])
        }
        return .object([
            ("traceID", .string(span.traceID.hexString)),
            ("spanID", .string(span.spanID.hexString)),
            ("operationName", .string(span.name)),
            ("references", .array(references)),
            ("startTime", .uint(span.startTimeUnixNano / 1000)),
            ("duration", .uint(span.durationNanoseconds / 1000)),
            ("tags", .array(tags(of: span))),
            ("logs", .array(logs)),
            ("processID", .string(processID)),
            ("warnings", .null),
            ("flags", .uint(UInt64(span.flags & 0xFF))),
        ])
    }

    /// The span's attributes followed by the tags that carry its OTLP-only fields.
    static func tags(of span: ReceivedSpan) -> [JSONValue] {
        var tags = span.attributes.map(keyValue)
        if !span.scope.name.isEmpty { tags.append(typed("otel.scope.name", "string", .string(span.scope.name))) }
        if !span.scope.version.isEmpty { tags.append(typed("otel.scope.version", "string", .string(span.scope.version))) }
        if let kind = kindName(span.kind) { tags.append(typed("span.kind", "string", .string(kind))) }
        switch span.statusCode {
        case .ok:
            tags.append(typed("otel.status_code", "string", .string("OK")))
        case .error:
            tags.append(typed("otel.status_code", "string", .string("ERROR")))
            tags.append(typed("error", "bool", .bool(true)))
        case .unset:
            break
        }
        if !span.statusMessage.isEmpty {
            tags.append(typed("otel.status_description", "string", .string(span.statusMessage)))
        }
        if !span.traceState.isEmpty { tags.append(typed("w3c.tracestate", "string", .string(span.traceState))) }
        return tags
    }

    /// Jaeger's name for a span kind; `nil` for unspecified, which Jaeger leaves untagged.
    static func kindName(_ kind: ReceivedSpan.Kind) -> String? {
        switch kind {
        case .unspecified: nil
        case .internal: "internal"
        case .server: "server"
        case .client: "client"
        case .producer: "producer"
        case .consumer: "consumer"
        }
    }

    static func reference(_ type: String, _ traceID: TraceID, _ spanID: SpanID) -> JSONValue {
        .object([("refType", .string(type)), ("traceID", .string(traceID.hexString)), ("spanID", .string(spanID.hexString))])
    }

    /// An attribute as Jaeger's typed `KeyValue`. Arrays and maps, which Jaeger cannot type, become their JSON text,
    /// as in Jaeger's OTLP translator; bytes are `binary`, base64 as Go writes `[]byte`.
    static func keyValue(_ attribute: KeyValue) -> JSONValue {
        switch attribute.value {
        case .string(let value): typed(attribute.key, "string", .string(value))
        case .bool(let value): typed(attribute.key, "bool", .bool(value))
        case .int(let value): typed(attribute.key, "int64", .int(value))
        case .double(let value): typed(attribute.key, "float64", .double(value))
        case .bytes(let value): typed(attribute.key, "binary", .string(Data(value).base64EncodedString()))
        case .array, .keyValueList: typed(attribute.key, "string", .string(TelemetryValueText.json(attribute.value).serialized()))
        case .empty: typed(attribute.key, "string", .string(""))
        }
    }

    static func typed(_ key: String, _ type: String, _ value: JSONValue) -> JSONValue {
        .object([("key", .string(key)), ("type", .string(type)), ("value", value)])
    }
}

/// Telemetry values as JSON and as display text.
enum TelemetryValueText {
    /// The value as plain JSON: maps as objects, bytes as base64, empty as null.
    static func json(_ value: TelemetryValue) -> JSONValue {
        switch value {
        case .string(let value): .string(value)
        case .bool(let value): .bool(value)
        case .int(let value): .int(value)
        case .double(let value): .double(value)
        case .bytes(let value): .string(Data(value).base64EncodedString())
        case .array(let values): .array(values.map(json))
        case .keyValueList(let members): .object(members.map { ($0.key, json($0.value)) })
        case .empty: .null
        }
    }

    /// The value as a person reads it: strings as they are, anything structured as JSON.
    static func display(_ value: TelemetryValue) -> String {
        switch value {
        case .string(let value): value
        case .bool(let value): value ? "true" : "false"
        case .int(let value): String(value)
        case .double(let value): "\(value)"
        case .empty: ""
        case .bytes, .array, .keyValueList: json(value).serialized()
        }
    }

    /// Attributes as a JSON object, the later of duplicate keys winning as OTLP readers do.
    static func attributes(_ attributes: [KeyValue]) -> JSONValue {
        .object(attributes.map { ($0.key, json($0.value)) })
    }
}
