import Synchronization
import Telemetry
import Tracing

/// Keeps every span as it ends, synchronously, so that a test reads them without a batch processor or an exporter,
/// and can wait for a span that ends on another task.
///
/// ```swift
/// let spans = CollectingSpanProcessor()
/// let tracer = TracerProvider(sampler: AlwaysOnSampler(), processors: [spans])
/// // … serve a request …
/// let server = await spans.span(named: "GET /orders/{id}")
/// ```
public final class CollectingSpanProcessor: SpanProcessor {
    private struct State {
        var ended: [SpanData] = []
        var waiters: [(name: String, continuation: CheckedContinuation<SpanData, Never>)] = []
    }

    private let state = Mutex(State())

    /// Creates an empty processor.
    public init() {}

    /// The spans that have ended, in the order they ended.
    public var spans: [SpanData] { state.withLock { $0.ended } }

    public func onEnd(_ span: RecordingSpan) {
        let data = span.spanData
        let ready = state.withLock { state -> [CheckedContinuation<SpanData, Never>] in
            state.ended.append(data)
            let matching = state.waiters.filter { $0.name == data.name }.map(\.continuation)
            state.waiters.removeAll { $0.name == data.name }
            return matching
        }
        for continuation in ready { continuation.resume(returning: data) }
    }

    /// The first span named `name` to end: at once if one has, or when one does.
    public func span(named name: String) async -> SpanData {
        await withCheckedContinuation { continuation in
            let found = state.withLock { state -> SpanData? in
                if let span = state.ended.first(where: { $0.name == name }) { return span }
                state.waiters.append((name, continuation))
                return nil
            }
            if let found { continuation.resume(returning: found) }
        }
    }

    public func forceFlush() async throws {}
    public func shutdown() async throws {}
}
