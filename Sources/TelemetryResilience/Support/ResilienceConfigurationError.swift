/// A resilience pattern was configured with a value out of range, such as a concurrency of 0: a programmer error,
/// reported when the pattern is made rather than when it is first used.
public struct ResilienceConfigurationError: Error, CustomStringConvertible {
    /// The option that is out of range, as its parameter is named.
    public let option: String
    /// The range the option must be in.
    public let requirement: String

    /// Creates the error.
    public init(option: String, requirement: String) {
        self.option = option
        self.requirement = requirement
    }

    public var description: String { "\(option) must be \(requirement)" }

    static func require(_ condition: Bool, _ option: String, _ requirement: String) throws(ResilienceConfigurationError) {
        guard condition else { throw ResilienceConfigurationError(option: option, requirement: requirement) }
    }
}
