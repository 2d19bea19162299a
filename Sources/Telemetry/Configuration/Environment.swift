import Logging
import Synchronization

/// Typed, validated reads of `OTEL_*` variables, following the specification's configuration rules.
///
/// An empty value counts as unset. An unusable value is reported through ``reject(_:value:reason:)``: in the default
/// mode that logs one warning naming the variable and the value and the read returns `nil`, so the caller falls back
/// to the default; in strict mode it throws ``TelemetryConfigurationError``.
package struct Environment: Sendable {
    /// The variable that turns strict mode on when ``TelemetryConfiguration/isStrict`` is not set.
    package static let strictVariable = "SWIFT_TELEMETRY_STRICT_CONFIGURATION"

    package let values: [String: String]
    /// Whether an unusable value throws instead of falling back to the default.
    package let isStrict: Bool
    let logger: Logger

    package init(_ values: [String: String], isStrict: Bool? = nil, logger: Logger = TelemetryDiagnostics.logger) {
        self.values = values
        self.logger = logger
        // Strict mode's own variable follows the boolean rule; its value cannot be rejected strictly, since
        // strictness is what it decides.
        self.isStrict = isStrict ?? (values[Self.strictVariable]?.trimmingWhitespace().lowercased() == "true")
    }

    package func string(_ name: String) -> String? {
        guard let raw = values[name] else { return nil }
        let trimmed = raw.trimmingWhitespace()
        return trimmed.isEmpty ? nil : trimmed
    }

    /// The first of `names` that is set, with its name.
    package func first(_ names: String...) -> (name: String, value: String)? {
        for name in names {
            if let value = string(name) { return (name, value) }
        }
        return nil
    }

    /// Reports that `name` holds a value the SDK cannot use. In strict mode it throws; otherwise it logs one warning
    /// and returns, and the caller uses the default.
    ///
    /// - Parameter value: The value to name, or `nil` when it may be a secret (a header).
    package func reject(_ name: String, value: String?, reason: String) throws {
        let error = TelemetryConfigurationError(variable: name, value: value, reason: reason)
        if isStrict { throw error }
        // Traces and logs read the shared variables each; one bootstrap reports each problem once.
        if let report = ConfigurationReport.current, !report.isFirst(error.description) { return }
        logger.warning("Ignoring an invalid configuration value; the default applies", metadata: ["error": "\(error)"])
    }

    /// A whole number of at least `minimum`, or `nil` when unset or rejected.
    package func integer(_ name: String, minimum: Int = 0) throws -> Int? {
        guard let value = string(name) else { return nil }
        // A number too large for Int is a valid setting that saturates, not a typo.
        let number = Int(value) ?? (value.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } ? Int.max : nil)
        guard let number, number >= minimum else {
            try reject(name, value: value, reason: "expected a whole number of \(minimum) or more")
            return nil
        }
        return number
    }

    /// A duration in milliseconds, saturated at ``Duration/longestConfigurable``; `nil` when unset or rejected. For a
    /// timeout, `0` is `.zero`, which means no limit.
    package func milliseconds(_ name: String) throws -> Duration? {
        try integer(name).map(Duration.saturatingMilliseconds)
    }

    /// `true` only for `true` in any case, as the specification says; anything else but `false` is also reported.
    package func boolean(_ name: String) throws -> Bool? {
        guard let value = string(name) else { return nil }
        switch value.lowercased() {
        case "true": return true
        case "false": return false
        default:
            try reject(name, value: value, reason: "expected true or false; false applies")
            return false
        }
    }

    /// A comma-separated list, trimmed and lowercased, without empty items.
    package func list(_ name: String) -> [String]? {
        string(name).map { value in
            value.split(separator: ",").map { $0.trimmingWhitespace().lowercased() }.filter { !$0.isEmpty }
        }
    }
}

extension Duration {
    /// The longest duration a setting takes, about 100 years: longer ones saturate to it, so that no conversion to
    /// a clock's or a library's integer nanoseconds can overflow.
    package static let longestConfigurable = Duration.seconds(Int64(100 * 365 * 24 * 3600))

    /// `milliseconds`, saturated at ``longestConfigurable``.
    package static func saturatingMilliseconds(_ milliseconds: Int) -> Duration {
        let limit = longestConfigurable.components.seconds * 1000
        return milliseconds >= limit ? longestConfigurable : .milliseconds(max(0, milliseconds))
    }

    /// The duration in whole nanoseconds, saturated at the bounds of `Int64`.
    package var saturatingNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (total, overflowAdding) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflowAdding { return seconds < 0 ? .min : .max }
        return total
    }
}

extension StringProtocol {
    package func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}

/// The problems one bootstrap has reported, so that a variable several signals read is reported once.
package final class ConfigurationReport: Sendable {
    /// The report of the bootstrap running in this task, if any.
    @TaskLocal package static var current: ConfigurationReport?

    private let reported = Mutex<Set<String>>([])

    package init() {}

    /// Whether `problem` is reported for the first time; it counts as reported from now on.
    func isFirst(_ problem: String) -> Bool {
        reported.withLock { $0.insert(problem).inserted }
    }
}
