/// One rule of a ``TailSamplingProcessor``: given a whole local trace, keep it, drop it, or leave it to the next rule.
///
/// The processor asks its policies in order and the first that answers decides; a trace no policy answers for is
/// dropped. Policies run on the thread that ended the trace's last span, without the processor's lock, so a policy
/// may read spans and even end spans of its own; still, the thread is the caller's, so they must be fast, must not
/// block, and must be safe to call from many threads.
///
/// ```swift
/// struct KeepCheckout: TailSamplingPolicy {
///     var name: String { "checkout" }
///     func decide(_ trace: TailSampledTrace) -> TailSamplingDecision? {
///         trace.localRoot?.name == "POST /checkout" ? .keep : nil
///     }
/// }
/// ```
public protocol TailSamplingPolicy: Sendable {
    /// The name decisions are counted under, in the processor's statistics and metrics: keep it short and fixed.
    var name: String { get }

    /// Keeps or drops `trace`, or returns `nil` to let the next policy decide.
    func decide(_ trace: TailSampledTrace) -> TailSamplingDecision?
}

/// What a ``TailSamplingPolicy`` does with a trace.
public enum TailSamplingDecision: Sendable, Hashable {
    /// Forward every span of the trace to the downstream processor.
    case keep
    /// Forget the trace's spans.
    case drop
}

/// A local trace as a ``TailSamplingPolicy`` sees it: the spans of one trace that ended in this process.
public struct TailSampledTrace: Sendable {
    /// The trace's id.
    public let traceID: TraceID
    /// The ended spans buffered for the trace, in the order they ended, the local root last when it ended.
    public let spans: [RecordingSpan]
    /// The span whose parent is remote or absent, or `nil` when the trace is decided before it ended: its wait ran
    /// out, the buffer needed room, or the processor shut down.
    public let localRoot: RecordingSpan?
    /// Spans of the trace that were not buffered because it already held the most spans a trace may hold.
    public let droppedSpanCount: Int

    /// Whether the local root ended, so that the trace is as complete as this process can see it.
    public var isComplete: Bool { localRoot != nil }

    /// The trace's 56-bit randomness: the explicit `rv` of its trace state when there is one, else the right-most
    /// 7 bytes of its trace id, as consistent probability sampling uses it.
    public var randomness: UInt64 {
        let traceState = (localRoot ?? spans.first)?.spanContext.traceState ?? TraceState()
        return OTelTraceStateValue(traceState).explicitRandomness ?? (traceID.low & ConsistentSampling.randomnessMask)
    }

    /// Whether any buffered span has an error status.
    public var hasError: Bool {
        spans.contains { $0.status?.code == .error }
    }

    /// How long the local root took, or `nil` when it has not ended.
    public var rootDuration: Duration? {
        guard let localRoot, let endTime = localRoot.state.withLock({ $0.endTime }) else { return nil }
        let nanoseconds = endTime >= localRoot.startTime ? endTime - localRoot.startTime : 0
        return .nanoseconds(Int64(clamping: nanoseconds))
    }

    /// Creates a trace; the processor does this, and tests of custom policies may too.
    public init(traceID: TraceID, spans: [RecordingSpan], localRoot: RecordingSpan?, droppedSpanCount: Int = 0) {
        self.traceID = traceID
        self.spans = spans
        self.localRoot = localRoot
        self.droppedSpanCount = droppedSpanCount
    }
}

/// Keeps every trace in which a span has an error status; leaves the others to the next policy.
public struct ErrorStatusPolicy: TailSamplingPolicy {
    /// Creates the policy.
    public init() {}

    public var name: String { "error_status" }

    public func decide(_ trace: TailSampledTrace) -> TailSamplingDecision? {
        trace.hasError ? .keep : nil
    }
}

/// Decides the traces whose local root took at least ``threshold``: it keeps ``probability`` of them and drops the
/// rest; faster traces, and traces whose root has not ended, are left to the next policy.
///
/// The choice is a consistent probability decision on the trace's randomness, like ``ProbabilitySampler``'s, so
/// it is the same for the same trace id every time.
public struct LatencyPolicy: TailSamplingPolicy {
    /// The root duration from which the policy applies.
    public let threshold: Duration
    /// The fraction of slow traces kept, from 0 to 1.
    public let probability: Double
    private let samplingThreshold: SamplingThreshold?

    /// Creates the policy.
    ///
    /// - Throws: ``TelemetryConfigurationError`` when `probability` is not in 0...1 or `threshold` is negative.
    public init(threshold: Duration, probability: Double = 1) throws {
        guard threshold >= .zero else {
            throw TelemetryConfigurationError(variable: nil, value: "threshold = \(threshold)", reason: "expected a duration of zero or more")
        }
        self.threshold = threshold
        self.probability = probability
        self.samplingThreshold = try ProbabilityPolicy.samplingThreshold(probability)
    }

    public var name: String { "latency" }

    public func decide(_ trace: TailSampledTrace) -> TailSamplingDecision? {
        guard let duration = trace.rootDuration, duration >= threshold else { return nil }
        return ProbabilityPolicy.decide(trace, samplingThreshold)
    }
}

/// Keeps a fixed fraction of the traces that reach it and drops the others: the base rate, to put last.
///
/// The choice is a consistent probability decision on the trace's randomness, like ``ProbabilitySampler``'s.
public struct ProbabilityPolicy: TailSamplingPolicy {
    /// The fraction kept, from 0 to 1.
    public let probability: Double
    private let samplingThreshold: SamplingThreshold?

    /// Creates the policy.
    ///
    /// - Throws: ``TelemetryConfigurationError`` when `probability` is not in 0...1.
    public init(probability: Double) throws {
        self.probability = probability
        self.samplingThreshold = try Self.samplingThreshold(probability)
    }

    public var name: String { "probability" }

    public func decide(_ trace: TailSampledTrace) -> TailSamplingDecision? {
        Self.decide(trace, samplingThreshold)
    }

    /// The exact threshold for `probability`, or `nil` for 0, which keeps nothing.
    static func samplingThreshold(_ probability: Double) throws -> SamplingThreshold? {
        guard probability >= 0, probability <= 1 else {
            throw TelemetryConfigurationError(
                variable: nil, value: "probability = \(probability)", reason: "expected a probability from 0 to 1")
        }
        guard probability > 0 else { return nil }
        return SamplingThreshold.rounded(probability: max(probability, 0x1p-56), precision: 14)
    }

    static func decide(_ trace: TailSampledTrace, _ threshold: SamplingThreshold?) -> TailSamplingDecision {
        guard let threshold else { return .drop }
        return threshold.shouldSample(randomness: trace.randomness) ? .keep : .drop
    }
}
