/// Writes each collected point as one human-readable line, for development and debugging
/// (`OTEL_METRICS_EXPORTER=console`).
///
/// ```
/// 2026-11-25T10:00:00.123Z metric="http.server.requests" unit="" scope="orders" sum monotonic cumulative attributes={method=GET} value=42
/// 2026-11-25T10:00:00.123Z metric="http.server.duration" unit="ms" scope="orders" histogram cumulative attributes={} count=2 sum=82.5 min=12.5 max=70 buckets=[0, 0, 0, 1, 0, 1, …]
/// ```
public struct ConsoleMetricExporter: MetricExporter {
    private let write: @Sendable (String) -> Void

    /// Creates an exporter that writes to standard output.
    public init() {
        self.write = ConsoleText.writeLineToStandardOutput
    }

    /// Creates an exporter that hands each line, without a newline, to `write`.
    public init(write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    public func export(_ batch: [MetricData]) async throws {
        for metric in batch {
            for line in Self.format(metric) {
                write(line)
            }
        }
    }

    /// The lines for `metric`, one per point.
    public static func format(_ metric: MetricData) -> [String] {
        let head = "metric=\(ConsoleText.quoted(metric.name)) unit=\(ConsoleText.quoted(metric.unit)) "
            + "scope=\(ConsoleText.quoted(metric.instrumentationScope.name))"
        func line(_ time: UInt64, _ kind: String, _ attributes: AttributeSet, _ rest: String) -> String {
            "\(ConsoleText.timestamp(time)) \(head) \(kind) attributes=\(attributesText(attributes)) \(rest)"
        }
        switch metric.points {
        case .sum(let sum):
            let kind = "sum \(sum.isMonotonic ? "monotonic" : "non-monotonic") \(temporalityName(sum.temporality))"
            return sum.points.map { line($0.time, kind, $0.attributes, "value=\(valueText($0.value))") }
        case .gauge(let points):
            return points.map { line($0.time, "gauge", $0.attributes, "value=\(valueText($0.value))") }
        case .histogram(let histogram):
            return histogram.points.map { point in
                let rest = "count=\(point.count) sum=\(optional(point.sum)) min=\(optional(point.min)) "
                    + "max=\(optional(point.max)) buckets=\(point.bucketCounts)"
                return line(point.time, "histogram \(temporalityName(histogram.temporality))", point.attributes, rest)
            }
        case .exponentialHistogram(let histogram):
            return histogram.points.map { point in
                let rest = "count=\(point.count) sum=\(optional(point.sum)) scale=\(point.scale) zero=\(point.zeroCount) "
                    + "positive=\(point.positive.offset):\(point.positive.counts) negative=\(point.negative.offset):\(point.negative.counts)"
                return line(point.time, "exponential_histogram \(temporalityName(histogram.temporality))", point.attributes, rest)
            }
        }
    }

    static func temporalityName(_ temporality: AggregationTemporality) -> String {
        temporality == .delta ? "delta" : "cumulative"
    }

    static func valueText(_ value: NumberValue) -> String {
        switch value {
        case .int(let value): return String(value)
        case .double(let value): return String(value)
        }
    }

    static func optional(_ value: Double?) -> String {
        value.map { String($0) } ?? "-"
    }

    static func attributesText(_ attributes: AttributeSet) -> String {
        "{" + attributes.map { "\(ConsoleText.escaped($0.key))=\(valueText($0.value))" }.joined(separator: ", ") + "}"
    }

    static func valueText(_ value: AttributeValue) -> String {
        if case .string(let string) = value { return ConsoleText.quoted(string) }
        return value.description
    }
}
