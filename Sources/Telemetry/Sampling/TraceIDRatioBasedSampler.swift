/// Samples a fixed fraction of traces, deciding from the trace id alone, so every service that uses the same ratio
/// makes the same decision for the same trace.
///
/// The decision matches the OpenTelemetry Python SDK's: a trace is sampled when the low 64 bits of its id are below
/// `round(ratio × 2⁶⁴)`.
public struct TraceIDRatioBasedSampler: Sampler {
    /// The fraction of traces sampled, from 0 to 1.
    public let ratio: Double
    private let bound: UInt64
    private let samplesAll: Bool

    /// Creates the sampler. Returns `nil` when `ratio` is not in 0...1.
    public init?(ratio: Double) {
        guard ratio >= 0, ratio <= 1 else { return nil }
        self.ratio = ratio
        let scaled = (ratio * 18_446_744_073_709_551_616.0).rounded(.toNearestOrEven)
        if scaled >= 18_446_744_073_709_551_616.0 {
            self.samplesAll = true
            self.bound = .max
        } else {
            self.samplesAll = false
            self.bound = UInt64(scaled)
        }
    }

    public func shouldSample(_ parameters: SamplingParameters) -> SamplingResult {
        let sampled = samplesAll || parameters.traceID.low < bound
        return SamplingResult(decision: sampled ? .recordAndSample : .drop, traceState: parameters.parentTraceState)
    }

    public var description: String { "TraceIdRatioBased{\(ratio)}" }
}
