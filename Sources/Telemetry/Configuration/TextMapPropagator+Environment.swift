enum PropagatorFactory {
    /// The propagators `OTEL_PROPAGATORS` names, in order; `tracecontext,baggage` by default.
    static func make(environment: Environment) throws -> [any TextMapPropagator] {
        let names = environment.list("OTEL_PROPAGATORS") ?? ["tracecontext", "baggage"]
        var propagators: [any TextMapPropagator] = []
        for name in names {
            switch name {
            case "tracecontext": propagators.append(W3CTraceContextPropagator())
            case "baggage": propagators.append(W3CBaggagePropagator())
            case "b3": propagators.append(B3Propagator(encoding: .singleHeader))
            case "b3multi": propagators.append(B3Propagator(encoding: .multipleHeaders))
            case "jaeger": propagators.append(JaegerPropagator())
            case "none": return []
            default:
                // The specification says to skip an unknown propagator with a warning and keep the others.
                try environment.reject(
                    "OTEL_PROPAGATORS",
                    value: environment.string("OTEL_PROPAGATORS"),
                    reason: "unknown propagator \"\(name)\" is skipped; expected tracecontext, baggage, b3, b3multi, "
                        + "jaeger or none"
                )
            }
        }
        return propagators
    }
}
