import Foundation

/// The parameters of a URL query string, decoded as browsers encode forms (`+` is a space, then percent-escapes),
/// keeping repeated names in order.
struct QueryParameters: Sendable, Hashable {
    /// Every name and value, in the order they appeared.
    var pairs: [(name: String, value: String)]

    /// Parses `query` (the part after `?`, without it); malformed escapes are kept as written.
    init(_ query: String?) {
        pairs = []
        guard let query, !query.isEmpty else { return }
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(pieces[0])
            let value = pieces.count > 1 ? Self.decode(pieces[1]) : ""
            pairs.append((name, value))
        }
    }

    /// Decodes one form-encoded component.
    static func decode(_ component: Substring) -> String {
        let spaced = component.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// The first value of `name`, `nil` when absent or empty (forms send empty fields, which mean "any").
    subscript(_ name: String) -> String? {
        guard let value = pairs.first(where: { $0.name == name })?.value else { return nil }
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// Every non-empty value of `name`.
    func all(_ name: String) -> [String] {
        pairs.filter { $0.name == name && !$0.value.isEmpty }.map(\.value)
    }

    /// Equal when the same names carry the same values in the same order.
    static func == (lhs: QueryParameters, rhs: QueryParameters) -> Bool {
        lhs.pairs.map(\.name) == rhs.pairs.map(\.name) && lhs.pairs.map(\.value) == rhs.pairs.map(\.value)
    }

    /// Hashes every name and value in order, consistently with `==`.
    func hash(into hasher: inout Hasher) {
        for pair in pairs {
            hasher.combine(pair.name)
            hasher.combine(pair.value)
        }
    }
}

/// Percent-encoding of text for a URL's path segments and query values.
enum URLComponentEncoding {
    private static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    /// `text` with everything but unreserved characters percent-encoded, `/` and `+` included.
    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }
}

/// Why a query parameter was refused; becomes a 400 answer naming the parameter.
struct QueryParameterError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The parameter at fault.
    var parameter: String
    /// What was wrong with it.
    var reason: String

    /// Creates an error for `parameter`.
    init(_ parameter: String, _ reason: String) {
        self.parameter = parameter
        self.reason = reason
    }

    /// The message sent to the client, in Jaeger's words.
    var description: String { "unable to parse param '\(parameter)': \(reason)" }
}

/// Durations written as Go's `time.ParseDuration` reads them (`1s`, `500ms`, `1h30m`, `1.5s`, `250us`, `250µs`),
/// which is what Jaeger's `minDuration` and `maxDuration` take; `d` for days is accepted too, for lookbacks.
enum GoDuration {
    /// The duration in nanoseconds, or `nil` when `text` is not a duration (or overflows).
    static func nanoseconds(_ text: String) -> UInt64? {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        if rest.hasPrefix("+") { rest = rest.dropFirst() }
        if rest == "0" { return 0 }
        guard !rest.isEmpty else { return nil }
        var total: Double = 0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unitText = rest.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            rest = rest.dropFirst(unitText.count)
            guard let unit = units[String(unitText)] else { return nil }
            total += value * unit
        }
        guard total.isFinite, total < 1.8e19 else { return nil }
        return UInt64(total.rounded())
    }

    private static let units: [String: Double] = [
        "ns": 1, "us": 1e3, "µs": 1e3, "μs": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "h": 3600e9, "d": 86400e9,
    ]

    /// A short display form: `850µs`, `12.3ms`, `1.25s`, `2m5s`.
    static func format(nanoseconds: UInt64) -> String {
        let value = Double(nanoseconds)
        switch nanoseconds {
        case ..<1_000: return "\(nanoseconds)ns"
        case ..<1_000_000: return trimmed(value / 1e3) + "µs"
        case ..<1_000_000_000: return trimmed(value / 1e6) + "ms"
        case ..<60_000_000_000: return trimmed(value / 1e9) + "s"
        default:
            let seconds = nanoseconds / 1_000_000_000
            let hours = seconds / 3600
            let minutes = (seconds % 3600) / 60
            return hours > 0 ? "\(hours)h\(minutes)m" : "\(minutes)m\(seconds % 60)s"
        }
    }

    private static func trimmed(_ value: Double) -> String {
        let digits = value >= 100 ? 0 : (value >= 10 ? 1 : 2)
        var text = String(format: "%.\(digits)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}
