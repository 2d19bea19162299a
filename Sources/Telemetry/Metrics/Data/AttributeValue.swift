/// The value of a metric attribute: a primitive or a homogeneous array of primitives, as the specification's
/// attribute values are.
public enum AttributeValue: Sendable, Hashable {
    /// A string.
    case string(String)
    /// A boolean.
    case bool(Bool)
    /// A signed 64-bit integer.
    case int(Int64)
    /// A double.
    case double(Double)
    /// An array of strings.
    case stringArray([String])
    /// An array of booleans.
    case boolArray([Bool])
    /// An array of integers.
    case intArray([Int64])
    /// An array of doubles.
    case doubleArray([Double])
}

extension AttributeValue: ExpressibleByStringInterpolation {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension AttributeValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension AttributeValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int64) { self = .int(value) }
}

extension AttributeValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension AttributeValue: CustomStringConvertible {
    /// The value as text: strings as they are, arrays as `[a, b]`.
    public var description: String {
        switch self {
        case .string(let value): return value
        case .bool(let value): return String(value)
        case .int(let value): return String(value)
        case .double(let value): return String(value)
        case .stringArray(let values): return "[" + values.joined(separator: ", ") + "]"
        case .boolArray(let values): return "[" + values.map(String.init).joined(separator: ", ") + "]"
        case .intArray(let values): return "[" + values.map(String.init).joined(separator: ", ") + "]"
        case .doubleArray(let values): return "[" + values.map { String($0) }.joined(separator: ", ") + "]"
        }
    }
}
