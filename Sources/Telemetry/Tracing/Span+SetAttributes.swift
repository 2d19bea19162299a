import Tracing

extension Span {
    /// Sets each attribute `forEachAttribute` passes to its argument: on this SDK's spans one by one, in place; on
    /// other tracers' spans through `updateAttributes`, whose default copies every attribute the span holds.
    ///
    /// For instrumentations of this package that hold a span as `any Span`.
    package func setAttributes(_ forEachAttribute: ((String, SpanAttribute) -> Void) -> Void) {
        if let ours = self as? TelemetrySpan {
            guard let span = ours.recordingSpan else { return }
            forEachAttribute { span.setAttribute($0, $1) }
            return
        }
        updateAttributes { attributes in forEachAttribute { attributes.set($0, value: $1) } }
    }
}
