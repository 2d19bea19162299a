/// The part of a span that crosses process boundaries: its ids, flags and trace state.
public struct SpanContext: Hashable, Sendable {
    /// The trace the span belongs to.
    public var traceID: TraceID
    /// The span's own id.
    public var spanID: SpanID
    /// The W3C trace flags, including whether the trace is sampled.
    public var traceFlags: TraceFlags
    /// Vendor-specific data carried with the trace.
    public var traceState: TraceState
    /// Whether this context was received from another process (extracted by a propagator).
    public var isRemote: Bool

    /// Creates a span context.
    public init(
        traceID: TraceID,
        spanID: SpanID,
        traceFlags: TraceFlags = [],
        traceState: TraceState = TraceState(),
        isRemote: Bool = false
    ) {
        self.traceID = traceID
        self.spanID = spanID
        self.traceFlags = traceFlags
        self.traceState = traceState
        self.isRemote = isRemote
    }

    /// Whether both ids are valid (neither is all zeros).
    @inlinable
    public var isValid: Bool { traceID.isValid && spanID.isValid }

    /// Whether the sampled flag is set.
    @inlinable
    public var isSampled: Bool { traceFlags.isSampled }
}
