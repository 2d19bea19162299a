import ServiceLifecycle
import Tracing

/// Runs submitted tasks with bounded concurrency, as child tasks of its own ``run()``.
///
/// At most ``maxConcurrency`` tasks run at once; up to ``queueLimit`` more wait, and a task submitted beyond that is
/// refused with ``WorkerPoolError/queueFull(limit:)`` and counted, so a burst never grows memory without bound.
/// ``submit(_:_:)`` returns the task's own result, typed.
///
/// Each task runs in a span that is a child of the submitter's span, so a trace shows the work the pool did for a
/// request. The pool reports its queue length, its active tasks, each task's duration and its rejections as metrics
/// (see ``init(name:maxConcurrency:queueLimit:tracer:meter:clock:)``).
///
/// The pool is a ServiceLifecycle `Service`: run it in your `ServiceGroup`, or for a scoped pool use
/// ``withPool(name:maxConcurrency:queueLimit:tracer:meter:clock:isolation:_:)``. It owns its tasks:
/// - Cancelling a submitter cancels its task, whether queued or running.
/// - A graceful shutdown (or ``shutdown()``) refuses new tasks, runs those already queued, and ``run()`` returns
///   when the last one has. A pool shut down before ``run()`` starts still runs what was queued when it does.
/// - Cancelling ``run()`` cancels the running tasks, fails the queued ones with ``WorkerPoolError/shutDown``, and
///   returns only when every task has returned. No task outlives ``run()``.
///
/// A task that never runs (refused, or dropped from the queue by its submitter's cancellation or the pool's) is
/// counted in `resilience.worker_pool.tasks.rejected`.
///
/// A task that throws, cancellation included, ends its span with an `exception` event and an error status: the span
/// shows the work did not complete, and the `worker_pool.task.outcome` of its duration tells a cancellation apart.
///
/// ```swift
/// let pool = try WorkerPool(name: "thumbnails", maxConcurrency: 4, queueLimit: 100, meter: meter)
/// // in the ServiceGroup: services: [telemetry, pool, app]
/// let thumbnail = try await pool.submit("render thumbnail") { try await render(image) }
/// ```
public final class WorkerPool: Service, Sendable {
    /// The pool's name, the `worker_pool.name` attribute of its spans and metrics.
    public let name: String
    private let queue: WorkerPoolQueue
    private let tracer: any Tracer
    private let clock: any TelemetryClock
    private let instruments: WorkerPoolInstruments

    /// Creates a pool. Tasks submitted before ``run()`` starts wait in the queue.
    ///
    /// - Parameters:
    ///   - name: The pool's name, for its spans and metrics.
    ///   - maxConcurrency: The most tasks that run at once; at least 1.
    ///   - queueLimit: The most tasks that wait for a worker; at least 0. Past it, ``submit(_:_:)`` throws
    ///     ``WorkerPoolError/queueFull(limit:)``.
    ///   - tracer: Where the tasks' spans go; by default swift-distributed-tracing's bootstrapped tracer.
    ///   - meter: Where the pool's metrics go: `resilience.worker_pool.queue.length` and
    ///     `resilience.worker_pool.tasks.active` (observable up-down counters), `resilience.worker_pool.task.duration`
    ///     (seconds, by `worker_pool.task.outcome`, and `error.type` for a failure) and
    ///     `resilience.worker_pool.tasks.rejected` (by `worker_pool.rejection.reason`: `queue_full`, `shut_down`,
    ///     `cancelled`). With `nil`, none.
    ///   - clock: What task durations are measured by; tests pass `TelemetryTesting`'s `TestClock`.
    /// - Throws: ``ResilienceConfigurationError`` when a limit is out of range.
    public init(
        name: String,
        maxConcurrency: Int,
        queueLimit: Int,
        tracer: any Tracer = InstrumentationSystem.tracer,
        meter: Meter? = nil,
        clock: any TelemetryClock = SystemClock()
    ) throws(ResilienceConfigurationError) {
        try ResilienceConfigurationError.require(maxConcurrency >= 1, "maxConcurrency", "at least 1")
        try ResilienceConfigurationError.require(queueLimit >= 0, "queueLimit", "at least 0")
        self.name = name
        let queue = WorkerPoolQueue(maxConcurrency: maxConcurrency, limit: queueLimit)
        self.queue = queue
        self.tracer = tracer
        self.clock = clock
        self.instruments = WorkerPoolInstruments(meter: meter, poolName: name, queue: queue)
    }

    deinit {
        for registration in instruments.registrations { registration.unregister() }
    }

    /// The most tasks that run at once.
    public var maxConcurrency: Int { queue.maxConcurrency }
    /// The most tasks that wait for a worker.
    public var queueLimit: Int { queue.limit }
    /// How many tasks wait for a worker now.
    public var queueLength: Int { queue.depth }
    /// How many tasks run now.
    public var activeTasks: Int { queue.inFlight }

