import Logging
import Synchronization

/// The background worker every batching component shares: the batch span processor today, and the metric reader
/// and log record processor beside it.
///
/// - Appending never blocks and never waits on I/O: a short lock, and a wake-up only when the worker must act.
/// - The queue is bounded; what does not fit is dropped, counted and reported once per export cycle.
/// - Exports happen one at a time, never concurrently. An export that outlives its timeout is cancelled, counted
///   as failed, and waited for before the next export starts, so an exporter never sees two calls at once.
/// - A flush is a marker after the newest item; it returns once everything before it has been exported or failed.
/// - Shutdown stops accepting items and drains the queue. ``abandon(reason:)`` counts what a late shutdown could
///   not export as dropped, so nothing leaves without a count.
///
/// ``run()`` is the worker; ``flush()`` and ``shutdown()`` also export by themselves when it is not running.
final class BatchWorker<Item: Sendable>: Sendable {
    /// The settings of one worker.
    struct Configuration: Sendable, Hashable {
        var limits: BatchSchedule<Item>.Limits
        /// How long one export may take before it is cancelled; `.zero` means no limit.
        var exportTimeout: Duration
    }

    /// Exports one batch; throwing means the batch failed.
    typealias Export = @Sendable ([Item]) async throws -> Void

    private struct State {
        var schedule: BatchSchedule<Item>
        var statistics = ExportStatistics()
        /// The suspended worker. Unsafe rather than checked: ending a span takes and clears it under the lock, so it
        /// is resumed exactly once, and the checked wrapper's reference counting is on every span's path.
        var worker: UnsafeContinuation<Void, Never>?
    }

    let configuration: Configuration
    private let state: Mutex<State>
    private let exportGate = AsyncGate()
    private let export: Export
    private let clock: any TelemetryClock
    private let logger: Logger
    /// What the items are called in log lines, for example `spans`.
    private let itemName: String

    init(configuration: Configuration, clock: any TelemetryClock, logger: Logger, itemName: String, export: @escaping Export) {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.itemName = itemName
        self.export = export
        self.state = Mutex(State(schedule: BatchSchedule(limits: configuration.limits)))
    }

    /// What happened to the items so far.
    var statistics: ExportStatistics {
        state.withLock { state in
            var statistics = state.statistics
            statistics.queued = state.schedule.queue.count
            return statistics
        }
    }

    /// Queues `item` for export. Returns `false` when it was dropped.
    @discardableResult
    func append(_ item: Item) -> Bool {
        var isDropped = false
        let worker = state.withLock { state -> UnsafeContinuation<Void, Never>? in
            switch state.schedule.append(item) {
            case .none:
                return nil
            case .dropped:
                state.statistics.dropped += 1
                isDropped = true
                return nil
            case .wakeWorker:
                defer { state.worker = nil }
                return state.worker
            }
        }
        worker?.resume()
        return !isDropped
    }

    /// Exports in the background until ``shutdown()`` has drained the queue, or until the task is cancelled.
    /// Cancellation leaves the queue for ``shutdown()``.
    func run() async {
        while !Task.isCancelled {
            let action = await exportGate.withGate { () -> BatchSchedule<Item>.WorkerAction in
                let action = state.withLock { $0.schedule.nextAction(now: clock.now) }
                if case .export(let batch) = action { await exportBatch(batch) }
                return action
            }
            switch action {
            case .export: continue
            case .stop: return
            case .wait(let deadline): await waitForWake(until: deadline)
            }
        }
    }

    /// Returns once every item queued before the call has been exported or has failed.
    func flush() async {
        let (marker, worker) = state.withLock { state -> (Int?, UnsafeContinuation<Void, Never>?) in
            let (marker, action) = state.schedule.requestFlush()
            guard action == .wakeWorker else { return (marker, nil) }
            defer { state.worker = nil }
            return (marker, state.worker)
        }
        worker?.resume()
        guard let marker else { return }
        await drive(through: marker)
    }

    /// Stops accepting items and exports everything queued. Items appended afterwards are dropped and counted.
    func shutdown() async {
        let (marker, worker) = state.withLock { state -> (Int, UnsafeContinuation<Void, Never>?) in
            _ = state.schedule.shutDown()
            let marker = state.schedule.queuedThrough
            defer { state.worker = nil }
            return (marker, state.worker)
        }
        worker?.resume()
        await drive(through: marker)
        reportDrops()
    }

    /// Empties the queue without exporting, counting every item in it and in an export still running as dropped,
    /// and logs it once. For a shutdown whose deadline passed: a running export that returns later is not counted
    /// again.
    func abandon(reason: String) {
        let removed = state.withLock { state in
            let removed = state.schedule.abandon()
            state.statistics.dropped += removed
            return removed
        }
        wakeWorker()
        if removed > 0 {
            logger.warning(
                "Telemetry was not exported before shutdown ended and is lost",
                metadata: ["dropped_\(itemName)": "\(removed)", "reason": "\(reason)"]
            )
        }
        reportDrops()
    }

