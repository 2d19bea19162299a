import BenchmarkSink
import BenchmarkSupport
import Logging
import OTel
import Telemetry
import TelemetryOTLP
import Tracing

/// What a run produces and exports.
enum Signal: String, Sendable {
    /// Spans started through swift-distributed-tracing's `withSpan`, with 3 attributes.
    case spans
    /// Records logged through swift-log's `Logger.info`, with 3 metadata values.
    case logs
}

/// One SDK's tracer or log handler exporting over OTLP to the sink, with the SDK's default batch settings.
///
/// For the flush scenario the queue holds 200,000 items and the schedule delay is an hour, so that every item waits
/// in the queue until the flush.
struct ExportPipeline: Sendable {
    /// Produces the items numbered `range` on the calling task.
    let produce: @Sendable (Range<Int>) -> Void
    /// What the SDK itself counted, when it says: ours only.
    let statistics: @Sendable () -> ExportStatistics?
    private let run: @Sendable () async throws -> Void
    private let flushAll: @Sendable () async -> Void

    init(side: Side, signal: Signal, transport: Sink.Transport, port: Int, queuedFlush: Bool) throws {
        let path = signal == .spans ? "/v1/traces" : "/v1/logs"
        let endpoint = transport == .grpc ? "http://127.0.0.1:\(port)" : "http://127.0.0.1:\(port)\(path)"
        switch (side, signal) {
        case (.telemetry, .spans):
            var configuration = OTLPExporterConfiguration()
            configuration.protocol = transport == .grpc ? .grpc : .httpProtobuf
            configuration.endpoint = endpoint
            let exporter = try OTLPSpanExporter(configuration: configuration, environment: [:])
            var batch = BatchSpanProcessor.Configuration()
            if queuedFlush {
                batch.maxQueueSize = 200_000
                batch.scheduleDelay = .seconds(3600)
            }
            let processor = try BatchSpanProcessor(exporter: exporter, configuration: batch)
            let provider = TracerProvider(
                resource: Resource(attributes: ["service.name": "benchmark"]),
                processors: [processor]
            )
            let tracer = provider.tracer(name: "benchmark")
            produce = { startSpans($0, tracer: tracer) }
            statistics = { processor.statistics }
            run = { try await provider.run() }
            flushAll = { try? await provider.forceFlush() }
        case (.telemetry, .logs):
            var configuration = OTLPExporterConfiguration()
            configuration.protocol = transport == .grpc ? .grpc : .httpProtobuf
            configuration.endpoint = endpoint
            let exporter = try OTLPLogRecordExporter(configuration: configuration, environment: [:])
            var batch = BatchLogRecordProcessor.Configuration()
            if queuedFlush {
                batch.maxQueueSize = 200_000
                batch.scheduleDelay = .seconds(3600)
            }
            let processor = try BatchLogRecordProcessor(exporter: exporter, configuration: batch)
            let provider = LoggerProvider(
                resource: Resource(attributes: ["service.name": "benchmark"]),
                processors: [processor]
            )
            let logger = Logger(label: "benchmark") { TelemetryLogHandler(label: $0, provider: provider) }
            produce = { logRecords($0, logger: logger) }
            statistics = { processor.statistics }
            run = { try await provider.run() }
            flushAll = { try? await provider.forceFlush() }
        case (.swiftOTel, .spans):
            var configuration = OTel.Configuration.default
            configuration.serviceName = "benchmark"
            configuration.logs.enabled = false
            configuration.metrics.enabled = false
            configuration.traces.exporter = .otlp
            configuration.traces.otlpExporter.protocol = transport == .grpc ? .grpc : .httpProtobuf
            configuration.traces.otlpExporter.endpoint = endpoint
            if queuedFlush {
                configuration.traces.batchSpanProcessor.maxQueueSize = 200_000
                configuration.traces.batchSpanProcessor.scheduleDelay = .seconds(3600)
            }
            let (tracer, service) = try OTel.makeTracingBackend(configuration: configuration)
            produce = { startSpans($0, tracer: tracer) }
            statistics = { nil }
            run = { try await service.run() }
            // swift-otel's flush is fire-and-forget; the caller waits for the sink instead.
            flushAll = { tracer.forceFlush() }
        case (.swiftOTel, .logs):
            var configuration = OTel.Configuration.default
            configuration.serviceName = "benchmark"
            configuration.traces.enabled = false
            configuration.metrics.enabled = false
            configuration.logs.enabled = true
            configuration.logs.level = .info
            configuration.logs.exporter = .otlp
            configuration.logs.otlpExporter.protocol = transport == .grpc ? .grpc : .httpProtobuf
            configuration.logs.otlpExporter.endpoint = endpoint
            if queuedFlush {
                configuration.logs.batchLogRecordProcessor.maxQueueSize = 200_000
                configuration.logs.batchLogRecordProcessor.scheduleDelay = .seconds(3600)
            }
            let (factory, service) = try OTel.makeLoggingBackend(configuration: configuration)
            let logger = Logger(label: "benchmark", factory: factory)
            produce = { logRecords($0, logger: logger) }
            statistics = { nil }
            run = { try await service.run() }
            // swift-otel's logging backend has no public flush; its batch processor exports one batch per schedule
            // delay, and the caller waits for the sink.
            flushAll = {}
        }
    }

    /// Starts the SDK's background service.
    func start() {
        let run = self.run
        Task.detached { try? await run() }
    }

    /// Asks the SDK to export everything queued.
    func flush() async {
        await flushAll()
    }
}

private func startSpans(_ range: Range<Int>, tracer: any Tracer) {
    for index in range {
        tracer.withSpan("GET /orders/{id}", ofKind: .server) { span in
            span.attributes["http.request.method"] = "GET"
            span.attributes["http.response.status_code"] = 200
            span.attributes["url.path"] = "/orders/\(index)"
        }
    }
}

private func logRecords(_ range: Range<Int>, logger: Logger) {
    for index in range {
        logger.info(
            "order placed",
            metadata: ["order.id": "\(index)", "customer.tier": "gold", "http.response.status_code": "200"]
        )
    }
}
