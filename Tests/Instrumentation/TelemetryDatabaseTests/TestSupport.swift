import Synchronization
import Telemetry
import Testing
import Tracing
import TelemetryTesting


/// A tracer provider that keeps every span, and a meter provider read on demand.
struct Recorded {
    let processor = CollectingSpanProcessor()
    let reader = ManualMetricReader()
    let tracerProvider: TracerProvider
    let meterProvider: MeterProvider

    init() {
        tracerProvider = TracerProvider(sampler: AlwaysOnSampler(), processors: [processor])
        meterProvider = MeterProvider(readers: [reader])
    }

    var clientSpans: [SpanData] { processor.spans.filter { $0.kind == .client } }

    /// Runs `body` in an internal span, and returns that span's context with what `body` returns.
    func inParent<T>(_ body: () async throws -> T) async throws -> (SpanContext, T) {
        let tracer = tracerProvider.tracer(name: "app")
        return try await tracer.withSpan("parent", ofKind: .internal) { span in
            let result = try await body()
            return (try #require(span.context.spanContext), result)
        }
    }

    /// The points of `db.client.operation.duration`, after checking its unit and buckets.
    func durationPoints() throws -> [HistogramPoint] {
        let data = reader.collect()
        let metric = try #require(data.first { $0.name == "db.client.operation.duration" }, "\(data.map(\.name))")
        #expect(metric.unit == "s")
        guard case .histogram(let histogram) = metric.points else {
            Issue.record("db.client.operation.duration is not a histogram")
            return []
        }
        for point in histogram.points {
            #expect(point.boundaries == [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10])
        }
        return histogram.points
    }
}

/// Every string value in a span: attributes, and the attributes of its events.
func allText(_ span: SpanData) -> String {
    var text = span.name
    span.attributes.forEach { key, value in text += " \(key)=\(value)" }
    for event in span.events {
        text += " " + event.name
        event.attributes.forEach { key, value in text += " \(key)=\(value)" }
    }
    return text
}

extension SpanData {
    func string(_ key: String) -> String? {
        guard case .string(let value)? = attributes[key]?.toSpanAttribute() else { return nil }
        return value
    }
}
