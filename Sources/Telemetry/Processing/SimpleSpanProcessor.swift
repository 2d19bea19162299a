import Logging
import Tracing

/// Exports spans as soon as they end: for development and the console, not for production load.
///
/// Ending a span still never blocks: the span is queued (bounded by ``BatchSpanProcessor/Configuration/maxQueueSize``,
/// with drops counted) and the background worker, ``run()``, is woken at once and exports what has ended.
public struct SimpleSpanProcessor: SpanProcessor {
    private let processor: BatchSpanProcessor

    /// Creates a processor that exports to `exporter`.
    public init(
        exporter: any SpanExporter,
        maxQueueSize: Int = 2048,
        exportTimeout: Duration = .milliseconds(30000),
        logger: Logger = TelemetryDiagnostics.logger
    ) {
        self.processor = BatchSpanProcessor(
            exporter: exporter,
            configuration: .init(exportTimeout: exportTimeout, maxQueueSize: maxQueueSize),
            logger: logger,
            wakesPerSpan: true
        )
    }

    /// What happened to the spans so far.
    public var statistics: BatchSpanProcessor.Statistics { processor.statistics }

    public func onEnd(_ span: RecordingSpan) { processor.onEnd(span) }

    public func run() async throws { try await processor.run() }

    public func forceFlush() async throws { try await processor.forceFlush() }

    public func shutdown() async throws { try await processor.shutdown() }
}
