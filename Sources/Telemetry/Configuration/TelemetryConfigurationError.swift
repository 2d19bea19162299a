/// A configuration the SDK cannot use: a bad `OTEL_*` value, a bad value set in code, or a second bootstrap.
///
/// The description names the variable and the value, for example
/// `OTEL_BSP_MAX_QUEUE_SIZE="lots" is invalid: expected a whole number of 0 or more`.
public struct TelemetryConfigurationError: Error, CustomStringConvertible, Equatable {
    /// The environment variable that holds the bad value, or `nil` when it was set in code.
    public var variable: String?
    /// The bad value as given.
    public var value: String?
    /// What is wrong, for a person to read.
    public var reason: String

    /// Creates an error.
    public init(variable: String?, value: String?, reason: String) {
        self.variable = variable
        self.value = value
        self.reason = reason
    }

    public var description: String {
        switch (variable, value) {
        case (let variable?, let value?): return "\(variable)=\"\(value)\" is invalid: \(reason)"
        case (let variable?, nil): return "\(variable) is invalid: \(reason)"
        case (nil, let value?): return "\"\(value)\" is invalid: \(reason)"
        case (nil, nil): return reason
        }
    }

    static func alreadyBootstrapped() -> Self {
        Self(variable: nil, value: nil, reason: "TelemetrySystem.bootstrap was already called in this process")
    }
}
