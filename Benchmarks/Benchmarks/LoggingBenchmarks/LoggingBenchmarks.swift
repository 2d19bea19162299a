import Benchmark
import BenchmarkSink
import BenchmarkSupport
import Logging
import OTel
import Telemetry
import Tracing

// Each comparable benchmark exists twice, "telemetry:" (ours) and "swift-otel:", logging through swift-log's
// `Logger` API with the SDK's handler installed on that logger, at level info, while the SDK's background service
// runs, as in production. Both sides do the same work: handler, batch processor with default settings, and an
// exporter that discards (see `LogPipelines`). "swift-log:" is the floor: a handler that discards every event.
// ./compare pairs them up and prints the ratios.

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .instructions, .mallocCountTotal, .throughput],
        timeUnits: .nanoseconds,
        warmupIterations: 1_000,
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 1_000_000
    )

    let sides: [(String, Logger)] = [
        ("telemetry", LogPipelines.telemetry),
        ("swift-otel", LogPipelines.swiftOTel),
        ("swift-log", LogPipelines.floor),
    ]

    for (name, logger) in sides {
        Benchmark("\(name): info log, 3 metadata values", closure: { benchmark in
            for _ in benchmark.scaledIterations {
                logger.info(
                    "order placed",
                    metadata: ["order.id": "8412", "customer.tier": "gold", "http.response.status_code": "200"]
                )
            }
        }, teardown: settle)
    }

    // swift-otel's handler always adds the call's file, function and line; ours does so when asked.
    Benchmark("telemetry: info log, 3 metadata values, with code location", closure: { benchmark in
        let logger = LogPipelines.telemetryWithCodeLocation
        for _ in benchmark.scaledIterations {
            logger.info(
                "order placed",
                metadata: ["order.id": "8412", "customer.tier": "gold", "http.response.status_code": "200"]
            )
        }
    }, teardown: settle)

    // Inside a sampled span of the same SDK: the record also carries the trace id, span id and flags.
    for side in Side.allCases {
        let logger = side == .telemetry ? LogPipelines.telemetry : LogPipelines.swiftOTel
        let tracer = side.tracers.sampled
        Benchmark("\(side.rawValue): info log, 3 metadata values, inside a span", closure: { benchmark in
            let span = tracer.startSpan("GET /orders")
            defer { span.end() }
            ServiceContext.withValue(span.context) {
                for _ in benchmark.scaledIterations {
                    logger.info(
                        "order placed",
                        metadata: ["order.id": "8412", "customer.tier": "gold", "http.response.status_code": "200"]
                    )
                }
            }
        }, teardown: settle)
    }

    for (name, logger) in sides {
        Benchmark("\(name): debug log below the info level") { benchmark in
            for _ in benchmark.scaledIterations {
                logger.debug(
                    "cache lookup",
                    metadata: ["order.id": "8412", "customer.tier": "gold", "http.response.status_code": "200"]
                )
            }
        }
    }
}

/// Runs after each benchmark that logs at info, whichever SDK it measures: swift-otel's processor hands every record
/// through an unbounded stream to an actor, which can still be working through the backlog when the benchmark ends,
/// on the core the next benchmark needs for its own background work.
@Sendable func settle() async throws {
    try await Task.sleep(for: .seconds(3))
}

/// One `Logger` per SDK, each at level info, with the SDK's background service started once per process.
enum LogPipelines {
    /// Ours: ``TelemetryLogHandler`` → ``BatchLogRecordProcessor`` with default settings → an exporter that discards.
    static let telemetry = makeTelemetry(includesCodeLocation: false)
    static let telemetryWithCodeLocation = makeTelemetry(includesCodeLocation: true)

    private static let provider: LoggerProvider = {
        // The default configuration is valid, so the processor is always made.
        let processor = try? BatchLogRecordProcessor(exporter: DiscardingLogRecordExporter(), logger: silent)
        let provider = LoggerProvider(
            resource: Resource(attributes: ["service.name": "benchmark"]),
            processors: processor.map { [$0] } ?? []
        )
        Task.detached { try? await provider.run() }
        return provider
    }()

    private static func makeTelemetry(includesCodeLocation: Bool) -> Logger {
        let provider = self.provider
        return Logger(label: "benchmark") { label in
            TelemetryLogHandler(label: label, provider: provider, logLevel: .info, includesCodeLocation: includesCodeLocation)
        }
    }

    /// swift-otel's public logging backend: its handler → its batch processor with default settings → its OTLP/HTTP
    /// exporter. swift-otel has no public discarding exporter that keeps the batch processor (`exporter = .none`
    /// pairs with its simple processor), so the exporter sends to a loopback sink that discards. With the default
    /// one-second delay it exports at most 512 records a second, so the export itself costs next to nothing here.
    static let swiftOTel: Logger = {
        let sink = Sink()
        var configuration = OTel.Configuration.default
        configuration.serviceName = "benchmark"
        configuration.traces.enabled = false
        configuration.metrics.enabled = false
        configuration.logs.enabled = true
        configuration.logs.level = .info
        configuration.logs.exporter = .otlp
        configuration.logs.otlpExporter.protocol = .httpProtobuf
        configuration.diagnosticLogger = .custom(silent)
        do {
            let port = try sink.startHTTPBlocking()
            configuration.logs.otlpExporter.endpoint = "http://127.0.0.1:\(port)/v1/logs"
            let (factory, service) = try OTel.makeLoggingBackend(configuration: configuration)
            Task.detached { try? await service.run() }
            return Logger(label: "benchmark", factory: factory)
        } catch {
            fatalError("swift-otel's logging backend: \(error)")
        }
    }()

    /// swift-log with a handler that discards every event at info and above: what the `Logger` API costs by itself.
    static let floor = Logger(label: "benchmark") { _ in DiscardingLogHandler() }

    /// Both SDKs' own diagnostics (dropped records, failed exports) go nowhere, so that they cost the same.
    static let silent = Logger(label: "benchmark-diagnostics") { _ in SwiftLogNoOpLogHandler() }
}

/// Drops every batch: the benchmarks measure the SDK, not a transport.
struct DiscardingLogRecordExporter: LogRecordExporter {
    func export(_ batch: [LogRecordData]) async throws {}
}

/// Accepts events at info and above and drops them.
struct DiscardingLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        blackHole(event)
    }
}
