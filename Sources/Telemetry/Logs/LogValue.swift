import Logging

/// A value in a log record's body or attributes: a scalar, bytes, or a nested array or map, as the Logs data model's
/// `AnyValue` allows.
///
/// Literals make values read naturally:
///
/// ```swift
/// let body: LogValue = ["order": ["id": 42, "items": ["tea", "cake"]], "paid": true]
/// ```
public enum LogValue: Sendable, Hashable {
    /// A string.
    case string(String)
    /// A boolean.
    case bool(Bool)
    /// A signed 64-bit integer.
    case int(Int64)
    /// A double.
    case double(Double)
    /// Raw bytes.
    case bytes([UInt8])
    /// An ordered list of values, which may differ in kind.
    case array([LogValue])
    /// A map from string keys to values.
    case map([String: LogValue])
}

extension LogValue {
    /// The value of a swift-log metadata value: strings stay strings, a `stringConvertible` becomes its description,
    /// and dictionaries and arrays keep their nesting.
    public init(_ metadata: Logger.MetadataValue) {
        switch metadata {
        case .string(let string): self = .string(string)
        case .stringConvertible(let value): self = .string(value.description)
        case .dictionary(let dictionary): self = .map(dictionary.mapValues(LogValue.init))
        case .array(let array): self = .array(array.map(LogValue.init))
        }
    }

    /// The value with every string, also inside arrays and maps, cut to at most `limit` characters; byte values are
    /// cut to `limit` bytes.
    func truncated(to limit: Int) -> LogValue {
        switch self {
        case .string(let string):
            // The UTF-8 count is free and bounds the character count, so most strings are never walked; a longer
            // one is walked only up to the limit.
            guard string.utf8.count > limit,
                let end = string.index(string.startIndex, offsetBy: limit, limitedBy: string.endIndex),
                end < string.endIndex
            else { return self }
            return .string(String(string[..<end]))
        case .bytes(let bytes):
            return bytes.count > limit ? .bytes(Array(bytes.prefix(limit))) : self
        case .array(let values):
            return .array(values.map { $0.truncated(to: limit) })
        case .map(let values):
            return .map(values.mapValues { $0.truncated(to: limit) })
        case .bool, .int, .double:
            return self
        }
    }
}

extension LogValue: CustomStringConvertible {
    /// The value as text: strings as they are, arrays as `[a, b]`, maps as `{key: value}` with keys sorted.
    public var description: String {
        switch self {
        case .string(let string): return string
        case .bool(let bool): return String(bool)
        case .int(let int): return String(int)
        case .double(let double): return String(double)
        case .bytes(let bytes): return "<\(bytes.count) bytes>"
        case .array(let values): return "[" + values.map(\.description).joined(separator: ", ") + "]"
        case .map(let values):
            return "{" + values.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        }
    }
}

extension LogValue: ExpressibleByStringInterpolation {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension LogValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension LogValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int64) { self = .int(value) }
}

extension LogValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension LogValue: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: LogValue...) { self = .array(elements) }
}

extension LogValue: ExpressibleByDictionaryLiteral {
    /// A map; when a key repeats, the last value wins.
    public init(dictionaryLiteral elements: (String, LogValue)...) {
        self = .map(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
