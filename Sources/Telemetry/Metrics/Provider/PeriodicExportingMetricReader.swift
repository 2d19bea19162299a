import Logging
import Synchronization

/// Collects metrics on a schedule and pushes them to an exporter: the reader to use with OTLP.
///
/// Every ``Configuration/interval`` it collects and exports through the SDK's shared worker, so exports never
/// overlap, one that outlives ``Configuration/timeout`` is cancelled and counted as failed, and what cannot be
/// exported is counted. ``forceFlush()`` collects and exports at once; ``shutdown()`` does so a last time, then
/// shuts the exporter down. ``run()`` is the schedule; ``TelemetryService`` runs it. See the specification's
/// [Periodic exporting MetricReader](https://opentelemetry.io/docs/specs/otel/metrics/sdk/#periodic-exporting-metricreader).
public final class PeriodicExportingMetricReader: MetricReader {
    /// The reader's settings; the defaults are the specification's.
    public struct Configuration: Sendable, Hashable {
        /// The time between two collections (`OTEL_METRIC_EXPORT_INTERVAL`, 60000 ms).
        public var interval: Duration
        /// How long one export may take before it is cancelled (`OTEL_METRIC_EXPORT_TIMEOUT`, 30000 ms); `.zero`
        /// means no limit.
        public var timeout: Duration

        /// Creates a configuration, with the specification's defaults for anything not given.
        public init(interval: Duration = .milliseconds(60000), timeout: Duration = .milliseconds(30000)) {
            self.interval = interval
            self.timeout = timeout
        }

        /// The configuration, if the interval is positive and the timeout not negative; durations longer than about
        /// 100 years are shortened to that.
        ///
        /// - Throws: ``TelemetryConfigurationError`` naming the setting.
        public func validated() throws -> Self {
            guard interval > .zero else {
                throw TelemetryConfigurationError(variable: nil, value: "interval = \(interval)", reason: "it must be positive")
            }
            guard timeout >= .zero else {
                throw TelemetryConfigurationError(variable: nil, value: "timeout = \(timeout)", reason: "it must not be negative")
            }
            return Self(interval: min(interval, .longestConfigurable), timeout: min(timeout, .longestConfigurable))
        }
    }

    /// The settings in force.
    public let configuration: Configuration
    private let exporter: any MetricExporter
    private let clock: any TelemetryClock
    private let worker: BatchWorker<MetricData>
    private let producer = Mutex<MetricProducer?>(nil)
    private let stopped = ShutdownSignal()
    private let isShutdown = Atomic(false)
    /// Collections happen one at a time, and none after the final one at shutdown.
    private let collectionGate = AsyncGate()

    /// Creates a reader that exports to `exporter`.
    ///
    /// - Parameters:
    ///   - clock: What the interval and the timeout are measured by; tests pass `TelemetryTesting`'s `TestClock`.
    ///   - logger: Where failed exports are reported; by default the SDK's own logger.
    /// - Throws: ``TelemetryConfigurationError`` when a value of `configuration` is out of range.
    public convenience init(
        exporter: any MetricExporter,
        configuration: Configuration = Configuration(),
        clock: any TelemetryClock = SystemClock(),
        logger: Logger = TelemetryDiagnostics.logger
    ) throws {
        self.init(exporter: exporter, validConfiguration: try configuration.validated(), clock: clock, logger: logger)
    }

    init(exporter: any MetricExporter, validConfiguration configuration: Configuration, clock: any TelemetryClock, logger: Logger) {
        self.exporter = exporter
        self.configuration = configuration
        self.clock = clock
        // A collection is queued whole and flushed at once; the bound only keeps a runaway number of streams from
        // growing the queue without limit, and what it turns away is counted.
        let settings = BatchSettings(
            scheduleDelay: .zero, exportTimeout: configuration.timeout, maxQueueSize: 65536, maxExportBatchSize: 65536)
        self.worker = BatchWorker(settings: settings, clock: clock, logger: logger, itemName: "metric streams") {
            try await exporter.export($0)
        }
    }

    /// What happened to the collected streams so far.
    public var statistics: ExportStatistics { worker.statistics }

    public func temporality(for kind: InstrumentKind) -> AggregationTemporality {
        exporter.temporality(for: kind)
    }

    public var histogramAggregation: HistogramAggregation { exporter.histogramAggregation }

    public func register(_ producer: MetricProducer) {
        self.producer.withLock { $0 = $0 ?? producer }
    }

    public func run() async throws {
        let exporter = self.exporter
        try await withThrowingDiscardingTaskGroup { group in
            // The exporter's connections outlive the schedule: shutdown() still exports through them, then ends them.
            group.addTask { try await exporter.run() }
            while await stopped.wait(for: configuration.interval, clock: clock) == .elapsed {
                await collectAndExport()
            }
        }
    }

    public func forceFlush() async throws {
        await collectAndExport()
        try await exporter.forceFlush()
    }

    public func shutdown() async throws {
        guard !isShutdown.exchange(true, ordering: .acquiringAndReleasing) else { return }
        stopped.fire()
        await collectionGate.withGate {
            enqueueCollection()
            await worker.shutdown()
        }
        try? await exporter.forceFlush()
        await exporter.shutdown()
    }

    /// Counts what a late shutdown could not export as dropped.
    public func dropRemaining(reason: String) {
        worker.abandon(reason: reason)
    }

    private func collectAndExport() async {
        await collectionGate.withGate {
            guard !isShutdown.load(ordering: .acquiring) else { return }
            enqueueCollection()
            await worker.flush()
        }
    }

    private func enqueueCollection() {
        guard let producer = producer.withLock({ $0 }) else { return }
        for metric in producer.collect() {
            worker.append(metric)
        }
    }
}

/// A one-time event that a schedule's wait ends on: the reader's shutdown.
final class ShutdownSignal: Sendable {
    enum Outcome: Sendable { case elapsed, fired }

    private struct State {
        var isFired = false
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextID = 0
    }

    private let state = Mutex(State())

    /// Fires the event: every wait, present and future, ends at once.
    func fire() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.isFired = true
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        waiters.forEach { $0.resume() }
    }

    /// Waits `duration` on `clock`; `.fired` when the event fires first or the task is cancelled.
    func wait(for duration: Duration, clock: any TelemetryClock) async -> Outcome {
        await withTaskGroup(of: Outcome.self) { group in
            group.addTask {
                (try? await clock.sleep(for: duration)) != nil ? .elapsed : .fired
            }
            group.addTask {
                await self.waitUntilFired()
                return .fired
            }
            let first = await group.next() ?? .fired
            group.cancelAll()
            return first
        }
    }

    private func waitUntilFired() async {
        let id = state.withLock { state -> Int in
            defer { state.nextID += 1 }
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.isFired || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}
