import Tracing

/// Sees every recorded span when it starts and when it ends: the hook between spans and exporters.
///
/// The provider calls ``onStart(_:parentContext:)`` and ``onEnd(_:)`` synchronously, in the order the processors
/// were configured, on the thread that starts or ends the span. They must be fast, must never block, and must never
/// wait on I/O: hand work to ``run()``, which the SDK's ``TelemetryService`` runs in the background for as long as the
/// service runs. Only recorded spans reach a processor; non-recording spans never do.
/// See the specification's [Span processor](https://opentelemetry.io/docs/specs/otel/trace/sdk/#span-processor).
public protocol SpanProcessor: Sendable {
    /// Called when a recorded span starts. The span can still be changed here.
    func onStart(_ span: RecordingSpan, parentContext: ServiceContext)

    /// Called once when a recorded span ends. The span no longer changes.
    func onEnd(_ span: RecordingSpan)

    /// Does the processor's background work until ``shutdown()`` completes or the task is cancelled.
    ///
    /// The default implementation returns at once, for processors with nothing to do in the background.
    func run() async throws

    /// Exports every span that ended before the call, and returns when the exporter has them.
    func forceFlush() async throws

    /// Flushes, shuts the exporter down, and stops ``run()``. Spans that end afterwards are dropped.
    /// Calls after the first return at once.
    func shutdown() async throws

    /// Called when a shutdown ran out of time: count every span still waiting as dropped, and log it once, so that
    /// nothing is lost without a count. The default does nothing, for processors that hold no spans.
    func dropRemaining(reason: String)

    /// What happened to the spans so far, in the shape every processor shares. The default is all zeros, for
    /// processors that export nothing.
    var statistics: ExportStatistics { get }
}

extension SpanProcessor {
    public func onStart(_ span: RecordingSpan, parentContext: ServiceContext) {}

    public func run() async throws {}

    public func dropRemaining(reason: String) {}

    public var statistics: ExportStatistics { ExportStatistics() }
}
