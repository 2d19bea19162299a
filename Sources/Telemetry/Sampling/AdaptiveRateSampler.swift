import Logging
import Synchronization

/// Samples about a target number of new traces per second for each span name (or each key you choose), so that a
/// rare endpoint keeps its traces however busy the others are, and records the probability it applied.
///
/// For each key, the sampler counts root spans over windows of ``adjustmentInterval``, smooths the observed rate, and
/// samples the next window with probability `min(1, tracesPerSecond / rate)`. A key seen for the first time is
/// sampled with probability 1 until its traffic is known; a key that uses up its window's share early is adjusted
/// at once rather than at the window's end, so a sudden flood costs about one window's share.
///
/// Each decision is a consistent probability decision: the trace's randomness (its trace id's right-most 7 bytes,
/// or `rv`) is compared with the threshold of the key's current probability, and sampled spans carry that threshold
/// as `ot=th:…` in their trace state, as ``ProbabilitySampler`` does. Backends can therefore weigh each sampled trace
/// by how many it stands for, even though the probability changes over time.
///
/// A span with a valid parent, local or remote, follows the parent's sampled flag and passes its threshold on, so
/// only the traces this service starts are rated. A root (no valid parent) starts a fresh trace state, as
/// ``ProbabilitySampler``'s roots do: `ot=th:…` when sampled, nothing when dropped.
///
/// Memory is bounded: at most ``maxKeys`` keys are tracked (by default 100). Once they are taken, new keys share the
/// last slot, ``overflowKey``, and its target. A key with no root span for 10 windows in a row (counted in time, so
/// a key idle for an hour is evicted at the next root of any key) gives its slot back.
///
/// It can only be configured in code: `OTEL_TRACES_SAMPLER` has no name for it in the specification.
///
/// ```swift
/// // About 2 traces per second per span name, whatever the traffic:
/// let sampler = try AdaptiveRateSampler(tracesPerSecond: 2)
/// // Or per kind and name:
/// let byKind = try AdaptiveRateSampler(tracesPerSecond: 2) { "\($0.kind) \($0.name)" }
/// ```
public final class AdaptiveRateSampler: Sampler {
    /// The key that every key beyond ``maxKeys`` shares.
    ///
    /// It is an ordinary key in the table: if your key closure returns this string, those roots are rated in the
    /// overflow slot, together with (and sharing one target with) the keys beyond the limit.
    public static let overflowKey = "otel.sampling.overflow"
    /// The smallest probability the sampler applies, so that even the busiest key is sampled now and then.
    public static let minimumProbability = 1e-6
    /// The default number of keys tracked, the overflow key included.
    public static let defaultMaxKeys = 100

    /// The target rate of sampled root traces per key.
    public let tracesPerSecond: Double
    /// How often each key's probability is recomputed from its observed rate.
    public let adjustmentInterval: Duration
    /// The most keys tracked, ``overflowKey`` included.
    public let maxKeys: Int
    private let key: @Sendable (SamplingParameters) -> String
    private let clock: any TelemetryClock
    private let state: Mutex<AdaptiveRateState>

    /// Creates the sampler.
    ///
    /// - Parameters:
    ///   - tracesPerSecond: The target rate of sampled root traces for each key.
    ///   - adjustmentInterval: The window over which rates are measured; by default 5 seconds. Shorter follows changes
    ///     sooner, longer gives steadier probabilities to keys with little traffic.
    ///   - maxKeys: The most keys tracked, the overflow key included; at least 2, by default 100.
    ///   - precision: Hex digits of the recorded threshold, from 1 to 14; by default the specification's 4.
    ///   - clock: What windows are measured by; tests pass `TelemetryTesting`'s `TestClock`.
    ///   - logger: Unused, kept so that code written for ``ProbabilitySampler``'s parameters compiles: the sampler
    ///     rates roots only, whose trace ids this SDK generated random, so the compatibility warning never applies.
    ///   - key: The key a root span is rated under; by default its name. Keep its values few: span names with ids in
    ///     them would fill the table at once.
    /// - Throws: ``TelemetryConfigurationError`` when a value is out of range.
    public init(
        tracesPerSecond: Double,
        adjustmentInterval: Duration = .seconds(5),
        maxKeys: Int = AdaptiveRateSampler.defaultMaxKeys,
        precision: Int = SamplingThreshold.defaultPrecision,
        clock: any TelemetryClock = SystemClock(),
        logger: Logger = TelemetryDiagnostics.logger,
        key: @escaping @Sendable (SamplingParameters) -> String = { $0.name }
    ) throws {
        func invalid(_ setting: String, _ reason: String) -> TelemetryConfigurationError {
            TelemetryConfigurationError(variable: nil, value: setting, reason: reason)
        }
        guard tracesPerSecond > 0, tracesPerSecond.isFinite else {
            throw invalid("tracesPerSecond = \(tracesPerSecond)", "expected a finite rate above 0")
        }
        guard adjustmentInterval > .zero else {
            throw invalid("adjustmentInterval = \(adjustmentInterval)", "expected a duration above zero")
        }
        guard maxKeys >= 2 else { throw invalid("maxKeys = \(maxKeys)", "expected 2 or more: one key and the overflow key") }
        guard (1...14).contains(precision) else { throw invalid("precision = \(precision)", "expected 1 to 14 hex digits") }
        self.tracesPerSecond = tracesPerSecond
        self.adjustmentInterval = adjustmentInterval
        self.maxKeys = maxKeys
        self.key = key
        self.clock = clock
        self.state = Mutex(
            AdaptiveRateState(
                target: tracesPerSecond, interval: adjustmentInterval, maxKeys: maxKeys, precision: precision, now: clock.now))
    }

    public func shouldSample(_ parameters: SamplingParameters) -> SamplingResult {
        if let parent = ConsistentSampling.validParent(parameters) {
            return ConsistentSampling.followParent(parent, parameters)
        }
        let key = self.key(parameters)
        let now = clock.now
        let threshold = state.withLock { $0.decide(key: key, randomness: ConsistentSampling.rootRandomness(parameters), at: now) }
        return ConsistentSampling.rootResult(threshold: threshold)
    }

    /// The probability roots of `key` are sampled with now, or `nil` when the key is not tracked (its roots then go
    /// under ``overflowKey`` once the table is full, or get a slot of their own).
    public func probability(forKey key: String) -> Double? {
        state.withLock { $0.entries[key]?.probability }
    }

    /// The keys tracked now.
    public var trackedKeys: Set<String> {
        state.withLock { Set($0.entries.keys) }
    }

    public var description: String { "AdaptiveRateSampler{\(tracesPerSecond)/s per key}" }
}
