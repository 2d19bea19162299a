import Synchronization
import Telemetry
import Tracing

/// Collects spans synchronously as they end, so tests need no background export.
final class CollectingProcessor: SpanProcessor {
    private let ended = Mutex<[RecordingSpan]>([])

    var spans: [SpanData] { ended.withLock { $0.map(\.spanData) } }

    func onEnd(_ span: RecordingSpan) {
        ended.withLock { $0.append(span) }
    }

    func forceFlush() async throws {}
    func shutdown() async throws {}
}
