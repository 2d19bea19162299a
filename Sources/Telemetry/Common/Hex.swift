/// Lowercase hexadecimal encoding and decoding of fixed-width integers, shared by ids and propagators.
enum Hex {
    @usableFromInline
    static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// The value of one ASCII hex digit, or `nil`. Uppercase digits are accepted only when `allowUppercase` is set,
    /// because W3C Trace Context requires lowercase while B3 and Jaeger are lenient.
    @inlinable
    static func value(of byte: UInt8, allowUppercase: Bool) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F") where allowUppercase: return byte &- UInt8(ascii: "A") &+ 10
        default: return nil
        }
    }

    /// Parses up to 16 hex digits into a `UInt64`.
    static func parseUInt64<S: Collection>(_ bytes: S, allowUppercase: Bool = false) -> UInt64? where S.Element == UInt8 {
        guard !bytes.isEmpty, bytes.count <= 16 else { return nil }
        var result: UInt64 = 0
        for byte in bytes {
            guard let nibble = value(of: byte, allowUppercase: allowUppercase) else { return nil }
            result = result << 4 | UInt64(nibble)
        }
        return result
    }

    /// Writes `value` as exactly 16 lowercase hex digits into `buffer` starting at `offset`.
    @inlinable
    static func write(_ value: UInt64, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        var v = value
        var index = offset + 15
        while index >= offset {
            buffer[index] = digits[Int(v & 0xF)]
            v >>= 4
            index -= 1
        }
    }

    /// Encodes `value` as `width` lowercase hex digits (`width` is 16 or less; higher digits are dropped).
    static func string(_ value: UInt64, width: Int = 16) -> String {
        String(unsafeUninitializedCapacity: width) { buffer in
            var v = value
            for index in stride(from: width - 1, through: 0, by: -1) {
                buffer[index] = digits[Int(v & 0xF)]
                v >>= 4
            }
            return width
        }
    }

    /// Encodes two big-endian words as 32 lowercase hex digits.
    static func string(high: UInt64, low: UInt64) -> String {
        String(unsafeUninitializedCapacity: 32) { buffer in
            write(high, into: buffer, at: 0)
            write(low, into: buffer, at: 16)
            return 32
        }
    }
}
