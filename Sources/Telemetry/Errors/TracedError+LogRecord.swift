extension LogRecordData {
    /// Ties the record to the span a ``TracedError`` was made in.
    ///
    /// The logs data model's trace context is the span the record was emitted in. A record emitted outside any span,
    /// the usual case for an error logged by a top-level handler after its span ended, has none; it takes the
    /// error's, so that the log and the trace join on the ids. A record emitted in a span keeps its own and gets the
    /// error's ids as `traced_error.trace_id` and `traced_error.span_id` attributes when they differ.
    mutating func adoptTraceContext(of error: TracedError, into attributes: inout AttributeCollector) {
        guard let origin = error.spanContext, origin.isValid else { return }
        guard traceID != nil else {
            traceID = origin.traceID
            spanID = origin.spanID
            traceFlags = origin.traceFlags
            return
        }
        guard traceID != origin.traceID || spanID != origin.spanID else { return }
        attributes.add(TracedErrorAttributes.traceID, .string(origin.traceID.hexString))
        attributes.add(TracedErrorAttributes.spanID, .string(origin.spanID.hexString))
    }
}

/// The log record attributes that carry a ``TracedError``'s ids when the record belongs to another span.
///
/// In the project's own `traced_error.*` namespace: `error.*` belongs to the semantic conventions, which define no
/// such attributes and may define others there.
enum TracedErrorAttributes {
    static let traceID = "traced_error.trace_id"
    static let spanID = "traced_error.span_id"
}
