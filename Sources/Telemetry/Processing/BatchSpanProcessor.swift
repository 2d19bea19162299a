import DequeModule
import Logging
import Synchronization
import Tracing

/// Queues ended spans and exports them in batches in the background: the processor to use in production.
///
/// Ending a span only appends it to a bounded queue under a short lock: it never blocks and never waits on I/O, and
/// the background worker is woken once per full batch, not once per span. The worker exports as soon as a full batch
/// is waiting, and otherwise every ``Configuration/scheduleDelay``. When the queue is full, new spans are dropped,
/// counted in ``statistics``, and reported through the SDK's logger. Only sampled spans are queued.
///
/// The worker is ``run()``; ``TelemetryService`` runs it. ``forceFlush()`` and ``shutdown()`` drain the queue in
/// batches. See the specification's
/// [Batching processor](https://opentelemetry.io/docs/specs/otel/trace/sdk/#batching-processor).
public final class BatchSpanProcessor: SpanProcessor {
    /// The processor's settings; the defaults are the specification's.
    public struct Configuration: Sendable, Hashable {
        /// The longest a span waits before export when no full batch forms (`OTEL_BSP_SCHEDULE_DELAY`, 5000 ms).
        public var scheduleDelay: Duration
        /// How long one export may take before it is cancelled (`OTEL_BSP_EXPORT_TIMEOUT`, 30000 ms).
        public var exportTimeout: Duration
        /// The most spans the queue holds; more are dropped (`OTEL_BSP_MAX_QUEUE_SIZE`, 2048).
        public var maxQueueSize: Int
        /// The most spans in one export (`OTEL_BSP_MAX_EXPORT_BATCH_SIZE`, 512). It must not exceed the queue size.
        public var maxExportBatchSize: Int

        /// Creates a configuration, with the specification's defaults for anything not given.
        public init(
            scheduleDelay: Duration = .milliseconds(5000),
            exportTimeout: Duration = .milliseconds(30000),
            maxQueueSize: Int = 2048,
            maxExportBatchSize: Int = 512
        ) {
            self.scheduleDelay = scheduleDelay
            self.exportTimeout = exportTimeout
            self.maxQueueSize = max(1, maxQueueSize)
            self.maxExportBatchSize = max(1, min(maxExportBatchSize, self.maxQueueSize))
        }
    }

    /// Counts of what happened to the spans this processor received.
    public struct Statistics: Sendable, Hashable {
        /// Spans the exporter accepted.
        public var exportedSpans: Int = 0
        /// Spans in batches whose export threw or timed out.
        public var failedSpans: Int = 0
        /// Spans dropped because the queue was full or the processor was shut down.
        public var droppedSpans: Int = 0
        /// Spans waiting in the queue now.
        public var queuedSpans: Int = 0

        /// Creates statistics with every count at zero.
        public init() {}
    }

    /// The settings in force.
    public let configuration: Configuration
    private let exporter: any SpanExporter
    private let logger: Logger
    private let state: Mutex<State>
    private let exportGate = AsyncGate()
    private let wakesPerSpan: Bool

    private struct State {
        var queue: Deque<RecordingSpan>
        var statistics = Statistics()
        var droppedSinceReport = 0
        var worker: CheckedContinuation<Void, Never>?
        var wakeUpPending = false
        var wakeUpCount = 0
        var isShutdown = false
        var isWorkerCancelled = false
    }

    /// Creates a processor that exports to `exporter`.
    ///
    /// - Parameter logger: Where drops and export failures are reported; by default the SDK's own logger.
    public convenience init(
        exporter: any SpanExporter,
        configuration: Configuration = Configuration(),
        logger: Logger = TelemetryDiagnostics.logger
    ) {
        self.init(exporter: exporter, configuration: configuration, logger: logger, wakesPerSpan: false)
    }

    init(exporter: any SpanExporter, configuration: Configuration, logger: Logger, wakesPerSpan: Bool) {
        self.exporter = exporter
        self.configuration = configuration
        self.logger = logger
        self.wakesPerSpan = wakesPerSpan
        var queue = Deque<RecordingSpan>()
        queue.reserveCapacity(configuration.maxQueueSize)
        self.state = Mutex(State(queue: queue))
    }

    /// What happened to the spans so far.
    public var statistics: Statistics {
        state.withLock { state in
            var statistics = state.statistics
            statistics.queuedSpans = state.queue.count
            return statistics
        }
    }

