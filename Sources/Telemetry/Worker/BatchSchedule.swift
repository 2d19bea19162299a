import DequeModule

/// The decisions of a batching worker, with no I/O, no lock and no clock of its own: events in, actions out.
///
/// Items get consecutive sequence numbers as they are queued. A flush is a marker at the sequence number of the
/// last item queued before it, so it completes once every item up to the marker has been exported or has failed,
/// in the same order as the items, never earlier. ``BatchWorker`` holds one under a lock and carries out what it
/// returns.
struct BatchSchedule<Item> {
    /// The settings that decide batching.
    struct Limits: Sendable, Hashable {
        var maxQueueSize: Int
        var maxBatchSize: Int
        /// The longest an item waits when no full batch forms; `.zero` exports as soon as the worker sees an item.
        var scheduleDelay: Duration
    }

    /// What the caller of ``append(_:)`` must do.
    enum AppendAction: Equatable {
        /// Nothing: the worker will see the item on time.
        case none
        /// Resume the waiting worker.
        case wakeWorker
        /// The item was not queued; it is counted in ``dropped``.
        case dropped
    }

    /// What the worker does next.
    enum WorkerAction {
        /// Export these items, then report them to ``settle(_:)``.
        case export([Item])
        /// Wait for a wake-up, or until the deadline when there is one.
        case wait(until: ContinuousClock.Instant?)
        /// Stop: the schedule is shut down and the queue is empty.
        case stop
    }

    let limits: Limits
    private(set) var queue: Deque<Item> = []
    /// Items ever queued; the sequence number of the newest item.
    private(set) var queuedThrough = 0
    /// Items ever handed to an export.
    private(set) var takenThrough = 0
    /// Items whose export finished, exported or failed.
    private(set) var settledThrough = 0
    /// Items refused because the queue was full or shut down, and not yet reported.
    private(set) var dropped = 0
    /// Flush markers not yet reached, oldest first.
    private var flushMarkers: Deque<Int> = []
    private(set) var isShutdown = false
    /// Whether the worker is suspended in a `.wait`, and whether a wake-up is already on its way.
    private(set) var isWorkerWaiting = false
    private var isWakePending = false
    private var deadline: ContinuousClock.Instant?
    /// Items of exports still running when the queue was abandoned: already counted as dropped.
    private var abandonedInFlight = 0

    init(limits: Limits) {
        self.limits = limits
    }

    /// Queues an item, unless the queue is full or shut down.
    mutating func append(_ item: Item) -> AppendAction {
        guard !isShutdown, queue.count < limits.maxQueueSize else {
            dropped += 1
            return .dropped
        }
        queue.append(item)
        queuedThrough += 1
        // A worker waiting with no deadline must learn that a period has started; otherwise only a full batch
        // (or a zero delay) is worth a wake-up, so ending a span costs no signal in the common case.
        let isDue = queue.count >= limits.maxBatchSize || limits.scheduleDelay == .zero || deadline == nil
        return wake(if: isDue)
    }

    /// Places a flush marker after the newest item. Returns the marker, or `nil` when everything queued has settled
    /// already. The second value says whether to resume the waiting worker.
    mutating func requestFlush() -> (marker: Int?, action: AppendAction) {
        guard settledThrough < queuedThrough else { return (nil, .none) }
        flushMarkers.append(queuedThrough)
        return (queuedThrough, wake(if: true))
    }

    /// Stops accepting items; the worker exports what is queued without waiting for the schedule, then stops.
    mutating func shutDown() -> AppendAction {
        isShutdown = true
        return wake(if: true)
    }

    /// Whether every item up to `marker` has settled.
    func hasSettled(through marker: Int) -> Bool { settledThrough >= marker }

    /// The worker's next step at `now`. A `.wait` marks the worker as waiting, under the same lock as the decision,
    /// so that no wake-up between the decision and the suspension is lost.
    mutating func nextAction(now: ContinuousClock.Instant) -> WorkerAction {
        isWakePending = false
        if let batch = takeBatchIfDue(now: now) { return .export(batch) }
        if queue.isEmpty && isShutdown && takenThrough == settledThrough { return .stop }
        isWorkerWaiting = true
        return .wait(until: queue.isEmpty ? nil : deadline)
    }

    /// Takes the next batch when one is due at `now`: a full batch, a flush or shutdown waiting on the queue, or the
    /// schedule delay run out. Otherwise it starts the delay when items wait, and returns `nil`.
    mutating func takeBatchIfDue(now: ContinuousClock.Instant) -> [Item]? {
        guard !queue.isEmpty else {
            deadline = nil
            return nil
        }
        let deadline = self.deadline ?? now.advanced(by: limits.scheduleDelay)
        let isFlushing = flushMarkers.last.map { $0 > takenThrough } ?? false
        guard queue.count >= limits.maxBatchSize || isFlushing || isShutdown || now >= deadline else {
            self.deadline = deadline
            return nil
        }
        self.deadline = nil
        let count = min(limits.maxBatchSize, queue.count)
        // Moved out one by one rather than copied and then removed: no reference counting for each item's fields,
        // while the caller holds the lock that appending waits on.
        var batch: [Item] = []
        batch.reserveCapacity(count)
        for _ in 0..<count { batch.append(queue.removeFirst()) }
        takenThrough += count
        return batch
    }

    /// Whether the waiting worker has a wake-up on its way, so it must not suspend.
    var hasPendingWake: Bool { isWakePending }

    /// Wakes the waiting worker from outside the schedule: its timer fired, or its task was cancelled.
    mutating func wakeFromOutside() {
        if isWorkerWaiting { isWakePending = true }
    }

    /// The worker woke up, by a signal, its deadline or cancellation.
    mutating func workerResumed() {
        isWorkerWaiting = false
    }

    /// Records that the oldest `count` taken items finished exporting, exported or failed. Returns `false` when
    /// they were counted already, as dropped, by ``abandon()``.
    mutating func settle(_ count: Int) -> Bool {
        if abandonedInFlight > 0 {
            abandonedInFlight = max(0, abandonedInFlight - count)
            return false
        }
        settledThrough = min(takenThrough, settledThrough + count)
        while let marker = flushMarkers.first, marker <= settledThrough { flushMarkers.removeFirst() }
        return true
    }

    /// Gives up on everything not yet exported, for a shutdown that ran out of time: empties the queue and returns
    /// how many items that and the exports still running hold, to be counted as dropped. Every flush marker counts
    /// as reached, since none can be reached by exporting any more.
    mutating func abandon() -> Int {
        isShutdown = true
        let inFlight = takenThrough - settledThrough
        let removed = queue.count + inFlight
        abandonedInFlight += inFlight
        queue.removeAll()
        takenThrough = queuedThrough
        settledThrough = takenThrough
        flushMarkers.removeAll()
        return removed
    }

    /// Returns the drops not yet reported and resets the count.
    mutating func takeDropped() -> Int {
        defer { dropped = 0 }
        return dropped
    }

    private mutating func wake(if isDue: Bool) -> AppendAction {
        guard isDue, isWorkerWaiting, !isWakePending else { return .none }
        isWakePending = true
        return .wakeWorker
    }
}

extension BatchSchedule.WorkerAction: Sendable where Item: Sendable {}
