enum SamplerFactory {
    /// The sampler `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG` name; `parentbased_always_on` by default.
    ///
    /// Besides the specification's names, `parentbased_consistent_probability` is
    /// ``ProbabilitySampler/parentBased(probability:precision:logger:)`` with the probability in
    /// `OTEL_TRACES_SAMPLER_ARG` (default 1.0; 0 samples no root), the name the OpenTelemetry Java contrib gives its
    /// consistent probability sampler. ``RateLimitingSampler`` and ``AdaptiveRateSampler`` have no name in the
    /// specification or common practice, so they are configured in code only.
    static func make(environment: Environment) throws -> any Sampler {
        let name = environment.string("OTEL_TRACES_SAMPLER")?.lowercased() ?? "parentbased_always_on"
        func ratio() throws -> any Sampler {
            let raw = environment.string("OTEL_TRACES_SAMPLER_ARG") ?? "1.0"
            if let value = Double(raw), let sampler = TraceIDRatioBasedSampler(ratio: value) { return sampler }
            try environment.reject("OTEL_TRACES_SAMPLER_ARG", value: raw, reason: "expected a ratio from 0 to 1; 1.0 applies")
            return AlwaysOnSampler()
        }
        func consistentProbability() throws -> any Sampler {
            let raw = environment.string("OTEL_TRACES_SAMPLER_ARG") ?? "1.0"
            if let value = Double(raw), value >= 0, value <= 1 {
                // Zero is not a probability to the consistent scheme: it is never sampling a root.
                if value == 0 { return ParentBasedSampler(root: AlwaysOffSampler()) }
                // The smallest probabilities round up to 2^-56 rather than being rejected.
                if let sampler = try? ProbabilitySampler.parentBased(probability: max(value, 0x1p-56)) { return sampler }
            }
            try environment.reject("OTEL_TRACES_SAMPLER_ARG", value: raw, reason: "expected a probability from 0 to 1; 1.0 applies")
            return ParentBasedSampler(root: AlwaysOnSampler())
        }
        let fallback = ParentBasedSampler(root: AlwaysOnSampler())
        switch name {
        case "always_on": return AlwaysOnSampler()
        case "always_off": return AlwaysOffSampler()
        case "traceidratio": return try ratio()
        case "parentbased_always_on": return ParentBasedSampler(root: AlwaysOnSampler())
        case "parentbased_always_off": return ParentBasedSampler(root: AlwaysOffSampler())
        case "parentbased_traceidratio": return ParentBasedSampler(root: try ratio())
        case "parentbased_consistent_probability": return try consistentProbability()
        case "jaeger_remote", "parentbased_jaeger_remote", "xray":
            try environment.reject(
                "OTEL_TRACES_SAMPLER",
                value: name,
                reason: "this sampler is not supported by swift-telemetry; parentbased_always_on applies"
            )
            return fallback
        default:
            try environment.reject(
                "OTEL_TRACES_SAMPLER",
                value: name,
                reason: "expected always_on, always_off, traceidratio, parentbased_always_on, "
                    + "parentbased_always_off, parentbased_traceidratio or parentbased_consistent_probability; "
                    + "parentbased_always_on applies"
            )
            return fallback
        }
    }
}
