import Tracing

/// Writes each span as one human-readable line, for development and debugging (`OTEL_TRACES_EXPORTER=console`).
///
/// A line holds the end time, `trace_id`, `span_id`, `parent_span_id`, name, kind, duration, status and attributes:
///
/// ```
/// 2026-11-25T10:00:00.123Z trace_id=4bf9…4736 span_id=00f0…02b7 parent_span_id=- name="GET /orders" kind=server duration=1.204ms status=ok events=0 links=0 attributes={http.response.status_code=200}
/// ```
public struct ConsoleSpanExporter: SpanExporter {
    private let write: @Sendable (String) -> Void

    /// Creates an exporter that writes to standard output.
    public init() {
        self.write = ConsoleText.writeLineToStandardOutput
    }

    /// Creates an exporter that hands each line, without a newline, to `write`.
    public init(write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    public func export(_ batch: [SpanData]) async throws {
        for span in batch {
            write(Self.format(span))
        }
    }

    /// The line for `span`.
    public static func format(_ span: SpanData) -> String {
        var line = ConsoleText.timestamp(span.endTime)
        line += " trace_id=\(span.spanContext.traceID.hexString)"
        line += " span_id=\(span.spanContext.spanID.hexString)"
        line += " parent_span_id=\(span.parentSpanID?.hexString ?? "-")"
        line += " name=\(ConsoleText.quoted(span.name))"
        line += " kind=\(kindName(span.kind))"
        line += " duration=\(duration(span.endTime &- span.startTime))"
        line += " status=\(statusText(span.status))"
        line += " events=\(span.events.count) links=\(span.links.count)"
        line += " attributes={\(attributesText(span.attributes))}"
        return line
    }

    static func kindName(_ kind: SpanKind) -> String {
        switch kind {
        case .server: return "server"
        case .client: return "client"
        case .producer: return "producer"
        case .consumer: return "consumer"
        case .internal: return "internal"
        }
    }

    static func statusText(_ status: SpanStatus?) -> String {
        guard let status else { return "unset" }
        switch status.code {
        case .ok: return "ok"
        case .error: return status.message.map { "error(\(ConsoleText.quoted($0)))" } ?? "error"
        }
    }

    static func duration(_ nanoseconds: UInt64) -> String {
        let milliseconds = Double(nanoseconds) / 1_000_000
        let rounded = (milliseconds * 1000).rounded() / 1000
        return "\(rounded)ms"
    }

    static func attributesText(_ attributes: SpanAttributes) -> String {
        var pairs: [String] = []
        attributes.forEach { key, value in pairs.append("\(ConsoleText.escaped(key))=\(valueText(value))") }
        return pairs.sorted().joined(separator: ", ")
    }

    static func valueText(_ value: SpanAttribute) -> String {
        switch value {
        case .string(let string): return ConsoleText.quoted(string)
        case .bool(let bool): return String(bool)
        case .int32(let int): return String(int)
        case .int64(let int): return String(int)
        case .double(let double): return String(double)
        case .stringArray(let values): return "[" + values.map(ConsoleText.quoted).joined(separator: ", ") + "]"
        case .boolArray(let values): return "[" + values.map(String.init).joined(separator: ", ") + "]"
        case .int32Array(let values): return "[" + values.map { String($0) }.joined(separator: ", ") + "]"
        case .int64Array(let values): return "[" + values.map { String($0) }.joined(separator: ", ") + "]"
        case .doubleArray(let values): return "[" + values.map { String($0) }.joined(separator: ", ") + "]"
        case .stringConvertible(let value): return ConsoleText.quoted(value.description)
        case .stringConvertibleArray(let values): return "[" + values.map { ConsoleText.quoted($0.description) }.joined(separator: ", ") + "]"
        default: return "?"
        }
    }
}
