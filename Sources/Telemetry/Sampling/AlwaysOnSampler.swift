/// Records and samples every span.
public struct AlwaysOnSampler: Sampler {
    /// Creates the sampler.
    public init() {}

    public func shouldSample(_ parameters: SamplingParameters) -> SamplingResult {
        SamplingResult(decision: .recordAndSample, traceState: parameters.parentTraceState)
    }

    public var description: String { "AlwaysOnSampler" }
}
