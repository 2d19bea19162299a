import Tracing

/// How a span lives inside a `ServiceContext`.
///
/// A recording span is stored as its object, so the context holds one reference and no box. A non-recording span
/// is stored as its span id and a reference to trace-wide state that its non-recording children share, so a child of
/// an unsampled parent costs no allocation of its own. A local trace that was never sampled, with only the random flag
/// and no trace state, needs no trace-wide state at all: its trace id is kept as the seed ``RandomIDGenerator`` made it
/// from, so neither the root nor its children allocate. Every case fits a context value's three-word inline storage.
@usableFromInline
enum ContextSpan: Sendable {
    case recording(RecordingSpan)
    case nonRecording(SpanID, NonRecordingTrace)
    case unsampledLocal(traceSeed: UInt64, SpanID)

    var spanContext: SpanContext {
        switch self {
        case .recording(let span):
            return span.spanContext
        case .nonRecording(let spanID, let trace):
            return SpanContext(
                traceID: trace.traceID,
                spanID: spanID,
                traceFlags: trace.traceFlags,
                traceState: trace.traceState,
                isRemote: trace.isRemote
            )
        case .unsampledLocal(let traceSeed, let spanID):
            return SpanContext(traceID: RandomIDGenerator.traceID(seed: traceSeed), spanID: spanID, traceFlags: .random)
        }
    }
}

/// The trace-wide part of a non-recording span context.
@usableFromInline
final class NonRecordingTrace: Sendable {
    let traceID: TraceID
    let traceFlags: TraceFlags
    let traceState: TraceState
    let isRemote: Bool

    init(traceID: TraceID, traceFlags: TraceFlags, traceState: TraceState, isRemote: Bool) {
        self.traceID = traceID
        self.traceFlags = traceFlags
        self.traceState = traceState
        self.isRemote = isRemote
    }
}

enum SpanContextKey: ServiceContextKey {
    typealias Value = ContextSpan
    static var nameOverride: String? { "otel-span-context" }
}

extension ServiceContext {
    /// The context of the span this context belongs to: the active span, or the remote parent a propagator extracted.
    ///
    /// Setting it makes later spans started in this context children of that span context; propagators do this.
    public var spanContext: SpanContext? {
        get { self[SpanContextKey.self]?.spanContext }
        set {
            guard let newValue, newValue.isValid else {
                self[SpanContextKey.self] = nil
                return
            }
            self[SpanContextKey.self] = .nonRecording(
                newValue.spanID,
                NonRecordingTrace(
                    traceID: newValue.traceID,
                    traceFlags: newValue.traceFlags,
                    traceState: newValue.traceState,
                    isRemote: newValue.isRemote
                )
            )
        }
    }

    /// The recording span this context belongs to, if it was started by this SDK and is recorded.
    public var recordingSpan: RecordingSpan? {
        if case .recording(let span)? = self[SpanContextKey.self] { return span }
        return nil
    }
}
