import Synchronization

/// Samples at most a given number of new traces per second, spread evenly over time, and lets every other span
/// follow its parent.
///
/// Root spans draw from a token bucket that refills continuously at ``tracesPerSecond``: there is no counter that
/// resets at each second, so there is no burst at the turn of a second. After a quiet spell the bucket holds at most
/// ``burst`` tokens, so any stretch of `t` seconds samples at most `burst + tracesPerSecond × t` traces; over time the
/// rate converges to ``tracesPerSecond``.
///
/// A span with a valid parent, local or remote, follows the parent's sampled flag and passes its trace state on, so
/// traces stay whole and the limit applies to the traces this service starts. Rate-limited roots carry no `ot=th`
/// threshold in their trace state: their probability depends on the traffic, so it is unknown, and the
/// specification asks such samplers to erase it. To record a probability, use ``AdaptiveRateSampler``.
///
/// It can only be configured in code: `OTEL_TRACES_SAMPLER` has no name for it in the specification.
///
/// ```swift
/// let sampler = try RateLimitingSampler(tracesPerSecond: 100)
/// ```
public final class RateLimitingSampler: Sampler {
    /// The long-run rate of sampled root traces.
    public let tracesPerSecond: Double
    /// The most root traces sampled at once after a quiet spell.
    public let burst: Double
    private let clock: any TelemetryClock
    private let bucket: Mutex<TokenBucket>

    /// Creates the sampler.
    ///
    /// - Parameters:
    ///   - tracesPerSecond: The rate of sampled root traces; `0` samples no root.
    ///   - burst: The most tokens the bucket holds, so the most roots sampled back to back after a quiet spell. The
    ///     default, `max(1, tracesPerSecond / 10)`, keeps any one-second window within 110% of the rate.
    ///   - clock: What time is measured by; tests pass `TelemetryTesting`'s `TestClock`.
    /// - Throws: ``TelemetryConfigurationError`` when `tracesPerSecond` is negative or not finite, or `burst` is below 1.
    public init(tracesPerSecond: Double, burst: Double? = nil, clock: any TelemetryClock = SystemClock()) throws {
        guard tracesPerSecond >= 0, tracesPerSecond.isFinite else {
            throw TelemetryConfigurationError(
                variable: nil, value: "tracesPerSecond = \(tracesPerSecond)", reason: "expected a finite rate of 0 or more")
        }
        let burst = burst ?? max(1, tracesPerSecond / 10)
        guard burst >= 1, burst.isFinite else {
            throw TelemetryConfigurationError(variable: nil, value: "burst = \(burst)", reason: "expected at least 1 trace")
        }
        self.tracesPerSecond = tracesPerSecond
        self.burst = burst
        self.clock = clock
        // Full at the start, so the first roots after startup are sampled; a rate of zero means none ever is.
        self.bucket = Mutex(TokenBucket(tokens: tracesPerSecond > 0 ? burst : 0, last: clock.now))
    }

    public func shouldSample(_ parameters: SamplingParameters) -> SamplingResult {
        if let parent = ConsistentSampling.validParent(parameters) {
            return ConsistentSampling.followParent(parent, parameters)
        }
        let now = clock.now
        let taken = bucket.withLock { $0.take(at: now, rate: tracesPerSecond, capacity: burst) }
        // A root has no threshold to erase; its trace state is empty.
        return SamplingResult(decision: taken ? .recordAndSample : .drop)
    }

    public var description: String { "RateLimitingSampler{\(tracesPerSecond)}" }
}

/// Tokens that accrue continuously at a rate, up to a capacity.
struct TokenBucket {
    var tokens: Double
    var last: ContinuousClock.Instant

    /// Adds what accrued since the last call and takes one token if there is one.
    mutating func take(at now: ContinuousClock.Instant, rate: Double, capacity: Double) -> Bool {
        if now > last {
            tokens = min(capacity, tokens + (now - last).inSeconds * rate)
            last = now
        }
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
