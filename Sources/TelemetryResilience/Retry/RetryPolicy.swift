/// When to try an operation again: the waits between attempts, an overall time limit, and which errors are worth
/// another attempt.
///
/// ```swift
/// // The product brief's schedule: up to 3 retries, after 100 ms, 500 ms and 1 s.
/// let brief = RetryPolicy(backoff: .fixed([.milliseconds(100), .milliseconds(500), .seconds(1)]))
/// // Exponential backoff with full jitter, at most 5 retries and 10 s in all.
/// let exponential = RetryPolicy(
///     backoff: .exponential(initial: .milliseconds(50), multiplier: 2, maximum: .seconds(2), retries: 5, jitter: .full),
///     timeout: .seconds(10),
///     isRetryable: { error in (error as? HTTPError)?.isTransient ?? false }
/// )
/// ```
public struct RetryPolicy: Sendable {
    /// How long to wait before each retry.
    public enum Backoff: Sendable, Equatable {
        /// Waits the given delays in turn: one retry per delay, so `delays.count + 1` attempts in all.
        case fixed([Duration])
        /// Waits `initial`, then `multiplier` times longer before each further retry, never more than `maximum`
        /// before jitter, for at most `retries` retries.
        case exponential(initial: Duration, multiplier: Double, maximum: Duration, retries: Int, jitter: Jitter)
    }

    /// How a wait is spread, so that clients that failed together do not all retry together.
    public enum Jitter: Sendable, Equatable {
        /// The computed delay exactly.
        case none
        /// Anywhere between zero and the computed delay ("full jitter"): the widest spread.
        case full
        /// Within `fraction` of the computed delay either way: `0.2` waits between 80% and 120% of it.
        case proportional(Double)
    }

    /// The waits between attempts.
    public var backoff: Backoff
    /// The longest all attempts and waits may take together, or `nil` for no limit. An attempt still running at the
    /// deadline is cancelled, and no retry starts whose wait would end past it.
    public var timeout: Duration?
    /// Whether an error is worth another attempt. A cancelled caller's call is never retried, whatever this says.
    public var isRetryable: @Sendable (any Error) -> Bool

    /// Creates a policy.
    ///
    /// - Parameters:
    ///   - backoff: The waits between attempts.
    ///   - timeout: The longest all attempts and waits may take together; by default no limit.
    ///   - isRetryable: Whether an error is worth another attempt; by default every error is.
    public init(
        backoff: Backoff,
        timeout: Duration? = nil,
        isRetryable: @escaping @Sendable (any Error) -> Bool = { _ in true }
    ) {
        self.backoff = backoff
        self.timeout = timeout
        self.isRetryable = isRetryable
    }

    /// The most attempts this policy makes: the first and every retry.
    public var maxAttempts: Int {
        switch backoff {
        case .fixed(let delays): return delays.count + 1
        // Saturating: a policy is a plain value, and this is readable before validation refuses a huge count.
        case .exponential(_, _, _, let retries, _): return retries == .max ? .max : retries + 1
        }
    }

    /// The most retries a policy may make. More would be a mistake rather than a schedule: even at the smallest
    /// sensible wait, they would outlast any caller.
    public static let maximumRetries = 10_000

    /// The wait before retry number `retry` (1 for the first retry), or `nil` when the policy allows no such retry.
    ///
    /// - Parameter random: A number in `0..<1` that places the wait within its jitter.
    public func delay(beforeRetry retry: Int, random: Double) -> Duration? {
        guard retry >= 1, retry < maxAttempts else { return nil }
        switch backoff {
        case .fixed(let delays):
            return delays[retry - 1]
        case .exponential(let initial, let multiplier, let maximum, _, let jitter):
            // In seconds and capped at each step, so that no number of retries overflows.
            let cap = maximum.seconds
            var seconds = min(initial.seconds, cap)
            for _ in 1..<retry where seconds < cap { seconds = min(seconds * multiplier, cap) }
            let random = min(max(random, 0), 1)
            switch jitter {
            case .none: break
            case .full: seconds *= random
            case .proportional(let fraction): seconds *= 1 + fraction * (2 * random - 1)
            }
            // Only a policy that skipped validation (a NaN fraction, say) can get here with a non-finite wait.
            return seconds.isFinite ? .seconds(max(seconds, 0)) : maximum
        }
    }

    func validate() throws(ResilienceConfigurationError) {
        if let timeout { try ResilienceConfigurationError.require(timeout > .zero, "timeout", "positive") }
        switch backoff {
        case .fixed(let delays):
            try ResilienceConfigurationError.require(delays.allSatisfy { $0 >= .zero }, "delays", "zero or more each")
            try ResilienceConfigurationError.require(
                delays.count <= Self.maximumRetries, "delays", "at most \(Self.maximumRetries)")
        case .exponential(let initial, let multiplier, let maximum, let retries, let jitter):
            try ResilienceConfigurationError.require(initial >= .zero, "initial", "zero or more")
            try ResilienceConfigurationError.require(
                multiplier.isFinite && multiplier >= 1, "multiplier", "finite and at least 1")
            try ResilienceConfigurationError.require(maximum >= initial, "maximum", "at least initial")
            try ResilienceConfigurationError.require(
                (0...Self.maximumRetries).contains(retries), "retries", "within 0...\(Self.maximumRetries)")
            if case .proportional(let fraction) = jitter {
                try ResilienceConfigurationError.require((0...1).contains(fraction), "jitter fraction", "within 0...1")
            }
        }
    }
}
