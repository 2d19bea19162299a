/// Sends log records somewhere: a collector, the console, memory.
///
/// A processor calls ``export(_:)`` for one batch at a time, never concurrently. The exporter owns retries: a
/// processor never exports a batch twice. An export that outlives the processor's export timeout is cancelled, so an
/// implementation must honour task cancellation. See the specification's
/// [LogRecordExporter](https://opentelemetry.io/docs/specs/otel/logs/sdk/#logrecordexporter).
public protocol LogRecordExporter: Sendable {
    /// Exports one batch. Throwing means the batch is lost; the processor counts it as failed.
    func export(_ batch: [LogRecordData]) async throws

    /// Does the exporter's background work, such as keeping a connection open, until ``shutdown()`` completes or
    /// the task is cancelled. The default returns at once.
    func run() async throws

    /// Delivers anything the exporter buffers itself. The default does nothing.
    func forceFlush() async throws

    /// Releases the exporter's resources. Exports after shutdown fail. The default does nothing.
    func shutdown() async
}

extension LogRecordExporter {
    public func run() async throws {}

    public func forceFlush() async throws {}

    public func shutdown() async {}
}
