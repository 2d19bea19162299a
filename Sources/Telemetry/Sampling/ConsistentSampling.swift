import Logging
import Synchronization

/// The decision rules every consistent-probability sampler here shares: where the randomness comes from, how a
/// decision is written into the trace state, and how a child follows its parent.
enum ConsistentSampling {
    /// The right-most 7 bytes of a trace id.
    static let randomnessMask: UInt64 = SamplingThreshold.randomnessRange - 1

    /// The trace's 56-bit randomness: the parent's explicit `rv` when there is one, otherwise the trace id's
    /// right-most 7 bytes.
    ///
    /// The specification tells samplers to presume trace ids are random (W3C Trace Context Level 2) unless `rv` says
    /// otherwise. A root span's id comes from this SDK, whose generator is random; a parent that arrived without the
    /// random flag may come from an older SDK whose ids are not, so `warning` reports that once.
    static func randomness(_ parameters: SamplingParameters, state: OTelTraceStateValue, warning: OnceWarning?) -> UInt64 {
        if let explicit = state.explicitRandomness { return explicit }
        if let parent = parameters.parentSpanContext, parent.isValid, !parent.traceFlags.isRandom {
            warning?.emit()
        }
        return parameters.traceID.low & randomnessMask
    }

    /// The result of a decision made with `threshold` and `randomness`: sampled spans carry the threshold in
    /// `ot=th:…`; dropped ones carry none, since a threshold describes only the spans it let through.
    static func result(
        threshold: SamplingThreshold,
        randomness: UInt64,
        state: OTelTraceStateValue,
        parameters: SamplingParameters
    ) -> SamplingResult {
        var state = state
        let sampled = threshold.shouldSample(randomness: randomness)
        state.threshold = sampled ? threshold : nil
        return SamplingResult(
            decision: sampled ? .recordAndSample : .drop,
            traceState: state.applied(to: parameters.parentTraceState)
        )
    }

    /// Follows a valid parent's sampled flag and passes its threshold on, as the specification's parent-based
    /// threshold rule asks: a sampled parent's threshold is erased when the randomness contradicts it (the parent's
    /// decision cannot have come from it), and an unsampled parent's children carry none.
    static func followParent(_ parent: SpanContext, _ parameters: SamplingParameters) -> SamplingResult {
        var state = OTelTraceStateValue(parent.traceState)
        if parent.isSampled {
            if let threshold = state.threshold {
                let randomness = state.explicitRandomness ?? (parameters.traceID.low & randomnessMask)
                if !threshold.shouldSample(randomness: randomness) { state.threshold = nil }
            }
        } else {
            state.threshold = nil
        }
        return SamplingResult(
            decision: parent.isSampled ? .recordAndSample : .drop,
            traceState: state.applied(to: parent.traceState)
        )
    }

    /// The randomness of a root: the trace id's right-most 7 bytes, which this SDK's generator made random.
    ///
    /// A root is a span without a valid parent. An invalid parent's trace state is not read, not even its `rv`: the
    /// W3C rule is that `tracestate` is ignored when `traceparent` is not valid.
    static func rootRandomness(_ parameters: SamplingParameters) -> UInt64 {
        parameters.traceID.low & randomnessMask
    }

    /// The result for a root sampled with `threshold`, or dropped (`nil`): a fresh trace state, with `ot=th:…` when
    /// sampled and empty when dropped, since a root has no parent state to pass on.
    static func rootResult(threshold: SamplingThreshold?) -> SamplingResult {
        guard let threshold else { return SamplingResult(decision: .drop, traceState: TraceState()) }
        var state = OTelTraceStateValue(TraceState())
        state.threshold = threshold
        return SamplingResult(decision: .recordAndSample, traceState: state.applied(to: TraceState()))
    }

    /// The valid parent of the span being sampled, if any.
    static func validParent(_ parameters: SamplingParameters) -> SpanContext? {
        guard let parent = parameters.parentSpanContext, parent.isValid else { return nil }
        return parent
    }
}

/// The specification's compatibility warning, logged at most once per sampler: a decision presumed a trace id
/// random although its parent did not carry the random flag.
final class OnceWarning: Sendable {
    private let emitted = Atomic<Bool>(false)
    private let logger: Logger
    private let sampler: String

    init(logger: Logger, sampler: String) {
        self.logger = logger
        self.sampler = sampler
    }

    func emit() {
        // A relaxed load first: after the first warning this is the only cost on the sampling path.
        guard !emitted.load(ordering: .relaxed), !emitted.exchange(true, ordering: .relaxed) else { return }
        logger.warning(
            "A sampler presumed a trace id random, but its parent did not carry the W3C random flag; decisions may not agree with the caller's. Upgrade callers to W3C Trace Context Level 2.",
            metadata: ["sampler": "\(sampler)"]
        )
    }
}

/// For each of ParentBased's four parent cases: follow the parent's decision and its threshold.
struct ParentThresholdSampler: Sampler {
    func shouldSample(_ parameters: SamplingParameters) -> SamplingResult {
        guard let parent = ConsistentSampling.validParent(parameters) else {
            // ParentBased calls this only with a valid parent; without one there is nothing to follow.
            return SamplingResult(decision: .drop, traceState: parameters.parentTraceState)
        }
        return ConsistentSampling.followParent(parent, parameters)
    }

    var description: String { "ParentThreshold" }
}