    /// Runs `operation` on the pool, and returns its result once it has run.
    ///
    /// The task runs in a span named `name` (by default the pool's), a child of the span active here. Cancelling the
    /// calling task cancels the task: a queued task is removed, counted, and throws `CancellationError`; a running
    /// one sees its own cancellation.
    ///
    /// - Throws: ``WorkerPoolError/queueFull(limit:)`` or ``WorkerPoolError/shutDown`` when the pool refuses the
    ///   task, or drops it from the queue because ``run()`` was cancelled; otherwise whatever `operation` throws.
    public func submit<Value: Sendable>(
        _ name: String? = nil,
        _ operation: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        let id = queue.reserveID()
        let submitter = ServiceContext.current ?? .topLevel
        let spanName = name ?? self.name
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
                let job = makeJob(id: id, spanName: spanName, parent: submitter, operation, continuation)
                switch queue.enqueue(job) {
                case .queued: break
                case .cancelled:
                    instruments.recordRejection(.cancelled)
                    continuation.resume(throwing: CancellationError())
                case .queueFull:
                    instruments.recordRejection(.queueFull)
                    continuation.resume(throwing: WorkerPoolError.queueFull(limit: queue.limit))
                case .shutDown:
                    instruments.recordRejection(.shutDown)
                    continuation.resume(throwing: WorkerPoolError.shutDown)
                }
            }
        } onCancel: {
            if queue.cancel(id: id) { instruments.recordRejection(.cancelled) }
        }
    }

    private func makeJob<Value: Sendable>(
        id: UInt64,
        spanName: String,
        parent: ServiceContext,
        _ operation: @escaping @Sendable () async throws -> Value,
        _ continuation: CheckedContinuation<Value, any Error>
    ) -> WorkerPoolJob {
        let (tracer, clock, instruments, poolName) = (self.tracer, self.clock, self.instruments, self.name)
        return WorkerPoolJob(
            id: id,
            execute: {
                let start = clock.now
                do {
                    let value = try await withTracedOperation(
                        tracer, spanName, parent: parent,
                        attributes: { $0["worker_pool.name"] = poolName }
                    ) { _ in try await operation() }
                    instruments.recordDuration(start.duration(to: clock.now), .success)
                    continuation.resume(returning: value)
                } catch {
                    // An operation may answer cancellation with an error of its own; the cancellation is what ended it.
                    let isCancelled = Task.isCancelled || error is CancellationError
                    instruments.recordDuration(start.duration(to: clock.now), isCancelled ? .cancelled : .failure(error))
                    continuation.resume(throwing: error)
                }
            },
            reject: { continuation.resume(throwing: $0) }
        )
    }

    /// Runs the submitted tasks until ``shutdown()``, a graceful shutdown of the service group, or cancellation;
    /// returns when every task it started has returned.
    ///
    /// Called after ``shutdown()`` but before any run, it runs the tasks already queued and returns.
    ///
    /// - Throws: ``WorkerPoolError/alreadyRunning`` when called while it runs, ``WorkerPoolError/shutDown`` after
    ///   it has stopped.
    public func run() async throws {
        try queue.start()
        let (queue, instruments) = (self.queue, self.instruments)
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await withDiscardingTaskGroup { group in
                    while let job = await queue.next() {
                        group.addTask { await Self.work(on: job, queue: queue) }
                    }
                }
            } onCancel: {
                instruments.recordRejection(.shutDown, count: queue.stop())
            }
        } onGracefulShutdown: {
            queue.drain()
        }
        // After a drain every task has run; after a cancellation nothing new may queue behind the returned runner.
        instruments.recordRejection(.shutDown, count: queue.stop())
    }

    /// One worker: runs the job in a child task of its own, so that the submitter's cancellation can cancel it
    /// without cancelling the pool.
    private static func work(on job: WorkerPoolJob, queue: WorkerPoolQueue) async {
        await withDiscardingTaskGroup { worker in
            worker.addTask {
                await job.execute()
                job.markFinished()
            }
            await job.waitUntilCancelledOrFinished()
            worker.cancelAll()
        }
        queue.finished(job)
    }

    /// Stops taking tasks; those already queued still run, and then ``run()`` returns. Submitting afterwards throws
    /// ``WorkerPoolError/shutDown``. Before ``run()`` has started, the queued tasks wait for it.
    public func shutdown() {
        queue.drain()
    }

    /// Returns once exactly `length` tasks wait in the queue. For tests: a submission has no other signal that it
    /// has queued.
    func waitUntil(queueLength length: Int) async {
        await queue.waitUntil(length: length)
    }

    /// Makes a pool, runs it while `body` runs, and then shuts it down and waits for its tasks, so that no task
    /// outlives the call. When `body` throws, the pool's tasks are cancelled instead.
    ///
    /// ```swift
    /// let sizes = try await WorkerPool.withPool(name: "resize", maxConcurrency: 4, queueLimit: 64) { pool in
    ///     try await withThrowingTaskGroup(of: Int.self) { group in
    ///         for image in images { group.addTask { try await pool.submit { try await resize(image) } } }
    ///         return try await group.reduce(0, +)
    ///     }
    /// }
    /// ```
    public static func withPool<Value>(
        name: String,
        maxConcurrency: Int,
        queueLimit: Int,
        tracer: any Tracer = InstrumentationSystem.tracer,
        meter: Meter? = nil,
        clock: any TelemetryClock = SystemClock(),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (WorkerPool) async throws -> Value
    ) async throws -> Value {
        let pool = try WorkerPool(
            name: name, maxConcurrency: maxConcurrency, queueLimit: queueLimit, tracer: tracer, meter: meter, clock: clock)
        return try await withThrowingTaskGroup(of: Void.self, returning: Value.self) { group in
            group.addTask { try await pool.run() }
            do {
                let result = try await body(pool)
                pool.shutdown()
                try await group.waitForAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }
}
