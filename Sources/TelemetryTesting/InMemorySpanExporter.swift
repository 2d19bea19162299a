import Synchronization
import Telemetry

/// Keeps exported spans in memory, for your tests.
///
/// Await ``waitForSpans(count:timeout:)`` instead of sleeping: it returns as soon as enough spans have arrived.
public final class InMemorySpanExporter: SpanExporter {
    private struct State {
        var spans: [SpanData] = []
        var exportCount = 0
        var isShutdown = false
        var waiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    /// Creates an empty exporter.
    public init() {}

    /// Every span exported so far, in export order.
    public var spans: [SpanData] { state.withLock { $0.spans } }

    /// How many times ``export(_:)`` was called.
    public var exportCount: Int { state.withLock { $0.exportCount } }

    /// Whether ``shutdown()`` was called.
    public var isShutdown: Bool { state.withLock { $0.isShutdown } }

    /// Forgets every span exported so far.
    public func reset() {
        state.withLock { $0.spans.removeAll() }
    }

    public func export(_ batch: [SpanData]) async throws {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.spans += batch
            state.exportCount += 1
            let total = state.spans.count
            let ready = state.waiters.filter { $0.count <= total }.map(\.continuation)
            state.waiters.removeAll { $0.count <= total }
            return ready
        }
        ready.forEach { $0.resume() }
    }

    public func shutdown() async {
        state.withLock { $0.isShutdown = true }
    }

    /// Returns when at least `count` spans have been exported, or when `timeout` has passed; then returns the spans.
    @discardableResult
    public func waitForSpans(count: Int, timeout: Duration = .seconds(10)) async -> [SpanData] {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let ready = self.state.withLock { state -> Bool in
                        if state.spans.count >= count { return true }
                        state.waiters.append((count, continuation))
                        return false
                    }
                    if ready { continuation.resume() }
                }
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
            self.releaseWaiters()
        }
        return spans
    }

    private func releaseWaiters() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            defer { state.waiters.removeAll() }
            return state.waiters.map(\.continuation)
        }
        waiters.forEach { $0.resume() }
    }
}
