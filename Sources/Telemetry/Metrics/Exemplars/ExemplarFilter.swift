import Tracing

/// Which measurements may become exemplars: sample values kept with the span they were recorded in, so that a
/// backend can link a point of a chart to a trace.
///
/// Set it on the ``MeterProvider`` (`exemplarFilter:`), or with `OTEL_METRICS_EXEMPLAR_FILTER` (`trace_based`,
/// `always_on` or `always_off`). See the specification's
/// [ExemplarFilter](https://opentelemetry.io/docs/specs/otel/metrics/sdk/#exemplarfilter).
public enum ExemplarFilter: String, Sendable, Hashable, CaseIterable {
    /// Measurements recorded while a sampled span is active: the default. The others cost one look at the task's
    /// context each.
    case traceBased = "trace_based"
    /// Every measurement, whether or not a span is active.
    case alwaysOn = "always_on"
    /// None: recording never looks at the context, and series keep no exemplars.
    case alwaysOff = "always_off"

    /// What a measurement with `attributes` made now offers to its series' reservoir, or `nil` when the filter turns
    /// it away.
    @inline(__always)
    func candidate(attributes: AttributeSet) -> ExemplarCandidate? {
        switch self {
        case .alwaysOff:
            return nil
        case .traceBased:
            // An unsampled local trace, the common case when sampling is on, is told apart without building its
            // span context.
            guard let span = ServiceContext.current?[SpanContextKey.self] else { return nil }
            switch span {
            case .recording(let recording):
                guard recording.spanContext.traceFlags.contains(.sampled) else { return nil }
                return ExemplarCandidate(
                    traceID: recording.spanContext.traceID, spanID: recording.spanContext.spanID, attributes: attributes)
            case .nonRecording(let spanID, let trace):
                guard trace.traceFlags.contains(.sampled) else { return nil }
                return ExemplarCandidate(traceID: trace.traceID, spanID: spanID, attributes: attributes)
            case .unsampledLocal:
                return nil
            }
        case .alwaysOn:
            let span = ServiceContext.current?.spanContext
            return ExemplarCandidate(traceID: span?.traceID, spanID: span?.spanID, attributes: attributes)
        }
    }
}

/// What a reservoir keeps of a measurement besides its value and time: the span it was recorded in, if any, and its
/// attributes before a view's filter.
struct ExemplarCandidate: Sendable {
    var traceID: TraceID?
    var spanID: SpanID?
    var attributes: AttributeSet
}
