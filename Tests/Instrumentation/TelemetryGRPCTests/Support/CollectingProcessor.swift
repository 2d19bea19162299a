import Synchronization
import Telemetry
import Tracing

/// Collects spans synchronously as they end, so tests need no background export, and lets a test wait for one.
final class CollectingProcessor: SpanProcessor {
    private struct State {
        var ended: [RecordingSpan] = []
        var waiters: [(name: String, continuation: CheckedContinuation<SpanData, Never>)] = []
    }

    private let state = Mutex(State())

    var spans: [SpanData] { state.withLock { $0.ended.map(\.spanData) } }

    func onEnd(_ span: RecordingSpan) {
        let data = span.spanData
        let ready = state.withLock { state -> [CheckedContinuation<SpanData, Never>] in
            state.ended.append(span)
            let matching = state.waiters.filter { $0.name == data.name }.map(\.continuation)
            state.waiters.removeAll { $0.name == data.name }
            return matching
        }
        for continuation in ready { continuation.resume(returning: data) }
    }

    /// The first span named `name` to end: at once if one has, or when one does.
    func span(named name: String) async -> SpanData {
        await withCheckedContinuation { continuation in
            let found = state.withLock { state -> SpanData? in
                if let span = state.ended.first(where: { $0.spanData.name == name }) { return span.spanData }
                state.waiters.append((name, continuation))
                return nil
            }
            if let found { continuation.resume(returning: found) }
        }
    }

    func forceFlush() async throws {}
    func shutdown() async throws {}
}
