enum SamplerFactory {
    /// The sampler `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG` name; `parentbased_always_on` by default.
    static func make(environment: Environment) throws -> any Sampler {
        let name = environment.string("OTEL_TRACES_SAMPLER")?.lowercased() ?? "parentbased_always_on"
        func ratio() throws -> any Sampler {
            let raw = environment.string("OTEL_TRACES_SAMPLER_ARG") ?? "1.0"
            if let value = Double(raw), let sampler = TraceIDRatioBasedSampler(ratio: value) { return sampler }
            try environment.reject("OTEL_TRACES_SAMPLER_ARG", value: raw, reason: "expected a ratio from 0 to 1; 1.0 applies")
            return AlwaysOnSampler()
        }
        let fallback = ParentBasedSampler(root: AlwaysOnSampler())
        switch name {
        case "always_on": return AlwaysOnSampler()
        case "always_off": return AlwaysOffSampler()
        case "traceidratio": return try ratio()
        case "parentbased_always_on": return ParentBasedSampler(root: AlwaysOnSampler())
        case "parentbased_always_off": return ParentBasedSampler(root: AlwaysOffSampler())
        case "parentbased_traceidratio": return ParentBasedSampler(root: try ratio())
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
                    + "parentbased_always_off or parentbased_traceidratio; parentbased_always_on applies"
            )
            return fallback
        }
    }
}
