import Telemetry

/// The pool's metrics. With no meter, every call is a no-op.
///
/// - `resilience.worker_pool.queue.length` (observable gauge, `{task}`): tasks waiting for a worker.
/// - `resilience.worker_pool.tasks.active` (observable gauge, `{task}`): tasks running.
/// - `resilience.worker_pool.task.duration` (histogram, `s`): how long each task ran, by `worker_pool.task.outcome`
///   (`success`, `failure`, `cancelled`).
/// - `resilience.worker_pool.tasks.rejected` (counter, `{task}`): tasks refused, by `worker_pool.rejection.reason`
///   (`queue_full`, `shut_down`).
///
/// Every series carries `worker_pool.name`.
struct WorkerPoolInstruments: Sendable {
    enum Outcome {
        case success, failure, cancelled
    }

    private let success: BoundHistogram<Double>?
    private let failure: BoundHistogram<Double>?
    private let cancelled: BoundHistogram<Double>?
    private let queueFull: BoundCounter<Int64>?
    private let shutDown: BoundCounter<Int64>?
    let registrations: [ObservableCallbackRegistration]

    init(meter: Meter?, poolName: String, queue: WorkerPoolQueue) {
        guard let meter else {
            (success, failure, cancelled, queueFull, shutDown, registrations) = (nil, nil, nil, nil, nil, [])
            return
        }
        let name: AttributeSet = ["worker_pool.name": .string(poolName)]
        let duration = meter.makeHistogram(
            Double.self, name: "resilience.worker_pool.task.duration", unit: "s",
            description: "How long each task of a worker pool ran",
            explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10])
        func outcome(_ value: String) -> AttributeSet {
            AttributeSet(name.elements.map { ($0.key, $0.value) } + [("worker_pool.task.outcome", .string(value))])
        }
        success = duration.bind(outcome("success"))
        failure = duration.bind(outcome("failure"))
        cancelled = duration.bind(outcome("cancelled"))
        let rejected = meter.makeCounter(
            name: "resilience.worker_pool.tasks.rejected", unit: "{task}", description: "Tasks a worker pool refused")
        func reason(_ value: String) -> AttributeSet {
            AttributeSet(name.elements.map { ($0.key, $0.value) } + [("worker_pool.rejection.reason", .string(value))])
        }
        queueFull = rejected.bind(reason("queue_full"))
        shutDown = rejected.bind(reason("shut_down"))
        // Observed, not counted: reading the queue at collection costs the tasks nothing.
        registrations = [
            meter.makeObservableGauge(
                Int64.self, name: "resilience.worker_pool.queue.length", unit: "{task}",
                description: "Tasks waiting for a worker"
            ).addCallback { [weak queue] observations in
                if let queue { observations.observe(Int64(queue.depth), attributes: name) }
            },
            meter.makeObservableGauge(
                Int64.self, name: "resilience.worker_pool.tasks.active", unit: "{task}", description: "Tasks running"
            ).addCallback { [weak queue] observations in
                if let queue { observations.observe(Int64(queue.inFlight), attributes: name) }
            },
        ]
    }

    func recordDuration(_ duration: Duration, _ outcome: Outcome) {
        switch outcome {
        case .success: success?.record(duration.seconds)
        case .failure: failure?.record(duration.seconds)
        case .cancelled: cancelled?.record(duration.seconds)
        }
    }

    func recordRejection(_ error: WorkerPoolError) {
        switch error {
        case .queueFull: queueFull?.add(1)
        case .shutDown, .alreadyRunning: shutDown?.add(1)
        }
    }
}
