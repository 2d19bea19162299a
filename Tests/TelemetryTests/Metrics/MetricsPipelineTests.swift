import Logging
import ServiceLifecycle
import Synchronization
@testable import Telemetry
import TelemetryTesting
import Testing

@Suite("Periodic exporting reader and the metrics configuration")
struct MetricsPipelineTests {
    func counterValues(_ metrics: [MetricData], name: String = "jobs") -> [NumberValue] {
        metrics.filter { $0.name == name }.flatMap { metric -> [NumberValue] in
            guard case .sum(let sum) = metric.points else { return [] }
            return sum.points.map(\.value)
        }
    }

    @Test("the reader collects and exports every interval on the clock, and a last time at shutdown")
    func schedule() async throws {
        let clock = TestClock()
        let exporter = InMemoryMetricExporter()
        let reader = try PeriodicExportingMetricReader(
            exporter: exporter, configuration: .init(interval: .seconds(10), timeout: .zero), clock: clock)
        let provider = MeterProvider(readers: [reader])
        let counter = provider.meter(name: "m").makeCounter(name: "jobs")
        let run = Task { try await provider.run() }
        counter.add(1)
        await clock.waitForSleepers(count: 1)
        #expect(exporter.exportCount == 0, "nothing before the interval")
        clock.advance(by: .seconds(10))
        #expect(counterValues(await exporter.waitForMetrics(count: 1)) == [.int(1)])
        counter.add(2)
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(10))
        #expect(counterValues(await exporter.waitForMetrics(count: 2)) == [.int(1), .int(3)])
        counter.add(4)
        try await provider.shutdown()
        try await run.value
        #expect(counterValues(exporter.metrics) == [.int(1), .int(3), .int(7)], "shutdown exported a last collection")
        #expect(exporter.isShutdown)
        #expect(reader.statistics.exported == 3)
    }

    @Test("forceFlush collects and exports at once, with the exporter's temporality")
    func forceFlush() async throws {
        let exporter = InMemoryMetricExporter(temporality: .delta)
        let reader = try PeriodicExportingMetricReader(exporter: exporter, clock: TestClock())
        let provider = MeterProvider(readers: [reader])
        let counter = provider.meter(name: "m").makeCounter(name: "jobs")
        counter.add(5)
        try await provider.forceFlush()
        counter.add(2)
        try await provider.forceFlush()
        #expect(counterValues(exporter.metrics) == [.int(5), .int(2)])
        try await provider.shutdown()
    }

    @Test("an export that outlives the timeout is cancelled and counted as failed")
    func timeout() async throws {
        struct StuckExporter: MetricExporter {
            func export(_ batch: [MetricData]) async throws {
                // A stream nobody feeds: iterating it ends only when the export's task is cancelled.
                let (stream, continuation) = AsyncStream<Void>.makeStream()
                for await _ in stream {}
                continuation.finish()
                throw CancellationError()
            }
        }
        let clock = TestClock()
        let reader = try PeriodicExportingMetricReader(
            exporter: StuckExporter(), configuration: .init(interval: .seconds(60), timeout: .seconds(1)), clock: clock)
        let provider = MeterProvider(readers: [reader])
        provider.meter(name: "m").makeCounter(name: "jobs").add(1)
        let flush = Task { try await provider.forceFlush() }
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(1))
        try await flush.value
        #expect(reader.statistics.failed == 1)
    }

    @Test("out-of-range reader settings set in code throw", arguments: [
        PeriodicExportingMetricReader.Configuration(interval: .zero),
        PeriodicExportingMetricReader.Configuration(timeout: .milliseconds(-1)),
    ])
    func invalidSettings(configuration: PeriodicExportingMetricReader.Configuration) {
        #expect(throws: TelemetryConfigurationError.self) {
            try PeriodicExportingMetricReader(exporter: InMemoryMetricExporter(), configuration: configuration)
        }
    }

    @Test("OTEL_METRIC_EXPORT_INTERVAL and _TIMEOUT configure the reader; an interval of 0 warns and the default applies")
    func variables() throws {
        var configuration = TelemetryConfiguration()
        configuration.metrics.exporters = [InMemoryMetricExporter()]
        let service = try TelemetrySystem.makeService(
            configuration, environment: ["OTEL_METRIC_EXPORT_INTERVAL": "1500", "OTEL_METRIC_EXPORT_TIMEOUT": "250"])
        let reader = try #require(service.meterProvider.readers.first as? PeriodicExportingMetricReader)
        #expect(reader.configuration == .init(interval: .milliseconds(1500), timeout: .milliseconds(250)))
        let capture = LogCapture()
        configuration.logger = capture.logger()
        let defaulted = try TelemetrySystem.makeService(configuration, environment: ["OTEL_METRIC_EXPORT_INTERVAL": "0"])
        #expect((defaulted.meterProvider.readers.first as? PeriodicExportingMetricReader)?.configuration.interval == .seconds(60))
        #expect(capture.warnings.filter { $0.contains("OTEL_METRIC_EXPORT_INTERVAL") }.count == 1)
        configuration.isStrict = true
        #expect(throws: TelemetryConfigurationError.self) {
            try TelemetrySystem.makeService(configuration, environment: ["OTEL_METRIC_EXPORT_TIMEOUT": "soon"])
        }
    }

    @Test("OTEL_METRICS_EXPORTER: console is a periodic reader, none is nothing, a reader factory answers to its name")
    func exporterSelection() throws {
        struct PullFactory: MetricReaderFactory {
            let name = "prometheus"
            func makeMetricReader(environment: [String: String], isStrict: Bool, logger: Logger) throws -> any MetricReader {
                ManualMetricReader()
            }
        }
        func readers(_ environment: [String: String]) throws -> [any MetricReader] {
            var configuration = TelemetryConfiguration()
            configuration.metrics.readerFactories = [PullFactory()]
            return try TelemetrySystem.makeService(configuration, environment: environment).meterProvider.readers
        }
        #expect(try readers([:]).isEmpty, "without the OTLP module the default is none")
        #expect(try readers(["OTEL_METRICS_EXPORTER": "console"]).first is PeriodicExportingMetricReader)
        #expect(try readers(["OTEL_METRICS_EXPORTER": "none"]).isEmpty)
        let both = try readers(["OTEL_METRICS_EXPORTER": "prometheus,console"])
        #expect(both.count == 2 && both.first is ManualMetricReader)
        #expect(try readers(["OTEL_SDK_DISABLED": "true", "OTEL_METRICS_EXPORTER": "console"]).isEmpty)
    }

    @Test("views set in the configuration reach the provider")
    func configuredViews() throws {
        var configuration = TelemetryConfiguration()
        configuration.metrics.views = [View(.init(name: "jobs"), name: "jobs.done")]
        configuration.metrics.readers = [ManualMetricReader()]
        let telemetry = try TelemetrySystem.makeService(configuration, environment: [:])
        telemetry.meterProvider.meter(name: "m").makeCounter(name: "jobs").add(1)
        let reader = try #require(telemetry.meterProvider.readers.first as? ManualMetricReader)
        #expect(reader.collect().map(\.name) == ["jobs.done"])
    }

    @Test("graceful shutdown of the service group exports a last collection and shuts the exporter down")
    func gracefulShutdown() async throws {
        let exporter = InMemoryMetricExporter()
        var configuration = TelemetryConfiguration()
        configuration.metrics.exporters = [exporter]
        let telemetry = try TelemetrySystem.makeService(configuration, environment: [:])
        let counter = telemetry.meterProvider.meter(name: "app").makeCounter(name: "jobs")
        let group = ServiceGroup(services: [telemetry], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            for _ in 0..<100 { counter.add(1) }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(counterValues(exporter.metrics) == [.int(100)])
        #expect(exporter.isShutdown && telemetry.meterProvider.isShutdown)
    }

    @Test("the console exporter writes one line per point")
    func console() async throws {
        let lines = Mutex<[String]>([])
        let reader = ManualMetricReader()
        let meter = MeterProvider(readers: [reader]).meter(name: "orders")
        meter.makeCounter(name: "http.server.requests").add(42, attributes: ["method": "GET"])
        meter.makeHistogram(name: "http.server.duration", unit: "ms", explicitBucketBoundaries: [10, 100]).record(12.5)
        let exporter = ConsoleMetricExporter { line in lines.withLock { $0.append(line) } }
        try await exporter.export(reader.collect())
        let output = lines.withLock { $0 }
        #expect(output.count == 2)
        #expect(output[0].hasSuffix(
            "metric=\"http.server.requests\" unit=\"\" scope=\"orders\" sum monotonic cumulative attributes={method=\"GET\"} value=42"))
        #expect(output[1].hasSuffix(
            "metric=\"http.server.duration\" unit=\"ms\" scope=\"orders\" histogram cumulative attributes={} count=1 sum=12.5 min=12.5 max=12.5 buckets=[0, 1, 0]"))
    }
}
