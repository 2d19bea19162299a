import Benchmark
import CoreMetrics
import OTel
import Telemetry
import Tracing

// Counter adds and histogram records on a series that already exists, with 3 attributes, four ways:
// - "telemetry:" through our OTel API with a pre-built `AttributeSet`, and bound to the set (`bind`);
// - "telemetry:" and "swift-otel:" through swift-metrics, each with its own factory passed explicitly (never
//   `MetricsSystem.bootstrap`) and the swift-metrics handle made once, outside the measured loop.
// The rows "… via swift-metrics" pair up in ./compare; the OTel API rows have no swift-otel counterpart (swift-otel
// has no public metrics API of its own), so BENCHMARKS.md sets them against swift-otel's swift-metrics rows.
// Neither side runs a periodic reader: nothing collects while the loop records.

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .instructions, .mallocCountTotal, .throughput],
        timeUnits: .nanoseconds,
        warmupIterations: 1_000,
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 1_000_000
    )

    let attributes: AttributeSet = [
        "http.request.method": "GET", "http.route": "/orders", "http.response.status_code": "200",
    ]
    let dimensions = [("http.request.method", "GET"), ("http.route", "/orders"), ("http.response.status_code", "200")]

    // MARK: Counter

    Benchmark("telemetry: counter add, 3 attributes, pre-built set") { benchmark in
        let counter = MetricPipelines.meter.makeCounter(name: "requests.api")
        counter.add(1, attributes: attributes)  // the series exists before the loop
        for _ in benchmark.scaledIterations {
            counter.add(1, attributes: attributes)
        }
    }

    Benchmark("telemetry: counter add, 3 attributes, bound") { benchmark in
        let counter = MetricPipelines.meter.makeCounter(name: "requests.bound").bind(attributes)
        counter.add(1)
        for _ in benchmark.scaledIterations {
            counter.add(1)
        }
    }

    for (name, factory) in MetricPipelines.factories {
        Benchmark("\(name): counter add, 3 dimensions, via swift-metrics") { benchmark in
            let counter = CoreMetrics.Counter(label: "requests.swift_metrics", dimensions: dimensions, factory: factory)
            counter.increment(by: 1)
            for _ in benchmark.scaledIterations {
                counter.increment(by: 1)
            }
        }
    }

    // The way frameworks use swift-metrics (Hummingbird's MetricsMiddleware, Vapor's): a new handle per request,
    // which asks the factory for the handler of the label and dimensions each time.
    for (name, factory) in MetricPipelines.factories {
        Benchmark("\(name): counter add, 3 dimensions, via swift-metrics, handle per call") { benchmark in
            CoreMetrics.Counter(label: "requests.per_call", dimensions: dimensions, factory: factory).increment(by: 1)
            for _ in benchmark.scaledIterations {
                CoreMetrics.Counter(label: "requests.per_call", dimensions: dimensions, factory: factory).increment(by: 1)
            }
        }
    }

    // With the exemplar filter always_off, recording never reads the task's context: what trace_based costs outside
    // any span is the difference with the rows above.
    Benchmark("telemetry: counter add, 3 attributes, pre-built set, exemplars off") { benchmark in
        let counter = MetricPipelines.meterWithoutExemplars.makeCounter(name: "requests.api")
        counter.add(1, attributes: attributes)
        for _ in benchmark.scaledIterations {
            counter.add(1, attributes: attributes)
        }
    }

    Benchmark("telemetry: counter add, 3 attributes, bound, exemplars off") { benchmark in
        let counter = MetricPipelines.meterWithoutExemplars.makeCounter(name: "requests.bound").bind(attributes)
        counter.add(1)
        for _ in benchmark.scaledIterations {
            counter.add(1)
        }
    }

    // Inside a sampled span, with the default trace_based exemplar filter: the measurement is offered to the series'
    // reservoir with the span's ids.
    Benchmark("telemetry: counter add, 3 attributes, pre-built set, in a sampled span") { benchmark in
        let counter = MetricPipelines.meter.makeCounter(name: "requests.exemplar")
        counter.add(1, attributes: attributes)
        MetricPipelines.tracer.withSpan("request") { _ in
            for _ in benchmark.scaledIterations {
                counter.add(1, attributes: attributes)
            }
        }
    }

    // MARK: Histogram

    Benchmark("telemetry: histogram record, 3 attributes, pre-built set") { benchmark in
        let histogram = MetricPipelines.meter.makeHistogram(Double.self, name: "duration.api")
        histogram.record(1, attributes: attributes)
        var value = 0
        for _ in benchmark.scaledIterations {
            value &+= 7
            histogram.record(Double(value & 1023), attributes: attributes)
        }
    }

    Benchmark("telemetry: histogram record, 3 attributes, pre-built set, exemplars off") { benchmark in
        let histogram = MetricPipelines.meterWithoutExemplars.makeHistogram(Double.self, name: "duration.api")
        histogram.record(1, attributes: attributes)
        var value = 0
        for _ in benchmark.scaledIterations {
            value &+= 7
            histogram.record(Double(value & 1023), attributes: attributes)
        }
    }

    Benchmark("telemetry: histogram record, 3 attributes, bound") { benchmark in
        let histogram = MetricPipelines.meter.makeHistogram(Double.self, name: "duration.bound").bind(attributes)
        histogram.record(1)
        var value = 0
        for _ in benchmark.scaledIterations {
            value &+= 7
            histogram.record(Double(value & 1023))
        }
    }

    for (name, factory) in MetricPipelines.factories {
        Benchmark("\(name): histogram record, 3 dimensions, via swift-metrics") { benchmark in
            let recorder = Recorder(
                label: "duration.swift_metrics", dimensions: dimensions, aggregate: true, factory: factory)
            recorder.record(1.0)
            var value = 0
            for _ in benchmark.scaledIterations {
                value &+= 7
                recorder.record(Double(value & 1023))
            }
        }
    }

    // MARK: Tasks recording into one histogram

    // 80,000 records into one series of one histogram per iteration, split evenly over 1, 2 or 8 tasks: the time per
    // iteration falls as the tasks spread over cores when recording scales, and stays or rises when they contend.
    // ops/s = 80,000 / time per iteration. Task creation is included (8 tasks per 80,000 records: negligible).
    let concurrent = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 3,
        scalingFactor: .one,
        maxDuration: .seconds(3),
        maxIterations: 200
    )
    let total = 80_000
    for tasks in [1, 2, 8] {
        Benchmark("telemetry: histogram record, \(tasks) tasks × \(total / tasks), pre-built set", configuration: concurrent) { benchmark in
            let histogram = MetricPipelines.meter.makeHistogram(Double.self, name: "duration.tasks.api")
            histogram.record(1, attributes: attributes)
            for _ in benchmark.scaledIterations {
                await withTaskGroup(of: Void.self) { group in
                    for task in 0..<tasks {
                        group.addTask {
                            for index in 0..<(total / tasks) {
                                histogram.record(Double((index &+ task) & 1023), attributes: attributes)
                            }
                        }
                    }
                }
            }
        }
        Benchmark("telemetry: histogram record, \(tasks) tasks × \(total / tasks), bound", configuration: concurrent) { benchmark in
            let histogram = MetricPipelines.meter.makeHistogram(Double.self, name: "duration.tasks.bound").bind(attributes)
            histogram.record(1)
            for _ in benchmark.scaledIterations {
                await withTaskGroup(of: Void.self) { group in
                    for task in 0..<tasks {
                        group.addTask {
                            for index in 0..<(total / tasks) {
                                histogram.record(Double((index &+ task) & 1023))
                            }
                        }
                    }
                }
            }
        }
    }
}

