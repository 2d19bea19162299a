import BenchmarkSupport
import OTel
import Telemetry
import TelemetryOTLP
import Tracing

/// One SDK's tracer exporting over OTLP to the sink, with the SDK's default batch settings.
///
/// For the flush scenario the queue holds 200,000 spans and the schedule delay is an hour, so that every span waits
/// in the queue until the flush.
struct ExportPipeline: Sendable {
    let tracer: any Tracer
    private let run: @Sendable () async throws -> Void
    private let flushAll: @Sendable () async -> Void

    init(side: Side, transport: Sink.Transport, port: Int, queuedFlush: Bool) throws {
        switch side {
        case .telemetry:
            var configuration = OTLPExporterConfiguration()
            configuration.protocol = transport == .grpc ? .grpc : .httpProtobuf
            configuration.endpoint = transport == .grpc ? "http://127.0.0.1:\(port)" : "http://127.0.0.1:\(port)/v1/traces"
            let exporter = try OTLPSpanExporter(configuration: configuration, environment: [:])
            var batch = BatchSpanProcessor.Configuration()
            if queuedFlush {
                batch.maxQueueSize = 200_000
                batch.scheduleDelay = .seconds(3600)
            }
            let provider = TracerProvider(
                resource: Resource(attributes: ["service.name": "benchmark"]),
                processors: [try BatchSpanProcessor(exporter: exporter, configuration: batch)]
            )
            tracer = provider.tracer(name: "benchmark")
            run = { try await provider.run() }
            flushAll = { try? await provider.forceFlush() }
        case .swiftOTel:
            var configuration = OTel.Configuration.default
            configuration.serviceName = "benchmark"
            configuration.logs.enabled = false
            configuration.metrics.enabled = false
            configuration.traces.exporter = .otlp
            configuration.traces.otlpExporter.protocol = transport == .grpc ? .grpc : .httpProtobuf
            configuration.traces.otlpExporter.endpoint =
                transport == .grpc ? "http://127.0.0.1:\(port)" : "http://127.0.0.1:\(port)/v1/traces"
            if queuedFlush {
                configuration.traces.batchSpanProcessor.maxQueueSize = 200_000
                configuration.traces.batchSpanProcessor.scheduleDelay = .seconds(3600)
            }
            let (tracer, service) = try OTel.makeTracingBackend(configuration: configuration)
            self.tracer = tracer
            run = { try await service.run() }
            // swift-otel's flush is fire-and-forget; the caller waits for the sink instead.
            flushAll = { tracer.forceFlush() }
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
