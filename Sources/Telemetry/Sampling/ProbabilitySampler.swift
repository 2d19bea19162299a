import Logging

/// Samples a fixed probability of traces with OpenTelemetry's consistent probability sampling, and records the
/// probability in `tracestate` so that backends can count what was not kept.
///
/// This is the specification's current `TraceIdRatioBased` algorithm (status: development): the trace's 56-bit
/// randomness, the right-most 7 bytes of its trace id or the `rv` sub-key of `ot` in its trace state, is compared
/// with the rejection threshold of ``probability``, and the trace is sampled when `randomness >= threshold`. A
/// sampled span's trace state gets `ot=th:<threshold>` (other `ot` sub-keys, such as `rv`, and other vendors'
/// members are kept); a dropped span's gets no `th`. Because every participant compares the same randomness, a trace
/// sampled at one probability is sampled at every higher one, in every service and every SDK that follows the
/// specification (the Python SDK's `composable_traceid_ratio_based`, for instance).
///
/// The decision ignores the parent's sampled flag, as `TraceIdRatioBased` must. Use ``parentBased(probability:precision:logger:)``
/// to sample roots by probability and let children follow their parent, passing its threshold on.
///
/// ``TraceIDRatioBasedSampler`` keeps the decision rule of the stable specification's era (the one the OpenTelemetry
/// Python SDK's `TraceIdRatioBased` uses), which does not compare the same bits and writes no threshold, so the two
/// do not agree trace by trace. As the specification's migration advice says, while services mix the two, sample by
/// ratio only at the root and let every other span follow its parent (``ParentBasedSampler``): a child of a
/// `TraceIDRatioBasedSampler` root then simply carries no threshold, which backends read as an unknown probability.
///
/// Configure it from the environment with `OTEL_TRACES_SAMPLER=parentbased_consistent_probability` and the
/// probability in `OTEL_TRACES_SAMPLER_ARG`, the name the OpenTelemetry Java contrib's consistent samplers use.
///
/// See the specification's [probability sampling](https://opentelemetry.io/docs/specs/otel/trace/tracestate-probability-sampling/).
public struct ProbabilitySampler: Sampler {
    /// The probability asked for.
    public let probability: Double
    /// The rejection threshold used: ``probability`` rounded to the configured precision.
    public let threshold: SamplingThreshold
    private let warning: OnceWarning
    /// The trace state of a sampled root: computed once, since roots are most of what a root sampler sees.
    private let sampledRootState: TraceState

    /// Creates a sampler that samples with `probability`.
    ///
    /// - Parameters:
    ///   - probability: From 2⁻⁵⁶ to 1. To sample nothing, use ``AlwaysOffSampler``.
    ///   - precision: Hex digits of the threshold, from 1 to 14; the specification recommends 4, which keeps a
    ///     1-in-N probability within a few parts in 100,000 and the `tracestate` short.
    ///   - logger: Where the specification's compatibility warning goes, once, when a parent without the W3C random
    ///     flag makes the sampler presume its trace id random; by default the SDK's logger.
    /// - Throws: ``TelemetryConfigurationError`` when `probability` or `precision` is out of range.
    public init(
        probability: Double,
        precision: Int = SamplingThreshold.defaultPrecision,
        logger: Logger = TelemetryDiagnostics.logger
    ) throws {
        let threshold = try SamplingThreshold(probability: probability, precision: precision)
        self.init(probability: probability, threshold: threshold, logger: logger)
    }

    /// Creates a sampler that samples with an exact threshold.
    public init(threshold: SamplingThreshold, logger: Logger = TelemetryDiagnostics.logger) {
        self.init(probability: threshold.probability, threshold: threshold, logger: logger)
    }

    private init(probability: Double, threshold: SamplingThreshold, logger: Logger) {
        self.probability = probability
        self.threshold = threshold
        self.warning = OnceWarning(logger: logger, sampler: "ProbabilitySampler")
        var state = OTelTraceStateValue(TraceState())
        state.threshold = threshold
        self.sampledRootState = state.applied(to: TraceState())
    }

    /// A ``ParentBasedSampler`` whose roots are sampled with `probability` and whose other spans follow their
    /// parent: they keep a sampled parent's threshold, erase it when the trace's randomness contradicts it, and carry
    /// none under an unsampled parent.
    ///
    /// - Throws: ``TelemetryConfigurationError`` when `probability` or `precision` is out of range.
    public static func parentBased(
        probability: Double,
        precision: Int = SamplingThreshold.defaultPrecision,
        logger: Logger = TelemetryDiagnostics.logger
    ) throws -> ParentBasedSampler {
        let root = try ProbabilitySampler(probability: probability, precision: precision, logger: logger)
        return ParentBasedSampler(
            root: root,
            remoteParentSampled: ParentThresholdSampler(),
            remoteParentNotSampled: ParentThresholdSampler(),
            localParentSampled: ParentThresholdSampler(),
            localParentNotSampled: ParentThresholdSampler()
        )
    }

    public func shouldSample(_ parameters: SamplingParameters) -> SamplingResult {
        // A root is a span without a valid parent, as for every sampler here (ConsistentSampling.rootRandomness).
        if ConsistentSampling.validParent(parameters) == nil {
            let sampled = threshold.shouldSample(randomness: ConsistentSampling.rootRandomness(parameters))
            return sampled
                ? SamplingResult(decision: .recordAndSample, traceState: sampledRootState)
                : SamplingResult(decision: .drop, traceState: TraceState())
        }
        let state = OTelTraceStateValue(parameters.parentTraceState)
        let randomness = ConsistentSampling.randomness(parameters, state: state, warning: warning)
        return ConsistentSampling.result(threshold: threshold, randomness: randomness, state: state, parameters: parameters)
    }

    public var description: String { "ProbabilitySampler{\(probability)}" }
}
