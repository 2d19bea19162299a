import Telemetry

/// The pool's metrics. With no meter, every call is a no-op.
///
/// - `resilience.worker_pool.queue.length` (observable up-down counter, `{task}`): tasks waiting for a worker.
/// - `resilience.worker_pool.tasks.active` (observable up-down counter, `{task}`): tasks running.
/// - `resilience.worker_pool.task.duration` (histogram, `s`): how long each task ran, by `worker_pool.task.outcome`
///   (`success`, `failure`, `cancelled`); a failure also carries `error.type`, the type of the error it threw.
/// - `resilience.worker_pool.tasks.rejected` (counter, `{task}`): tasks that never ran, by
///   `worker_pool.rejection.reason`: `queue_full` and `shut_down` (refused at submission, or dropped from the queue
///   when ``WorkerPool/run()`` was cancelled), `cancelled` (their submitter was cancelled while they waited).
///
/// Every series carries `worker_pool.name`.
struct WorkerPoolInstruments: Sendable {
    enum Outcome {
        case success, failure(any Error), cancelled
    }

    /// Why a task never ran.
    enum RejectionReason {
        case queueFull, shutDown, cancelled
    }

    private let name: AttributeSet
    private let duration: Histogram<Double>?
    private let success: BoundHistogram<Double>?
    private let cancelled: BoundHistogram<Double>?
    private let queueFull: BoundCounter<Int64>?
    private let shutDown: BoundCounter<Int64>?
    private let cancelledUnrun: BoundCounter<Int64>?
    let registrations: [ObservableCallbackRegistration]

    init(meter: Meter?, poolName: String, queue: WorkerPoolQueue) {
        let name: AttributeSet = ["worker_pool.name": .string(poolName)]
        self.name = name
        guard let meter else {
            (duration, success, cancelled, queueFull, shutDown, cancelledUnrun, registrations) =
                (nil, nil, nil, nil, nil, nil, [])
            return
        }
        let duration = meter.makeHistogram(
            Double.self, name: "resilience.worker_pool.task.duration", unit: "s",
            description: "How long each task of a worker pool ran",
            explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10])
        self.duration = duration
        success = duration.bind(Self.adding(name, ("worker_pool.task.outcome", "success")))
        cancelled = duration.bind(Self.adding(name, ("worker_pool.task.outcome", "cancelled")))
        let rejected = meter.makeCounter(
            name: "resilience.worker_pool.tasks.rejected", unit: "{task}",
            description: "Tasks a worker pool refused or dropped without running them")
        queueFull = rejected.bind(Self.adding(name, ("worker_pool.rejection.reason", "queue_full")))
        shutDown = rejected.bind(Self.adding(name, ("worker_pool.rejection.reason", "shut_down")))
        cancelledUnrun = rejected.bind(Self.adding(name, ("worker_pool.rejection.reason", "cancelled")))
        // Observed, not counted: reading the queue at collection costs the tasks nothing. Up-down counters rather
        // than gauges, because the values are additive: summed over pools (or over a pool's instances), they are
        // the tasks waiting or running in all of them.
        registrations = [
            meter.makeObservableUpDownCounter(
                Int64.self, name: "resilience.worker_pool.queue.length", unit: "{task}",
                description: "Tasks waiting for a worker"
            ).addCallback { [weak queue] observations in
                if let queue { observations.observe(Int64(queue.depth), attributes: name) }
            },
            meter.makeObservableUpDownCounter(
                Int64.self, name: "resilience.worker_pool.tasks.active", unit: "{task}", description: "Tasks running"
            ).addCallback { [weak queue] observations in
                if let queue { observations.observe(Int64(queue.inFlight), attributes: name) }
            },
        ]
    }

    private static func adding(_ set: AttributeSet, _ attributes: (String, String)...) -> AttributeSet {
        AttributeSet(set.elements.map { ($0.key, $0.value) } + attributes.map { ($0.0, .string($0.1)) })
    }

    func recordDuration(_ duration: Duration, _ outcome: Outcome) {
        switch outcome {
        case .success: success?.record(duration.seconds)
        case .cancelled: cancelled?.record(duration.seconds)
        case .failure(let error):
            // Not bound ahead like the others: `error.type` takes one value per error type the tasks throw.
            guard let histogram = self.duration else { return }
            let attributes = Self.adding(
                name, ("worker_pool.task.outcome", "failure"), ("error.type", String(reflecting: type(of: error))))
            histogram.record(duration.seconds, attributes: attributes)
        }
    }

    func recordRejection(_ reason: RejectionReason, count: Int = 1) {
        guard count > 0 else { return }
        switch reason {
        case .queueFull: queueFull?.add(Int64(count))
        case .shutDown: shutDown?.add(Int64(count))
        case .cancelled: cancelledUnrun?.add(Int64(count))
        }
    }
}
