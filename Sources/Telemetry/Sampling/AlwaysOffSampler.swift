/// Records no span. Spans still carry and propagate their context.
public struct AlwaysOffSampler: Sampler {
    /// Creates the sampler.
    public init() {}

    public func shouldSample(_ parameters: SamplingParameters) -> SamplingResult {
        SamplingResult(decision: .drop, traceState: parameters.parentTraceState)
    }

    public var description: String { "AlwaysOffSampler" }
}
