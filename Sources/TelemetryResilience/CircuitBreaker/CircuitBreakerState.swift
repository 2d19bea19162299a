/// Where a ``CircuitBreaker`` stands.
public enum CircuitBreakerState: String, Sendable, CaseIterable {
    /// Calls go through, and their failures are counted.
    case closed
    /// Calls are refused at once, until the cool-down has passed.
    case open
    /// A few trial calls go through to test whether the dependency has recovered; others are refused.
    case halfOpen = "half_open"
}
