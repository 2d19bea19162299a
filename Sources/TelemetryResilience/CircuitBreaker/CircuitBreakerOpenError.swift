/// A ``CircuitBreaker`` refused a call without making it: its circuit is open, or half-open with every trial call
/// already taken.
public struct CircuitBreakerOpenError: Error, CustomStringConvertible {
    /// The breaker's name.
    public let name: String
    /// The state that refused the call: ``CircuitBreakerState/open`` or ``CircuitBreakerState/halfOpen``.
    public let state: CircuitBreakerState
    /// How long until the breaker lets a trial call through; zero when half-open, where a slot frees when a trial
    /// call ends.
    public let retryAfter: Duration

    /// Creates the error.
    public init(name: String, state: CircuitBreakerState, retryAfter: Duration) {
        self.name = name
        self.state = state
        self.retryAfter = retryAfter
    }

    public var description: String {
        "circuit breaker \(name) is \(state.rawValue); call refused (retry after \(retryAfter))"
    }
}
