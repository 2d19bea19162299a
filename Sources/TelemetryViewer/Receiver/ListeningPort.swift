import Synchronization

/// Why a receiver has no port to report.
public struct ReceiverNotListeningError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Says why there is no port.
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}

/// The port a receiver's listener was bound to, once it is: callers that asked for port 0 learn the real one here.
final class ListeningPort: Sendable {
    private enum State {
        case waiting([Int: CheckedContinuation<Int, any Error>], nextID: Int)
        case bound(Int)
        case ended
    }

    private let state = Mutex(State.waiting([:], nextID: 0))

    /// Records the bound port and wakes everyone waiting for it.
    func bind(_ port: Int) {
        let waiters = state.withLock { state -> [CheckedContinuation<Int, any Error>] in
            guard case .waiting(let waiters, _) = state else { return [] }
            state = .bound(port)
            return Array(waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: port) }
    }

    /// Marks the listener gone; waiting and later callers get an error.
    func end() {
        let waiters = state.withLock { state -> [CheckedContinuation<Int, any Error>] in
            defer { state = .ended }
            guard case .waiting(let waiters, _) = state else { return [] }
            return Array(waiters.values)
        }
        for waiter in waiters { waiter.resume(throwing: ReceiverNotListeningError("the receiver is not running")) }
    }

    /// The bound port, waiting for the bind if it has not happened yet.
    func port() async throws -> Int {
        let id = state.withLock { state -> Int in
            guard case .waiting(let waiters, let nextID) = state else { return -1 }
            state = .waiting(waiters, nextID: nextID + 1)
            return nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
                let immediate = state.withLock { state -> Result<Int, any Error>? in
                    switch state {
                    case .bound(let port):
                        return .success(port)
                    case .ended:
                        return .failure(ReceiverNotListeningError("the receiver is not running"))
                    case .waiting(var waiters, let nextID):
                        if Task.isCancelled { return .failure(CancellationError()) }
                        waiters[id] = continuation
                        state = .waiting(waiters, nextID: nextID)
                        return nil
                    }
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Int, any Error>? in
                guard case .waiting(var waiters, let nextID) = state else { return nil }
                let waiter = waiters.removeValue(forKey: id)
                state = .waiting(waiters, nextID: nextID)
                return waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }
}
