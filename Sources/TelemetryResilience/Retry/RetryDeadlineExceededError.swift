/// A ``Retry`` ran out of time: its policy's timeout passed during an attempt, or before a retry could start.
public struct RetryDeadlineExceededError: Error, CustomStringConvertible {
    /// The attempts started, the one cut short included.
    public let attempts: Int
    /// The error of the last attempt that finished, or `nil` when the first attempt was cut short.
    public let lastError: (any Error)?

    /// Creates the error.
    public init(attempts: Int, lastError: (any Error)?) {
        self.attempts = attempts
        self.lastError = lastError
    }

    public var description: String {
        let attempts = "retry deadline exceeded after \(attempts) attempt\(attempts == 1 ? "" : "s")"
        return lastError.map { "\(attempts); last error: \($0)" } ?? attempts
    }
}
