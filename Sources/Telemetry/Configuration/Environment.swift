/// Typed, validated reads of `OTEL_*` variables. An empty value counts as unset, as the specification says.
package struct Environment: Sendable {
    package let values: [String: String]

    package init(_ values: [String: String]) {
        self.values = values
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

    package func integer(_ name: String, minimum: Int = 0) throws -> Int? {
        guard let value = string(name) else { return nil }
        guard let number = Int(value), number >= minimum else {
            throw TelemetryConfigurationError(
                variable: name,
                value: value,
                reason: "expected a whole number of \(minimum) or more"
            )
        }
        return number
    }

    package func milliseconds(_ name: String) throws -> Duration? {
        try integer(name).map { .milliseconds($0) }
    }

    package func boolean(_ name: String) throws -> Bool? {
        guard let value = string(name) else { return nil }
        switch value.lowercased() {
        case "true": return true
        case "false": return false
        default:
            throw TelemetryConfigurationError(variable: name, value: value, reason: "expected true or false")
        }
    }

    /// A comma-separated list, trimmed and lowercased, without empty items.
    package func list(_ name: String) -> [String]? {
        string(name).map { value in
            value.split(separator: ",").map { $0.trimmingWhitespace().lowercased() }.filter { !$0.isEmpty }
        }
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
