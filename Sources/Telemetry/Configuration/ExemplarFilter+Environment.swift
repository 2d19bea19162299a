extension ExemplarFilter {
    /// Reads `OTEL_METRICS_EXEMPLAR_FILTER`: `trace_based` (the default), `always_on` or `always_off`.
    init(environment: Environment) throws {
        guard let raw = environment.string("OTEL_METRICS_EXEMPLAR_FILTER") else {
            self = .traceBased
            return
        }
        if let filter = ExemplarFilter(rawValue: raw.lowercased()) {
            self = filter
            return
        }
        try environment.reject(
            "OTEL_METRICS_EXEMPLAR_FILTER", value: raw,
            reason: "expected trace_based, always_on or always_off; trace_based applies")
        self = .traceBased
    }
}
