import DequeModule
import Synchronization

/// An async lock: one holder at a time, waiters resumed in order, no thread ever blocked.
///
/// Processors use it so that an exporter never sees two exports at once.
final class AsyncGate: Sendable {
    private struct State {
        var isHeld = false
        var waiters: Deque<CheckedContinuation<Void, Never>> = []
    }

    private let state = Mutex(State())

    init() {}

    func withGate<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let acquired = state.withLock { state -> Bool in
                if state.isHeld {
                    state.waiters.append(continuation)
                    return false
                }
                state.isHeld = true
                return true
            }
            if acquired { continuation.resume() }
        }
    }

    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let next = state.waiters.popFirst() { return next }
            state.isHeld = false
            return nil
        }
        next?.resume()
    }
}
