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
        /// No new tasks; those queued still run, then the runner ends.
        case draining
        /// No new tasks, and the queued ones were rejected.
        case stopped
    }

    enum Admission {
        case queued
        case rejected(WorkerPoolError)
        /// Its submitter was cancelled before the job reached the queue.
        case cancelled
    }

    private struct State {
        var phase = Phase.notStarted
        var queued = Deque<WorkerPoolJob>()
        var running: [UInt64: WorkerPoolJob] = [:]
        var nextID: UInt64 = 0
        /// Ids handed out whose job is not queued yet, and those of them whose submitter was cancelled meanwhile.
        var reserved: Set<UInt64> = []
        var cancelledReserved: Set<UInt64> = []
        var runnerWaiter: CheckedContinuation<Void, Never>?
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
        let (admission, runner) = state.withLock { state -> (Admission, CheckedContinuation<Void, Never>?) in
            state.reserved.remove(job.id)
            if state.cancelledReserved.remove(job.id) != nil { return (.cancelled, nil) }
            switch state.phase {
            case .draining, .stopped: return (.rejected(.shutDown), nil)
            case .notStarted, .running: break
            }
            guard state.queued.count < limit else { return (.rejected(.queueFull(limit: limit)), nil) }
            state.queued.append(job)
            return (.queued, Self.takeRunnerWaiter(&state))
        }
        runner?.resume()
        return admission
    }

    /// The submitter of job `id` was cancelled: a queued job is rejected, a running one is asked to stop.
    func cancel(id: UInt64) {
        let (dropped, running) = state.withLock { state -> (WorkerPoolJob?, WorkerPoolJob?) in
            if state.reserved.contains(id) {
                state.cancelledReserved.insert(id)
                return (nil, nil)
            }
            if let running = state.running[id] { return (nil, running) }
            guard let index = state.queued.firstIndex(where: { $0.id == id }) else { return (nil, nil) }
            return (state.queued.remove(at: index), nil)
        }
        dropped?.reject(CancellationError())
        running?.cancel()
    }

    func start() throws(WorkerPoolError) {
        try state.withLock { state throws(WorkerPoolError) in
            switch state.phase {
            case .notStarted: state.phase = .running
            case .running, .draining: throw .alreadyRunning
            case .stopped: throw .shutDown
            }
        }
    }

    /// Waits until a worker is free and a task waits, and hands that task over; `nil` once the runner must end.
    func next() async -> WorkerPoolJob? {
        while true {
            let step = state.withLock { state -> WorkerPoolJob?? in
                if state.phase == .stopped { return .some(nil) }
                if state.running.count < maxConcurrency, let job = state.queued.popFirst() {
                    state.running[job.id] = job
                    return .some(job)
                }
                if state.phase == .draining && state.queued.isEmpty { return .some(nil) }
                return .none
            }
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
        }?.resume()
    }

    /// Takes no new tasks; those queued still run.
    func drain() {
        state.withLock { state -> CheckedContinuation<Void, Never>? in
            switch state.phase {
            case .notStarted, .running: state.phase = .draining
            case .draining, .stopped: break
            }
            return Self.takeRunnerWaiter(&state)
        }?.resume()
    }

    /// Takes no new tasks and fails those queued with `error`.
    func stop(rejectingWith error: any Error) {
        let (dropped, runner) = state.withLock { state -> ([WorkerPoolJob], CheckedContinuation<Void, Never>?) in
            state.phase = .stopped
            defer { state.queued.removeAll() }
            return (Array(state.queued), Self.takeRunnerWaiter(&state))
        }
        runner?.resume()
        for job in dropped { job.reject(error) }
    }

    private static func takeRunnerWaiter(_ state: inout State) -> CheckedContinuation<Void, Never>? {
        defer { state.runnerWaiter = nil }
        return state.runnerWaiter
    }
}