/// One provider per SDK, each with a reader that only collects when asked, so that recording is all that runs.
enum MetricPipelines {
    static let provider = MeterProvider(
        resource: Resource(attributes: ["service.name": "benchmark"]),
        readers: [ManualMetricReader()]
    )
    static let meter = provider.meter(name: "benchmark")
    static let meterWithoutExemplars = MeterProvider(
        resource: Resource(attributes: ["service.name": "benchmark"]),
        readers: [ManualMetricReader()],
        exemplarFilter: .alwaysOff
    ).meter(name: "benchmark")
    static let tracer = TracerProvider(resource: Resource(attributes: ["service.name": "benchmark"]), sampler: AlwaysOnSampler())

    /// Ours through swift-metrics.
    static let telemetry: any MetricsFactory = TelemetryMetricsFactory(provider: provider)

    /// swift-otel's public metrics backend, with no exporter: its registry records, its reader never exports.
    static let swiftOTel: any MetricsFactory = {
        var configuration = OTel.Configuration.default
        configuration.serviceName = "benchmark"
        configuration.traces.enabled = false
        configuration.logs.enabled = false
        configuration.metrics.enabled = true
        configuration.metrics.exporter = .none
        do {
            return try OTel.makeMetricsBackend(configuration: configuration).factory
        } catch {
            fatalError("swift-otel's metrics backend: \(error)")
        }
    }()

    static let factories: [(String, any MetricsFactory)] = [("telemetry", telemetry), ("swift-otel", swiftOTel)]
}
