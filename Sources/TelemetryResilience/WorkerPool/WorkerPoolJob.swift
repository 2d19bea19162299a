import Synchronization

/// One submitted task on its way through the pool: how to run it, how to fail it without running it, and the signal
/// that lets its submitter's cancellation reach it once it runs.
///
/// It resumes its submitter exactly once: either `execute` runs (the queue handed the job to a worker) or `reject`
/// does (the queue dropped the job while it still held it); the queue's lock decides which.
final class WorkerPoolJob: Sendable {
    private struct Signal {
        var isCancelled = false
        var isFinished = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    let id: UInt64
    let execute: @Sendable () async -> Void
    let reject: @Sendable (any Error) -> Void
    private let signal = Mutex(Signal())

    init(id: UInt64, execute: @escaping @Sendable () async -> Void, reject: @escaping @Sendable (any Error) -> Void) {
        self.id = id
        self.execute = execute
        self.reject = reject
    }

    /// Asks the running task to stop: its worker cancels it.
    func cancel() {
        signal.withLock { signal -> CheckedContinuation<Void, Never>? in
            signal.isCancelled = true
            defer { signal.waiter = nil }
            return signal.waiter
        }?.resume()
    }

    /// Tells the worker that the task has returned.
    func markFinished() {
        signal.withLock { signal -> CheckedContinuation<Void, Never>? in
            signal.isFinished = true
            defer { signal.waiter = nil }
            return signal.waiter
        }?.resume()
    }

    /// Returns once the task has finished or its submitter has asked for it to stop.
    func waitUntilCancelledOrFinished() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let isDone = signal.withLock { signal -> Bool in
                if signal.isCancelled || signal.isFinished { return true }
                signal.waiter = continuation
                return false
            }
            if isDone { continuation.resume() }
        }
    }
}
