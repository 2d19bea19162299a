import Synchronization

/// The bounded hand-off between `submit` (many receiver tasks) and the store's single writer, and the counters of
/// what went through it.
///
/// Capacity is reserved before a batch is encoded and released only once its rows are committed, so the bound
/// covers everything acknowledged and not yet on disk.
final class IngestQueue: Sendable {
    private struct State {
        var batches: [EncodedBatch] = []
        /// Items admitted and not yet written: reserved for encoding, queued, or in the writer's transaction.
        var outstanding = 0
        var isClosed = false
        var waiter: CheckedContinuation<Void, Never>?
        var statistics = StoreStatistics()
        /// `flush()` callers, each waiting until the items done (written or failed) reach its mark.
        var flushWaiters: [(mark: Int64, continuation: CheckedContinuation<Void, Never>)] = []

        var done: Int64 { statistics.written + statistics.failedWrites }

        mutating func takeDueFlushWaiters() -> [CheckedContinuation<Void, Never>] {
            guard !flushWaiters.isEmpty else { return [] }
            let done = done
            let due = flushWaiters.filter { $0.mark <= done }.map(\.continuation)
            flushWaiters.removeAll { $0.mark <= done }
            return due
        }

        var writerShouldWake: Bool { !batches.isEmpty || (isClosed && outstanding == 0) }

        mutating func takeWaiterIfDue() -> CheckedContinuation<Void, Never>? {
            guard writerShouldWake, let waiter else { return nil }
            self.waiter = nil
            return waiter
        }
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Admits `count` items, or says why not.
    func reserve(_ count: Int) throws(IngestError) {
        let refusal: IngestError? = state.withLock { state in
            if state.isClosed {
                state.statistics.rejectedClosed += Int64(count)
                return .closed
            }
            guard count <= capacity - state.outstanding else {
                state.statistics.rejectedOverloaded += Int64(count)
                return .overloaded
            }
            state.outstanding += count
            state.statistics.accepted += Int64(count)
            return nil
        }
        if let refusal { throw refusal }
    }

    /// Queues a batch whose items were reserved, and wakes the writer.
    func enqueue(_ batch: EncodedBatch) {
        let waiter = state.withLock { state in
            state.batches.append(batch)
            return state.takeWaiterIfDue()
        }
        waiter?.resume()
    }

    /// Everything queued, once there is something; `nil` once the queue is closed and drained.
    func next() async -> [EncodedBatch]? {
        while true {
            let taken: [EncodedBatch]?? = state.withLock { state in
                if !state.batches.isEmpty {
                    defer { state.batches = [] }
                    return .some(state.batches)
                }
                return state.isClosed && state.outstanding == 0 ? .some(nil) : nil
            }
            if let taken { return taken }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    if state.writerShouldWake { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }

    /// Releases the capacity of items the writer is done with, committed or failed.
    func finished(written: Int, failed: Int) {
        let (waiter, flushed) = state.withLock { state in
            state.outstanding -= written + failed
            state.statistics.written += Int64(written)
            state.statistics.failedWrites += Int64(failed)
            return (state.takeWaiterIfDue(), state.takeDueFlushWaiters())
        }
        waiter?.resume()
        for continuation in flushed { continuation.resume() }
    }

    /// Returns once every item accepted before the call is written (or failed).
    func flush() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state in
                let mark = state.statistics.accepted
                if state.done >= mark { return true }
                state.flushWaiters.append((mark, continuation))
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Refuses new batches from now on; the writer drains what was admitted.
    func close() {
        let waiter = state.withLock { state in
            state.isClosed = true
            return state.takeWaiterIfDue()
        }
        waiter?.resume()
    }

    func recordDeleted(_ count: Int) {
        state.withLock { $0.statistics.deletedByRetention += Int64(count) }
    }

    var statistics: StoreStatistics {
        state.withLock { state in
            var statistics = state.statistics
            statistics.queued = Int64(state.outstanding)
            return statistics
        }
    }
}
