import Synchronization
import Telemetry
import Tracing

/// Collects spans synchronously as they start and end, so span tests need no background work.
final class CollectingProcessor: SpanProcessor {
    private let state = Mutex<(started: [RecordingSpan], ended: [RecordingSpan])>(([], []))

    var started: [RecordingSpan] { state.withLock { $0.started } }
    var ended: [SpanData] { state.withLock { $0.ended.map(\.spanData) } }

    func onStart(_ span: RecordingSpan, parentContext: ServiceContext) {
        state.withLock { $0.started.append(span) }
    }

    func onEnd(_ span: RecordingSpan) {
        state.withLock { $0.ended.append(span) }
    }

    func forceFlush() async throws {}
    func shutdown() async throws {}
}

/// A provider with a collecting processor, for span tests.
func makeProvider(
    sampler: any Sampler = AlwaysOnSampler(),
    limits: SpanLimits = SpanLimits(),
    propagator: any TextMapPropagator = CompositePropagator([W3CTraceContextPropagator(), W3CBaggagePropagator()])
) -> (TracerProvider, CollectingProcessor) {
    let processor = CollectingProcessor()
    let provider = TracerProvider(
        resource: Resource(attributes: ["service.name": "test"]),
        sampler: sampler,
        processors: [processor],
        limits: limits,
        propagator: propagator
    )
    return (provider, processor)
}

/// A dictionary carrier for propagator tests.
struct DictionaryInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
        carrier[key] = value
    }
}

/// Reads a dictionary carrier case-insensitively, as HTTP headers are read.
struct DictionaryExtractor: KeyListingExtractor {
    func extract(key: String, from carrier: [String: String]) -> String? {
        carrier.first { $0.key.lowercased() == key.lowercased() }?.value
    }

    func keys(in carrier: [String: String]) -> [String] { Array(carrier.keys) }
}

extension TextMapPropagator {
    func inject(_ context: ServiceContext) -> [String: String] {
        var carrier: [String: String] = [:]
        inject(context, into: &carrier, using: DictionaryInjector())
        return carrier
    }

    func extract(_ carrier: [String: String]) -> ServiceContext {
        var context = ServiceContext.topLevel
        extract(carrier, into: &context, using: DictionaryExtractor())
        return context
    }
}

struct TestError: Error, CustomStringConvertible {
    var description: String { "boom" }
}
