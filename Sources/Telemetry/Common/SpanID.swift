/// A 64-bit span identifier, unique within a trace.
///
/// The all-zero value is invalid: ``isValid`` is `false` for it, and propagators never emit it.
public struct SpanID: Hashable, Sendable, Comparable {
    /// The id as a big-endian integer.
    public let value: UInt64

    /// Creates a span id from its big-endian integer value.
    @inlinable
    public init(_ value: UInt64) {
        self.value = value
    }

    /// The invalid, all-zero span id.
    public static let invalid = SpanID(0)

    /// Whether this id is usable: any value but zero.
    @inlinable
    public var isValid: Bool { value != 0 }

    /// Parses 16 lowercase hex digits, as in W3C `traceparent`. Returns `nil` for anything else.
    public init?(hexString: some StringProtocol) {
        let bytes = Array(hexString.utf8)
        guard bytes.count == 16, let value = Hex.parseUInt64(bytes) else { return nil }
        self.init(value)
    }

    /// Parses up to 16 hex digits, accepting uppercase, as B3 and Jaeger do.
    init?(lenientHex bytes: some Collection<UInt8>) {
        guard let value = Hex.parseUInt64(bytes, allowUppercase: true) else { return nil }
        self.init(value)
    }

    /// The id as 16 lowercase hex digits.
    public var hexString: String { Hex.string(value) }

    /// The id as 8 big-endian bytes, as OTLP carries it.
    public var bytes: [UInt8] {
        stride(from: 56, through: 0, by: -8).map { UInt8(truncatingIfNeeded: value >> UInt64($0)) }
    }

    public static func < (lhs: SpanID, rhs: SpanID) -> Bool { lhs.value < rhs.value }
}

extension SpanID: CustomStringConvertible {
    public var description: String { hexString }
}
