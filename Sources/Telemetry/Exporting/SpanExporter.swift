/// Sends finished spans somewhere: a collector, the console, memory.
///
/// A processor calls ``export(_:)`` for one batch at a time, never concurrently, and only with sampled spans.
/// The exporter owns retries: a processor never exports a batch twice. An export that outlives the processor's
/// export timeout is cancelled, so an implementation must honour task cancellation.
/// See the specification's [Span exporter](https://opentelemetry.io/docs/specs/otel/trace/sdk/#span-exporter).
public protocol SpanExporter: Sendable {
    /// Exports one batch. Throwing means the batch is lost; the processor counts it as failed.
    func export(_ batch: [SpanData]) async throws

    /// Does the exporter's background work, such as keeping a connection open, until ``shutdown()`` completes or
    /// the task is cancelled. The processor runs it beside its own worker. The default returns at once.
    func run() async throws

    /// Delivers anything the exporter buffers itself. The default does nothing.
    func forceFlush() async throws

    /// Releases the exporter's resources. Exports after shutdown fail. The default does nothing.
    func shutdown() async
}

extension SpanExporter {
    public func run() async throws {}

    public func forceFlush() async throws {}

    public func shutdown() async {}
}

/// An export that was cancelled because it took longer than the export timeout.
public struct ExportTimeoutError: Error, CustomStringConvertible {
    /// The timeout that expired.
    public var timeout: Duration

    public var description: String { "export did not finish within \(timeout)" }
}