    /// How many times ending a span signalled the worker; tests read it to prove there is no wake-up per span.
    var wakeUpCount: Int { state.withLock { $0.wakeUpCount } }

    public func onEnd(_ span: RecordingSpan) {
        guard span.spanContext.isSampled else { return }
        let batchSize = configuration.maxExportBatchSize
        let maxQueueSize = configuration.maxQueueSize
        let worker = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.isShutdown, state.queue.count < maxQueueSize else {
                state.statistics.droppedSpans += 1
                state.droppedSinceReport += 1
                return nil
            }
            state.queue.append(span)
            guard !state.wakeUpPending, wakesPerSpan || state.queue.count >= batchSize else { return nil }
            state.wakeUpPending = true
            state.wakeUpCount += 1
            defer { state.worker = nil }
            return state.worker
        }
        worker?.resume()
    }

    public func run() async throws {
        let exporter = self.exporter
        try await withThrowingDiscardingTaskGroup { group in
            // The exporter's connections outlive the worker: shutdown() still exports through them, then ends them.
            group.addTask { try await exporter.run() }
            await withDiscardingTaskGroup { worker in
                if !wakesPerSpan {
                    worker.addTask {
                        // The timer ends by cancellation when the worker stops; that is not an error of run().
                        while (try? await Task.sleep(for: self.configuration.scheduleDelay)) != nil {
                            self.wakeWorker()
                        }
                    }
                }
                while await waitForWork() {
                    await exportQueued()
                }
                worker.cancelAll()
            }
        }
    }

    public func forceFlush() async throws {
        await exportQueued()
        try await exporter.forceFlush()
    }

    public func shutdown() async throws {
        let wasShutdown = state.withLock { state -> Bool in
            defer { state.isShutdown = true }
            return state.isShutdown
        }
        guard !wasShutdown else { return }
        wakeWorker()
        await exportQueued()
        try? await exporter.forceFlush()
        await exporter.shutdown()
        reportDrops()
    }

    /// Suspends the worker until there is something to export. Returns `false` when it should stop.
    private func waitForWork() async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.wakeUpPending || state.isShutdown || state.isWorkerCancelled { return true }
                    state.worker = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let worker = state.withLock { state -> CheckedContinuation<Void, Never>? in
                state.isWorkerCancelled = true
                defer { state.worker = nil }
                return state.worker
            }
            worker?.resume()
        }
        return state.withLock { state in
            state.wakeUpPending = false
            return !state.isShutdown && !state.isWorkerCancelled
        }
    }

    private func wakeWorker() {
        let worker = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.wakeUpPending = true
            defer { state.worker = nil }
            return state.worker
        }
        worker?.resume()
    }

    /// Exports, in batches, every span queued when it is called. Only one caller exports at a time.
    private func exportQueued() async {
        await exportGate.withGate {
            var remaining = state.withLock { $0.queue.count }
            while remaining > 0 {
                let batch = state.withLock { state -> [RecordingSpan] in
                    let count = min(configuration.maxExportBatchSize, state.queue.count)
                    let batch = Array(state.queue.prefix(count))
                    state.queue.removeFirst(count)
                    return batch
                }
                guard !batch.isEmpty else { break }
                remaining -= batch.count
                await export(batch)
            }
            reportDrops()
        }
    }

    private func export(_ spans: [RecordingSpan]) async {
        let data = spans.map(\.spanData)
        let exporter = self.exporter
        let timeout = configuration.exportTimeout
        do {
            try await withTimeout(timeout, timeoutError: ExportTimeoutError(timeout: timeout)) {
                try await exporter.export(data)
            }
            state.withLock { $0.statistics.exportedSpans += data.count }
        } catch {
            state.withLock { $0.statistics.failedSpans += data.count }
            logger.warning(
                "Span export failed; the batch is lost",
                metadata: ["spans": "\(data.count)", "error": "\(error)"]
            )
        }
    }

    private func reportDrops() {
        let dropped = state.withLock { state -> Int in
            defer { state.droppedSinceReport = 0 }
            return state.droppedSinceReport
        }
        guard dropped > 0 else { return }
        logger.warning(
            "Spans dropped: the batch span processor's queue was full or it was shut down",
            metadata: ["dropped": "\(dropped)", "max_queue_size": "\(configuration.maxQueueSize)"]
        )
    }
}
