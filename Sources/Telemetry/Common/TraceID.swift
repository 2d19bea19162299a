/// A 128-bit trace identifier, shared by every span of one trace.
///
/// The all-zero value is invalid: ``isValid`` is `false` for it, and propagators never emit it.
public struct TraceID: Hashable, Sendable, Comparable {
    /// The first (most significant) eight bytes, in big-endian order on the wire.
    public let high: UInt64
    /// The last (least significant) eight bytes. Ratio sampling reads these.
    public let low: UInt64

    /// Creates a trace id from its two big-endian halves.
    @inlinable
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The invalid, all-zero trace id.
    public static let invalid = TraceID(high: 0, low: 0)

    /// Whether this id is usable: any value but all zeros.
    @inlinable
    public var isValid: Bool { high != 0 || low != 0 }

    /// Parses 32 lowercase hex digits, as in W3C `traceparent`. Returns `nil` for anything else.
    public init?(hexString: some StringProtocol) {
        self.init(hex: Array(hexString.utf8), allowUppercase: false)
    }

    /// Parses 16 or 32 hex digits (a 64-bit id is left-padded with zeros), accepting uppercase, as B3 and Jaeger do.
    init?(lenientHex bytes: [UInt8]) {
        guard bytes.count <= 32 else { return nil }
        if bytes.count <= 16 {
            guard let low = Hex.parseUInt64(bytes, allowUppercase: true) else { return nil }
            self.init(high: 0, low: low)
        } else {
            let split = bytes.count - 16
            guard let high = Hex.parseUInt64(bytes[..<split], allowUppercase: true),
                let low = Hex.parseUInt64(bytes[split...], allowUppercase: true)
            else { return nil }
            self.init(high: high, low: low)
        }
    }

    init?(hex bytes: some Collection<UInt8>, allowUppercase: Bool) {
        guard bytes.count == 32 else { return nil }
        let middle = bytes.index(bytes.startIndex, offsetBy: 16)
        guard let high = Hex.parseUInt64(bytes[..<middle], allowUppercase: allowUppercase),
            let low = Hex.parseUInt64(bytes[middle...], allowUppercase: allowUppercase)
        else { return nil }
        self.init(high: high, low: low)
    }

    /// The id as 32 lowercase hex digits.
    public var hexString: String { Hex.string(high: high, low: low) }

    /// The id as 16 big-endian bytes, as OTLP carries it.
    public var bytes: [UInt8] {
        var result = [UInt8]()
        result.reserveCapacity(16)
        for shift in stride(from: 56, through: 0, by: -8) { result.append(UInt8(truncatingIfNeeded: high >> UInt64(shift))) }
        for shift in stride(from: 56, through: 0, by: -8) { result.append(UInt8(truncatingIfNeeded: low >> UInt64(shift))) }
        return result
    }

    public static func < (lhs: TraceID, rhs: TraceID) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}

extension TraceID: CustomStringConvertible {
    public var description: String { hexString }
}
