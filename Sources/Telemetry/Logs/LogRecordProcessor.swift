import Tracing

/// Sees every emitted log record: the hook between loggers and exporters.
///
/// The provider calls ``onEmit(_:context:)`` synchronously, in the order the processors were configured, on the
/// thread that logs. It must be fast, must never block, and must never wait on I/O: hand work to ``run()``, which the
/// SDK's ``TelemetryService`` runs in the background. See the specification's
/// [LogRecordProcessor](https://opentelemetry.io/docs/specs/otel/logs/sdk/#logrecordprocessor).
public protocol LogRecordProcessor: Sendable {
    /// Called once for each emitted record. A change to `record` is seen by the processors after this one.
    ///
    /// - Parameter context: The context the record was emitted in, for example to read baggage.
    func onEmit(_ record: inout LogRecordData, context: ServiceContext)

    /// Does the processor's background work until ``shutdown()`` completes or the task is cancelled. The default
    /// returns at once.
    func run() async throws

    /// Exports every record emitted before the call, and returns when the exporter has them.
    func forceFlush() async throws

    /// Flushes, shuts the exporter down, and stops ``run()``. Records emitted afterwards are dropped. Calls after the
    /// first return at once.
    func shutdown() async throws

    /// Called when a shutdown ran out of time: count every record still waiting as dropped, and log it once. The
    /// default does nothing, for processors that hold no records.
    func dropRemaining(reason: String)

    /// What happened to the records so far. The default is all zeros, for processors that export nothing.
    var statistics: ExportStatistics { get }
}

extension LogRecordProcessor {
    public func run() async throws {}

    public func dropRemaining(reason: String) {}

    public var statistics: ExportStatistics { ExportStatistics() }
}
