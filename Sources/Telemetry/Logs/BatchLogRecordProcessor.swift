import Logging
import Synchronization
import Tracing

/// Queues emitted log records and exports them in batches in the background: the processor to use in production.
///
/// Logging only appends the record to a bounded queue under a short lock: it never blocks and never waits on I/O,
/// and the background worker is woken once per full batch, not once per record. The worker exports as soon as a full
/// batch is waiting, so throughput has no ceiling set by ``Configuration/scheduleDelay``; a partial batch waits at
/// most that long. When the queue is full, new records are dropped, counted in ``statistics``, and reported through
/// the SDK's logger. Exports never overlap: one that outlives ``Configuration/exportTimeout`` is cancelled, counted
/// as failed, and waited for before the next one starts.
///
/// The worker is ``run()``; ``TelemetryService`` runs it. ``forceFlush()`` and ``shutdown()`` drain the queue in
/// batches, by themselves when the worker is not running. See the specification's
/// [Batching processor](https://opentelemetry.io/docs/specs/otel/logs/sdk/#batching-processor).
public final class BatchLogRecordProcessor: LogRecordProcessor {
    /// The processor's settings; the defaults are the specification's.
    public struct Configuration: Sendable, Hashable {
        /// The longest a record waits before export when no full batch forms (`OTEL_BLRP_SCHEDULE_DELAY`, 1000 ms);
        /// `.zero` exports each record as soon as the worker sees it.
        public var scheduleDelay: Duration
        /// How long one export may take before it is cancelled (`OTEL_BLRP_EXPORT_TIMEOUT`, 30000 ms); `.zero` means
        /// no limit.
        public var exportTimeout: Duration
        /// The most records the queue holds; more are dropped (`OTEL_BLRP_MAX_QUEUE_SIZE`, 2048).
        public var maxQueueSize: Int
        /// The most records in one export (`OTEL_BLRP_MAX_EXPORT_BATCH_SIZE`, 512). It must not exceed the queue size.
        public var maxExportBatchSize: Int

        /// Creates a configuration, with the specification's defaults for anything not given.
        ///
        /// The values are checked when a processor is made from them: see ``validated()``.
        public init(
            scheduleDelay: Duration = .milliseconds(1000),
            exportTimeout: Duration = .milliseconds(30000),
            maxQueueSize: Int = 2048,
            maxExportBatchSize: Int = 512
        ) {
            self.scheduleDelay = scheduleDelay
            self.exportTimeout = exportTimeout
            self.maxQueueSize = maxQueueSize
            self.maxExportBatchSize = maxExportBatchSize
        }

        /// The configuration, if every value is in range: durations not negative, a queue of at least one record,
        /// and a batch size from 1 to the queue size. Durations longer than about 100 years are shortened to that.
        ///
        /// - Throws: ``TelemetryConfigurationError`` naming the setting.
        public func validated() throws -> Self {
            Self(try settings.validated())
        }
    }

    /// The settings in force.
    public let configuration: Configuration
    private let pipeline: BatchExportPipeline<LogRecordData>

    /// Creates a processor that exports to `exporter`.
    ///
    /// - Parameters:
    ///   - clock: What the schedule and the export timeout are measured by; tests pass `TelemetryTesting`'s
    ///     `TestClock`.
    ///   - logger: Where drops and export failures are reported; by default the SDK's own logger.
    /// - Throws: ``TelemetryConfigurationError`` when a value of `configuration` is out of range.
    public convenience init(
        exporter: any LogRecordExporter,
        configuration: Configuration = Configuration(),
        clock: any TelemetryClock = SystemClock(),
        logger: Logger = TelemetryDiagnostics.logger
    ) throws {
        self.init(exporter: exporter, validConfiguration: try configuration.validated(), clock: clock, logger: logger)
    }

    init(
        exporter: any LogRecordExporter,
        validConfiguration configuration: Configuration,
        clock: any TelemetryClock,
        logger: Logger
    ) {
        self.configuration = configuration
        self.pipeline = BatchExportPipeline(
            settings: configuration.settings,
            clock: clock,
            logger: logger,
            itemName: "log records",
            exporter: .init(run: exporter.run, forceFlush: exporter.forceFlush, shutdown: exporter.shutdown),
            export: exporter.export
        )
    }

    /// What happened to the records so far.
    public var statistics: ExportStatistics { pipeline.statistics }

    public func onEmit(_ record: inout LogRecordData, context: ServiceContext) {
        pipeline.append(record)
    }

    public func run() async throws { try await pipeline.run() }

    public func forceFlush() async throws { try await pipeline.forceFlush() }

    public func shutdown() async throws { await pipeline.shutdown() }

    public func dropRemaining(reason: String) { pipeline.abandon(reason: reason) }
}

extension BatchLogRecordProcessor.Configuration: BatchSettingsConfiguration {}