    /// Exports until the flush marker is reached, by waiting for the worker or, while it does not run or is busy
    /// elsewhere, by exporting under the same gate.
    private func drive(through marker: Int) async {
        while !state.withLock({ $0.schedule.hasSettled(through: marker) }) {
            let progressed = await exportGate.withGate { () -> Bool in
                guard !state.withLock({ $0.schedule.hasSettled(through: marker) }) else { return true }
                guard let batch = state.withLock({ $0.schedule.takeBatchIfDue(now: clock.now) }) else { return false }
                await exportBatch(batch)
                return true
            }
            // Nothing left to take but the marker is not reached: an abandoned queue. Stop rather than spin.
            if !progressed { return }
        }
    }

    private enum Outcome: Sendable {
        case exported
        case failed(String)
        case timedOut
        case cancelled
    }

    /// Exports one batch under the export timeout, then settles it. Runs only under the export gate.
    private func exportBatch(_ batch: [Item]) async {
        // Whatever the exporter, its libraries or this worker log meanwhile is the SDK's own doing: the logs handler
        // must not turn it into records, or a failing export would feed itself.
        await TelemetryDiagnostics.$isExporting.withValue(true) { await exportAndSettle(batch) }
    }

    private func exportAndSettle(_ batch: [Item]) async {
        let export = self.export
        let clock = self.clock
        let timeout = configuration.exportTimeout
        // The group waits for every child, so a timed-out export that ignores cancellation still holds the gate
        // until it returns: the next export can never overlap it.
        let outcome = await withTaskGroup(of: Outcome.self) { group -> Outcome in
            group.addTask {
                do {
                    try await export(batch)
                    return .exported
                } catch {
                    return .failed(String(describing: error))
                }
            }
            if timeout > .zero {
                group.addTask {
                    do {
                        try await clock.sleep(for: timeout)
                        return .timedOut
                    } catch {
                        return .cancelled
                    }
                }
            }
            var first = await group.next() ?? .cancelled
            if case .cancelled = first { first = await group.next() ?? .cancelled }
            group.cancelAll()
            return first
        }
        let isCounted = state.withLock { state -> Bool in
            guard state.schedule.settle(batch.count) else { return false }
            switch outcome {
            case .exported: state.statistics.exported += batch.count
            case .failed, .timedOut, .cancelled: state.statistics.failed += batch.count
            }
            return true
        }
        // An abandoned batch was counted and reported already.
        guard isCounted else { return }
        switch outcome {
        case .exported: break
        case .failed(let error):
            logger.warning("Export failed; the batch is lost", metadata: [itemName: "\(batch.count)", "error": "\(error)"])
        case .timedOut:
            logger.warning(
                "Export timed out and was cancelled; the batch is lost",
                metadata: [itemName: "\(batch.count)", "export_timeout": "\(timeout)"]
            )
        case .cancelled:
            logger.warning("Export was cancelled; the batch is lost", metadata: [itemName: "\(batch.count)"])
        }
        reportDrops()
    }

    /// Suspends the worker until a wake-up, the deadline, or cancellation.
    private func waitForWake(until deadline: ContinuousClock.Instant?) async {
        let clock = self.clock
        await withDiscardingTaskGroup { group in
            if let deadline {
                group.addTask {
                    // Cancelled when the worker wakes first; only a deadline that really passed wakes it.
                    guard (try? await clock.sleep(until: deadline)) != nil else { return }
                    self.wakeWorker()
                }
            }
            await withTaskCancellationHandler {
                await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                    let resumeNow = state.withLock { state -> Bool in
                        guard !state.schedule.hasPendingWake, !Task.isCancelled else { return true }
                        state.worker = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                self.wakeWorker()
            }
            group.cancelAll()
        }
        state.withLock { $0.schedule.workerResumed() }
    }

    private func wakeWorker() {
        let worker = state.withLock { state -> UnsafeContinuation<Void, Never>? in
            state.schedule.wakeFromOutside()
            defer { state.worker = nil }
            return state.worker
        }
        worker?.resume()
    }

    private func reportDrops() {
        let dropped = state.withLock { $0.schedule.takeDropped() }
        guard dropped > 0 else { return }
        TelemetryDiagnostics.$isExporting.withValue(true) {
            logger.warning(
                "Telemetry dropped: the queue was full or the processor was shut down",
                metadata: ["dropped_\(itemName)": "\(dropped)", "max_queue_size": "\(configuration.limits.maxQueueSize)"]
            )
        }
    }
}
