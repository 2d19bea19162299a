/// Why a ``WorkerPool`` did not take a task.
public enum WorkerPoolError: Error, Equatable, CustomStringConvertible {
    /// The queue already held its limit of waiting tasks. The rejection is counted in
    /// `resilience.worker_pool.tasks.rejected`.
    case queueFull(limit: Int)
    /// The pool is shutting down or has stopped, so it takes no new tasks; or ``WorkerPool/run()`` was cancelled
    /// while the task waited in the queue, so it never ran. Counted in `resilience.worker_pool.tasks.rejected`.
    case shutDown
    /// ``WorkerPool/run()`` was called a second time; a pool runs once.
    case alreadyRunning

    public var description: String {
        switch self {
        case .queueFull(let limit): return "the worker pool's queue is full (\(limit) tasks waiting)"
        case .shutDown: return "the worker pool is shut down"
        case .alreadyRunning: return "the worker pool is already running"
        }
    }
}
