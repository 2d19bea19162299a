extension LogRecordData {
    /// Ties the record to the span a ``TracedError`` was made in.
    ///
    /// The logs data model's trace context is the span the record was emitted in. A record emitted outside any span,
    /// the usual case for an error logged by a top-level handler after its span ended, has none; it takes the
    /// error's, so that the log and the trace join on the ids. A record emitted in a span keeps its own and gets the
    /// error's ids as `error.trace_id` and `error.span_id` attributes when they differ.
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
enum TracedErrorAttributes {
    static let traceID = "error.trace_id"
    static let spanID = "error.span_id"
}
