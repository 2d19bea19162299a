import Logging
import Synchronization
import Tracing

/// Queues ended spans and exports them in batches in the background: the processor to use in production.
///
/// Ending a span only appends it to a bounded queue under a short lock: it never blocks and never waits on I/O, and
/// the background worker is woken once per full batch, not once per span. The worker exports as soon as a full batch
/// is waiting, and otherwise ``Configuration/scheduleDelay`` after the first span of a batch. When the queue is full,
/// new spans are dropped, counted in ``statistics``, and reported through the SDK's logger. Only sampled spans are
/// queued. Exports never overlap: one that outlives ``Configuration/exportTimeout`` is cancelled, counted as failed,
/// and waited for before the next one starts.
///
/// The worker is ``run()``; ``TelemetryService`` runs it. ``forceFlush()`` and ``shutdown()`` drain the queue in
/// batches, by themselves when the worker is not running. See the specification's
/// [Batching processor](https://opentelemetry.io/docs/specs/otel/trace/sdk/#batching-processor).
public final class BatchSpanProcessor: SpanProcessor {
    /// The processor's settings; the defaults are the specification's.
    public struct Configuration: Sendable, Hashable {
        /// The longest a span waits before export when no full batch forms (`OTEL_BSP_SCHEDULE_DELAY`, 5000 ms);
        /// `.zero` exports each span as soon as the worker sees it.
        public var scheduleDelay: Duration
        /// How long one export may take before it is cancelled (`OTEL_BSP_EXPORT_TIMEOUT`, 30000 ms); `.zero` means
        /// no limit.
        public var exportTimeout: Duration
        /// The most spans the queue holds; more are dropped (`OTEL_BSP_MAX_QUEUE_SIZE`, 2048).
        public var maxQueueSize: Int
        /// The most spans in one export (`OTEL_BSP_MAX_EXPORT_BATCH_SIZE`, 512). It must not exceed the queue size.
        public var maxExportBatchSize: Int

        /// Creates a configuration, with the specification's defaults for anything not given.
        ///
        /// The values are checked when a processor is made from them: see ``validated()``.
        public init(
            scheduleDelay: Duration = .milliseconds(5000),
            exportTimeout: Duration = .milliseconds(30000),
            maxQueueSize: Int = 2048,
            maxExportBatchSize: Int = 512
        ) {
            self.scheduleDelay = scheduleDelay
            self.exportTimeout = exportTimeout
            self.maxQueueSize = maxQueueSize
            self.maxExportBatchSize = maxExportBatchSize
        }

        /// The configuration, if every value is in range: durations not negative, a queue of at least one span, and
        /// a batch size from 1 to the queue size. Durations longer than about 100 years are shortened to that.
        ///
        /// - Throws: ``TelemetryConfigurationError`` naming the setting: an out-of-range value set in code is a
        ///   programmer error, so it is not silently replaced.
        public func validated() throws -> Self {
            Self(try settings.validated())
        }
    }

    /// The settings in force.
    public let configuration: Configuration
    private let pipeline: BatchExportPipeline<RecordingSpan>

    /// Creates a processor that exports to `exporter`.
    ///
    /// - Parameters:
    ///   - clock: What the schedule and the export timeout are measured by; tests pass `TelemetryTesting`'s
    ///     `TestClock`.
    ///   - logger: Where drops and export failures are reported; by default the SDK's own logger.
    /// - Throws: ``TelemetryConfigurationError`` when a value of `configuration` is out of range.
    public convenience init(
        exporter: any SpanExporter,
        configuration: Configuration = Configuration(),
        clock: any TelemetryClock = SystemClock(),
        logger: Logger = TelemetryDiagnostics.logger
    ) throws {
        self.init(exporter: exporter, validConfiguration: try configuration.validated(), clock: clock, logger: logger)
    }

    init(exporter: any SpanExporter, validConfiguration configuration: Configuration, clock: any TelemetryClock, logger: Logger) {
        self.configuration = configuration
        self.pipeline = BatchExportPipeline(
            settings: configuration.settings,
            clock: clock,
            logger: logger,
            itemName: "spans",
            exporter: .init(run: exporter.run, forceFlush: exporter.forceFlush, shutdown: exporter.shutdown)
        ) { spans in
            try await exporter.export(spans.map(\.spanData))
        }
    }

    /// What happened to the spans so far.
    public var statistics: ExportStatistics { pipeline.statistics }

    public func onEnd(_ span: RecordingSpan) {
        guard span.spanContext.isSampled else { return }
        pipeline.append(span)
    }

    public func run() async throws { try await pipeline.run() }

    public func forceFlush() async throws { try await pipeline.forceFlush() }

    public func shutdown() async throws { await pipeline.shutdown() }

    public func dropRemaining(reason: String) { pipeline.abandon(reason: reason) }
}

extension BatchSpanProcessor.Configuration: BatchSettingsConfiguration {}
