import Tracing

/// Where a span started with ``TelemetryTracer/startSpan(_:kind:parent:attributes:links:startTime:)`` gets its
/// parent.
public enum SpanParent: Sendable {
    /// The span active in the current task, if any (`ServiceContext.current`).
    case current
    /// The span in the given context, for example one a propagator extracted.
    case context(ServiceContext)
    /// No parent: the span starts a new trace. Baggage in the current context is kept.
    case root
}
