/// When a ``CircuitBreaker`` opens, how long it stays open, and how it tests recovery.
///
/// ```swift
/// // Opens when half of the last 20 calls failed, once at least 10 were made; retries after 30 s with 2 trial calls.
/// let configuration = CircuitBreakerConfiguration(
///     threshold: .failureRate(0.5, minimumCalls: 10),
///     window: .calls(20),
///     coolDown: .seconds(30),
///     halfOpenTrialCalls: 2
/// )
/// ```
public struct CircuitBreakerConfiguration: Sendable {
    /// How many failures in the window open the circuit.
    public enum Threshold: Sendable, Equatable {
        /// At least this many failed calls in the window.
        case failures(Int)
        /// At least this fraction (in `0...1`) of the calls in the window failed, and the window holds at least
        /// `minimumCalls` calls, so that one early failure does not open the circuit.
        case failureRate(Double, minimumCalls: Int)
    }

    /// Which recent calls the threshold looks at.
    public enum Window: Sendable, Equatable {
        /// The last `count` calls.
        case calls(Int)
        /// The calls of the last `duration`, kept in ten buckets of a tenth of it each, so memory stays fixed
        /// whatever the call rate; a call leaves the window up to a tenth of `duration` late.
        case time(Duration)
    }

    /// When the circuit opens.
    public var threshold: Threshold
    /// Which calls the threshold looks at.
    public var window: Window
    /// How long the circuit stays open before it lets trial calls through.
    public var coolDown: Duration
    /// How many trial calls a half-open circuit lets through at once; when all of them succeed the circuit closes,
    /// and when one fails it opens again.
    public var halfOpenTrialCalls: Int
    /// How long the circuit may stay half-open; `nil` means ``coolDown`` (and no limit when that is zero). When its
    /// trial calls have not all ended by then (one hangs, say), the circuit opens again for another cool-down, and
    /// their outcomes no longer count.
    public var maximumHalfOpenDuration: Duration?
    /// Whether an error counts as a failure. One that does not (a "not found", say) counts as a success.
    /// A cancelled call (one that throws `CancellationError`, or anything else once its task is cancelled) counts
    /// as neither.
    public var isFailure: @Sendable (any Error) -> Bool

    /// The largest ``Window/calls(_:)`` window: its outcomes are kept one by one, so its size is memory.
    public static let maximumCallWindow = 100_000

    /// Creates a configuration.
    ///
    /// - Parameters:
    ///   - threshold: When the circuit opens; by default when half the calls failed, over at least 10 calls.
    ///   - window: Which calls the threshold looks at; by default the last 20.
    ///   - coolDown: How long the circuit stays open; by default 30 seconds.
    ///   - halfOpenTrialCalls: How many trial calls a half-open circuit lets through; by default 1.
    ///   - maximumHalfOpenDuration: How long the circuit may stay half-open before it opens again; by default the
    ///     cool-down (no limit when that is zero).
    ///   - isFailure: Whether an error counts as a failure; by default every error does.
    public init(
        threshold: Threshold = .failureRate(0.5, minimumCalls: 10),
        window: Window = .calls(20),
        coolDown: Duration = .seconds(30),
        halfOpenTrialCalls: Int = 1,
        maximumHalfOpenDuration: Duration? = nil,
        isFailure: @escaping @Sendable (any Error) -> Bool = { _ in true }
    ) {
        self.threshold = threshold
        self.window = window
        self.coolDown = coolDown
        self.halfOpenTrialCalls = halfOpenTrialCalls
        self.maximumHalfOpenDuration = maximumHalfOpenDuration
        self.isFailure = isFailure
    }

    func validate() throws(ResilienceConfigurationError) {
        switch threshold {
        case .failures(let count):
            try ResilienceConfigurationError.require(count >= 1, "failures", "at least 1")
        case .failureRate(let rate, let minimumCalls):
            try ResilienceConfigurationError.require(rate > 0 && rate <= 1, "failureRate", "within 0 (excluded) ... 1")
            try ResilienceConfigurationError.require(minimumCalls >= 1, "minimumCalls", "at least 1")
        }
        switch window {
        case .calls(let count):
            try ResilienceConfigurationError.require(
                (1...Self.maximumCallWindow).contains(count), "window calls", "within 1...\(Self.maximumCallWindow)")
            // A threshold the window can never hold would leave the circuit closed whatever happens.
            switch threshold {
            case .failures(let failures):
                try ResilienceConfigurationError.require(failures <= count, "failures", "at most the window's calls")
            case .failureRate(_, let minimumCalls):
                try ResilienceConfigurationError.require(
                    minimumCalls <= count, "minimumCalls", "at most the window's calls")
            }
        case .time(let duration): try ResilienceConfigurationError.require(duration > .zero, "window duration", "positive")
        }
        try ResilienceConfigurationError.require(coolDown >= .zero, "coolDown", "zero or more")
        try ResilienceConfigurationError.require(halfOpenTrialCalls >= 1, "halfOpenTrialCalls", "at least 1")
        if let maximumHalfOpenDuration {
            try ResilienceConfigurationError.require(
                maximumHalfOpenDuration > .zero, "maximumHalfOpenDuration", "positive")
        }
    }
}
