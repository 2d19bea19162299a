import DequeModule
import Synchronization

/// The pool's bounded queue and its bookkeeping: which tasks wait, which run, and when the runner may start the next.
///
/// Every decision is taken under one lock, so a task is either still queued (and can be rejected) or handed to a
/// worker (and will run), never both. Continuations are resumed after the lock is released.
final class WorkerPoolQueue: Sendable {
    enum Phase {
        /// Tasks queue up; nothing runs until ``WorkerPool/run()`` starts.
        case notStarted
        case running
        /// No new tasks; those queued still run (once the runner has started), then the runner ends.
        case draining
        /// No new tasks, and the queued ones were rejected.
        case stopped
    }

    enum Admission {
        case queued
        /// The queue already held its limit of waiting jobs.
        case queueFull
        /// The pool is draining or has stopped.
        case shutDown
        /// Its submitter was cancelled before the job reached the queue.
        case cancelled
    }

    private struct State {
        var phase = Phase.notStarted
        /// Whether a runner has started. Kept apart from `phase`, because a pool shut down before its runner started
        /// is draining too, and that runner must still be let in to run what is queued.
        var hasRunner = false
        var queued = Deque<WorkerPoolJob>()
        var running: [UInt64: WorkerPoolJob] = [:]
        var nextID: UInt64 = 0
        /// Ids handed out whose job is not queued yet, and those of them whose submitter was cancelled meanwhile.
        var reserved: Set<UInt64> = []
        var cancelledReserved: Set<UInt64> = []
        var runnerWaiter: CheckedContinuation<Void, Never>?
        /// Waiters of ``waitUntil(length:)``, by the length they wait for.
        var lengthWaiters: [(length: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    let maxConcurrency: Int
    let limit: Int
    private let state = Mutex(State())

    init(maxConcurrency: Int, limit: Int) {
        self.maxConcurrency = maxConcurrency
        self.limit = limit
    }

    /// How many tasks wait for a worker.
    var depth: Int { state.withLock { $0.queued.count } }

    /// How many tasks run now.
    var inFlight: Int { state.withLock { $0.running.count } }

    /// Reserves the id of a job about to be queued, so that its submitter's cancellation can find it at any point.
    func reserveID() -> UInt64 {
        state.withLock { state in
            defer { state.nextID += 1 }
            state.reserved.insert(state.nextID)
            return state.nextID
        }
    }

    func enqueue(_ job: WorkerPoolJob) -> Admission {
        let (admission, wake) = state.withLock { state -> (Admission, [CheckedContinuation<Void, Never>]) in
            state.reserved.remove(job.id)
            if state.cancelledReserved.remove(job.id) != nil { return (.cancelled, []) }
            switch state.phase {
            case .draining, .stopped: return (.shutDown, [])
            case .notStarted, .running: break
            }
            guard state.queued.count < limit else { return (.queueFull, []) }
            state.queued.append(job)
            return (.queued, Self.takeRunnerWaiter(&state) + Self.takeLengthWaiters(&state))
        }
        wake.forEach { $0.resume() }
        return admission
    }

    /// The submitter of job `id` was cancelled: a queued job is rejected, a running one is asked to stop.
    ///
    /// - Returns: Whether a queued job was dropped unrun, for the pool to count.
    func cancel(id: UInt64) -> Bool {
        let (dropped, running, wake) = state.withLock {
            state -> (WorkerPoolJob?, WorkerPoolJob?, [CheckedContinuation<Void, Never>]) in
            if state.reserved.contains(id) {
                state.cancelledReserved.insert(id)
                return (nil, nil, [])
            }
            if let running = state.running[id] { return (nil, running, []) }
            guard let index = state.queued.firstIndex(where: { $0.id == id }) else { return (nil, nil, []) }
            let dropped = state.queued.remove(at: index)
            return (dropped, nil, Self.takeLengthWaiters(&state))
        }
        wake.forEach { $0.resume() }
        dropped?.reject(CancellationError())
        running?.cancel()
        return dropped != nil
    }

    /// Lets the runner in, once. A pool shut down before its runner started is let in too: it runs what is queued
    /// and then ends, so that a shutdown racing the start (as in ``WorkerPool/withPool``) neither fails the runner
    /// nor strands the queued tasks.
    func start() throws(WorkerPoolError) {
        try state.withLock { state throws(WorkerPoolError) in
            guard !state.hasRunner else { throw state.phase == .stopped ? .shutDown : .alreadyRunning }
            switch state.phase {
            case .notStarted: state.phase = .running
            case .running, .draining: break
            case .stopped: throw .shutDown
            }
            state.hasRunner = true
        }
    }

    /// Waits until a worker is free and a task waits, and hands that task over; `nil` once the runner must end.
    func next() async -> WorkerPoolJob? {
        while true {
            let (step, wake) = state.withLock { state -> (WorkerPoolJob??, [CheckedContinuation<Void, Never>]) in
                if state.phase == .stopped { return (.some(nil), []) }
                if state.running.count < maxConcurrency, let job = state.queued.popFirst() {
                    state.running[job.id] = job
                    return (.some(job), Self.takeLengthWaiters(&state))
                }
                if state.phase == .draining && state.queued.isEmpty { return (.some(nil), []) }
                return (.none, [])
            }
            wake.forEach { $0.resume() }
            if let step { return step }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                // Checked again under the lock: whatever changed since is what the runner must not miss.
                let ready = state.withLock { state -> Bool in
                    let canStart = state.running.count < maxConcurrency && !state.queued.isEmpty
                    if canStart || state.phase == .stopped || (state.phase == .draining && state.queued.isEmpty) {
                        return true
                    }
                    state.runnerWaiter = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        }
    }

    /// A worker is free again.
    func finished(_ job: WorkerPoolJob) {
        state.withLock { state in
            state.running[job.id] = nil
            return Self.takeRunnerWaiter(&state)
        }.forEach { $0.resume() }
    }

    /// Takes no new tasks; those queued still run.
    func drain() {
        state.withLock { state -> [CheckedContinuation<Void, Never>] in
            switch state.phase {
            case .notStarted, .running: state.phase = .draining
            case .draining, .stopped: break
            }
            return Self.takeRunnerWaiter(&state)
        }.forEach { $0.resume() }
    }

    /// Takes no new tasks and fails those queued with ``WorkerPoolError/shutDown``: their submitters were not
    /// cancelled (a cancelled submitter's job has left the queue), the pool was.
    ///
    /// - Returns: How many queued jobs were dropped, for the pool to count.
    func stop() -> Int {
        let (dropped, wake) = state.withLock { state -> ([WorkerPoolJob], [CheckedContinuation<Void, Never>]) in
            state.phase = .stopped
            let dropped = Array(state.queued)
            state.queued.removeAll()
            return (dropped, Self.takeRunnerWaiter(&state) + Self.takeLengthWaiters(&state))
        }
        wake.forEach { $0.resume() }
        for job in dropped { job.reject(WorkerPoolError.shutDown) }
        return dropped.count
    }

    /// Returns once exactly `length` tasks wait in the queue: for tests, which must know that a submission has
    /// queued before they act on it, and have no other signal of it.
    func waitUntil(length: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.queued.count == length { return true }
                state.lengthWaiters.append((length, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    private static func takeRunnerWaiter(_ state: inout State) -> [CheckedContinuation<Void, Never>] {
        defer { state.runnerWaiter = nil }
        return state.runnerWaiter.map { [$0] } ?? []
    }

    /// The waiters of ``waitUntil(length:)`` that the queue's length now satisfies; called after every change to it.
    private static func takeLengthWaiters(_ state: inout State) -> [CheckedContinuation<Void, Never>] {
        let length = state.queued.count
        guard state.lengthWaiters.contains(where: { $0.length == length }) else { return [] }
        let ready = state.lengthWaiters.filter { $0.length == length }.map(\.continuation)
        state.lengthWaiters.removeAll { $0.length == length }
        return ready
    }
}
