/// Writes each log record as one human-readable line, for development and debugging (`OTEL_LOGS_EXPORTER=console`).
///
/// A line holds the time, the severity, the scope, `trace_id` and `span_id` (`-` outside a span), the body and the
/// attributes:
///
/// ```
/// 2026-11-25T10:00:00.123Z INFO scope="orders" trace_id=4bf9…4736 span_id=00f0…02b7 body="order placed" attributes={order.id=42}
/// ```
public struct ConsoleLogRecordExporter: LogRecordExporter {
    private let write: @Sendable (String) -> Void

    /// Creates an exporter that writes to standard output.
    public init() {
        self.write = ConsoleText.writeLineToStandardOutput
    }

    /// Creates an exporter that hands each line, without a newline, to `write`.
    public init(write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    public func export(_ batch: [LogRecordData]) async throws {
        for record in batch {
            write(Self.format(record))
        }
    }

    /// The line for `record`.
    public static func format(_ record: LogRecordData) -> String {
        var line = ConsoleText.timestamp(record.timestamp ?? record.observedTimestamp)
        line += " " + (record.severity?.shortName ?? "UNSPECIFIED")
        line += " scope=\(ConsoleText.quoted(record.instrumentationScope.name))"
        line += " trace_id=\(record.traceID?.hexString ?? "-")"
        line += " span_id=\(record.spanID?.hexString ?? "-")"
        if let eventName = record.eventName { line += " event=\(ConsoleText.quoted(eventName))" }
        line += " body=\(record.body.map(valueText) ?? "-")"
        line += " attributes={\(attributesText(record.attributes))}"
        if record.droppedAttributeCount > 0 { line += " dropped_attributes=\(record.droppedAttributeCount)" }
        return line
    }

    static func attributesText(_ attributes: [String: LogValue]) -> String {
        attributes.map { "\(ConsoleText.escaped($0.key))=\(valueText($0.value))" }.sorted().joined(separator: ", ")
    }

    static func valueText(_ value: LogValue) -> String {
        switch value {
        case .string(let string): return ConsoleText.quoted(string)
        case .bool, .int, .double, .bytes: return value.description
        case .array(let values): return "[" + values.map(valueText).joined(separator: ", ") + "]"
        case .map(let values): return "{" + attributesText(values) + "}"
        }
    }
}
