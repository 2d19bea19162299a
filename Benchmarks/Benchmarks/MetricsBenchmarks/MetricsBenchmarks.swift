import Benchmark
import CoreMetrics
import OTel
import Foundation
import Telemetry
import TelemetryOTLP
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

    // MARK: Collection and encoding

    // 10 instruments (5 counters, 5 histograms) × 2,000 series each, every series recorded once: one cumulative
    // collection, and that collection encoded as an OTLP protobuf request, per iteration.
    let collection = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .microseconds,
        warmupIterations: 2,
        scalingFactor: .one,
        maxDuration: .seconds(3),
        maxIterations: 100
    )
    let seriesPerInstrument = 2000
    func populatedReader() -> ManualMetricReader {
        let reader = ManualMetricReader()
        let meter = MeterProvider(
            resource: Resource(attributes: ["service.name": "benchmark"]), readers: [reader], exemplarFilter: .alwaysOff
        ).meter(name: "collection")
        for index in 0..<5 {
            let counter = meter.makeCounter(name: "requests.\(index)")
            let histogram = meter.makeHistogram(name: "duration.\(index)", unit: "ms")
            for series in 0..<seriesPerInstrument {
                let attributes: AttributeSet = ["http.route": .string("/route/\(series)"), "http.request.method": "GET"]
                counter.add(1, attributes: attributes)
                histogram.record(Double(series % 1000), attributes: attributes)
            }
        }
        return reader
    }

    Benchmark("telemetry: collect 10 instruments × 2000 series", configuration: collection) { benchmark in
        let reader = populatedReader()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(reader.collect())
        }
    }

    Benchmark("telemetry: collect and OTLP-encode 10 instruments × 2000 series", configuration: collection) { benchmark in
        let reader = populatedReader()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(OTLPMetricsEncoder.protobuf(reader.collect()))
        }
    }

    // Resident memory a series costs: 10 instruments × 2,000 series made after a baseline, divided by 20,000.
    // The page-granular RSS is coarse, so the figure is an estimate, within about a page per 20,000 series.
    Benchmark(
        "telemetry: memory per series, counter and histogram",
        configuration: .init(
            metrics: [.custom("bytes per series", useScalingFactor: false)], warmupIterations: 0, scalingFactor: .one,
            maxDuration: .seconds(60), maxIterations: 3)
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            let before = residentBytes()
            let reader = populatedReader()
            let after = residentBytes()
            blackHole(reader)
            benchmark.measurement(.custom("bytes per series", useScalingFactor: false), (after - before) / (10 * seriesPerInstrument))
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
    // The same split over threads of Dispatch's pool (`concurrentPerform`): the benchmark harness runs async
    // benchmarks from one task that the runtime keeps on one thread here, so the task rows above show no parallelism
    // whatever the recording path does.
    for threads in [1, 2, 8] {
        Benchmark("telemetry: histogram record, \(threads) threads × \(total / threads), bound", configuration: concurrent) { benchmark in
            let histogram = MetricPipelines.meter.makeHistogram(Double.self, name: "duration.threads.bound").bind(attributes)
            histogram.record(1)
            for _ in benchmark.scaledIterations {
                DispatchQueue.concurrentPerform(iterations: threads) { thread in
                    for index in 0..<(total / threads) {
                        histogram.record(Double((index &+ thread) & 1023))
                    }
                }
            }
        }
        Benchmark("telemetry: histogram record, \(threads) threads × \(total / threads), pre-built set", configuration: concurrent) { benchmark in
            let histogram = MetricPipelines.meter.makeHistogram(Double.self, name: "duration.threads.api")
            histogram.record(1, attributes: attributes)
            for _ in benchmark.scaledIterations {
                DispatchQueue.concurrentPerform(iterations: threads) { thread in
                    for index in 0..<(total / threads) {
                        histogram.record(Double((index &+ thread) & 1023), attributes: attributes)
                    }
                }
            }
        }
    }
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

/// The process's resident memory in bytes, from /proc/self/statm.
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * 4096
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
