/// Percent-encoding as baggage values and `OTEL_*` variables use it.
package enum PercentEncoding {
    /// Encodes every byte except unreserved characters (letters, digits, `-._~`), which every decoder reads back,
    /// including those that treat `+` as a space.
    package static func encode(_ string: String) -> String {
        var result = [UInt8]()
        result.reserveCapacity(string.utf8.count)
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                result.append(byte)
            default:
                result.append(UInt8(ascii: "%"))
                result.append(Hex.digits[Int(byte >> 4)].uppercased)
                result.append(Hex.digits[Int(byte & 0xF)].uppercased)
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// What ``decode(_:invalidUTF8:)`` does with decoded bytes that are not UTF-8.
    package enum InvalidUTF8 {
        /// Fail: for configuration and headers, where a mangled value must not be used.
        case fail
        /// Replace each invalid sequence with U+FFFD, as W3C Baggage requires for values.
        case replace
    }

    /// Decodes `%XX` sequences. Returns `nil` for a malformed sequence, and for bytes that are not UTF-8 unless
    /// `invalidUTF8` is ``InvalidUTF8/replace``.
    package static func decode(_ bytes: some Collection<UInt8>, invalidUTF8: InvalidUTF8 = .fail) -> String? {
        var result = [UInt8]()
        result.reserveCapacity(bytes.count)
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap({ Hex.value(of: $0, allowUppercase: true) }),
                    let low = iterator.next().flatMap({ Hex.value(of: $0, allowUppercase: true) })
                else { return nil }
                result.append(high << 4 | low)
            } else {
                result.append(byte)
            }
        }
        switch invalidUTF8 {
        case .fail: return String(validating: result, as: UTF8.self)
        case .replace: return String(decoding: result, as: UTF8.self)
        }
    }
}

extension UInt8 {
    fileprivate var uppercased: UInt8 {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) ? self - 32 : self
    }
}
