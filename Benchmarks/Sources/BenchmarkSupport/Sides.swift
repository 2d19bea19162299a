import OTel
import ServiceLifecycle
import Synchronization
import Telemetry
import Tracing

/// The two SDKs under comparison.
public enum Side: String, CaseIterable, Sendable {
    case telemetry
    case swiftOTel = "swift-otel"

    /// Tracers for each sampling setup, with their background services started once per process.
    public var tracers: Tracers {
        switch self {
        case .telemetry: return Tracers.telemetry
        case .swiftOTel: return Tracers.swiftOTel
        }
    }
}

/// Type-erased access to one SDK's tracers: the benchmarks only use swift-distributed-tracing's API.
public struct Tracers: Sendable {
    public let sampled: any Tracer
    public let alwaysOff: any Tracer
    public let parentBasedOff: any Tracer

    /// The queue size of both SDKs' batch processors; callgrind runs raise it so no span is dropped unmeasured.
    nonisolated(unsafe) public static var queueSize = 2048

    /// swift-distributed-tracing's NoOpTracer everywhere: what the tracing API itself costs, with no SDK.
    public static let noop = Tracers(sampled: NoOpTracer(), alwaysOff: NoOpTracer(), parentBasedOff: NoOpTracer())

    static let telemetry: Tracers = {
        func make(_ sampler: any Sampler) -> TracerProvider {
            // The configuration is valid for any queue size of 512 or more, so the processor is always made.
            let processor = try? BatchSpanProcessor(exporter: DiscardingSpanExporter(), configuration: .init(maxQueueSize: queueSize))
            let provider = TracerProvider(
                resource: Resource(attributes: ["service.name": "benchmark"]),
                sampler: sampler,
                processors: processor.map { [$0] } ?? []
            )
            Background.run { try await provider.run() }
            return provider
        }
        return Tracers(
            sampled: make(ParentBasedSampler(root: AlwaysOnSampler())),
            alwaysOff: make(AlwaysOffSampler()),
            parentBasedOff: make(ParentBasedSampler(root: AlwaysOffSampler()))
        )
    }()

    static let swiftOTel: Tracers = {
        func make(_ sampler: OTel.Configuration.TracesConfiguration.SamplerConfiguration) -> any Tracer {
            var configuration = OTel.Configuration.default
            configuration.serviceName = "benchmark"
            configuration.logs.enabled = false
            configuration.metrics.enabled = false
            configuration.traces.exporter = .none
            configuration.traces.sampler = sampler
            configuration.traces.batchSpanProcessor.maxQueueSize = queueSize
            do {
                let (tracer, service) = try OTel.makeTracingBackend(configuration: configuration)
                Background.run { try await service.run() }
                return tracer
            } catch {
                return NoOpTracer()
            }
        }
        return Tracers(
            sampled: make(.parentBasedAlwaysOn),
            alwaysOff: make(.alwaysOff),
            parentBasedOff: make(.parentBasedAlwaysOff)
        )
    }()
}

/// Starts the SDKs' background services; they run until the benchmark process exits.
enum Background {
    static func run(_ body: @escaping @Sendable () async throws -> Void) {
        Task.detached { try? await body() }
    }
}

/// Drops every batch: the benchmarks measure the SDK, not a transport.
public struct DiscardingSpanExporter: SpanExporter {
    public init() {}
    public func export(_ batch: [SpanData]) async throws {}
}

public struct DictionaryInjector: Injector {
    public init() {}
    public func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
        carrier[key] = value
    }
}

public struct DictionaryExtractor: Extractor {
    public init() {}
    public func extract(key: String, from carrier: [String: String]) -> String? {
        carrier[key]
    }
}

public let sampleHeaders = [
    "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    "tracestate": "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
]

/// 512 spans as a service produces them: 8 attributes and 1 event each.
public let realisticBatch: [SpanData] = {
    let exporter = CollectingExporter()
    let provider = TracerProvider(
        resource: Resource(attributes: ["service.name": "orders", "service.version": "1.4.2", "host.name": "orders-7d9f"]),
        processors: [SimpleCollector(exporter: exporter)]
    )
    let tracer = provider.tracer(name: "hummingbird", version: "2.0.0")
    for index in 0..<512 {
        let span = tracer.startSpan(
            "GET /orders/{id}",
            kind: .server,
            attributes: [
                "http.request.method": "GET", "http.route": "/orders/{id}", "url.path": .string("/orders/\(index)"),
                "http.response.status_code": 200, "server.address": "orders.internal", "server.port": 8080,
                "user_agent.original": "swift-telemetry-benchmark/1.0", "network.protocol.version": "1.1",
            ]
        )
        span.addEvent("cache.miss", attributes: ["cache.key": .string("order:\(index)")])
        span.end()
    }
    return exporter.spans
}()

final class CollectingExporter: Sendable {
    private let storage = Mutex<[SpanData]>([])
    var spans: [SpanData] { storage.withLock { $0 } }
    func add(_ span: SpanData) { storage.withLock { $0.append(span) } }
}

/// Keeps each ended span's data synchronously, to build the encoding batch.
struct SimpleCollector: SpanProcessor {
    let exporter: CollectingExporter
    func onEnd(_ span: RecordingSpan) { exporter.add(span.spanData) }
    func forceFlush() async throws {}
    func shutdown() async throws {}
}
