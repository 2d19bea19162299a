import Logging
import Tracing

/// Exports log records as soon as they are emitted: for development and the console, not for production load.
///
/// Logging still never blocks: the record is queued (bounded by `maxQueueSize`, with drops counted) and the
/// background worker, ``run()``, is woken at once and exports what has been emitted.
public struct SimpleLogRecordProcessor: LogRecordProcessor {
    private let processor: BatchLogRecordProcessor

    /// Creates a processor that exports to `exporter`.
    ///
    /// - Parameter exportTimeout: How long one export may take before it is cancelled; `.zero` means no limit.
    /// - Throws: ``TelemetryConfigurationError`` when `maxQueueSize` is below 1 or `exportTimeout` is negative.
    public init(
        exporter: any LogRecordExporter,
        maxQueueSize: Int = 2048,
        exportTimeout: Duration = .milliseconds(30000),
        clock: any TelemetryClock = SystemClock(),
        logger: Logger = TelemetryDiagnostics.logger
    ) throws {
        // A zero delay makes the worker export whatever it sees, without waiting for a batch to fill.
        let configuration = BatchLogRecordProcessor.Configuration(
            scheduleDelay: .zero,
            exportTimeout: exportTimeout,
            maxQueueSize: maxQueueSize,
            maxExportBatchSize: min(512, max(1, maxQueueSize))
        )
        self.processor = try BatchLogRecordProcessor(
            exporter: exporter, configuration: configuration, clock: clock, logger: logger)
    }

    /// What happened to the records so far.
    public var statistics: ExportStatistics { processor.statistics }

    public func dropRemaining(reason: String) { processor.dropRemaining(reason: reason) }

    public func onEmit(_ record: inout LogRecordData, context: ServiceContext) {
        processor.onEmit(&record, context: context)
    }

    public func run() async throws { try await processor.run() }

    public func forceFlush() async throws { try await processor.forceFlush() }

    public func shutdown() async throws { try await processor.shutdown() }
}
