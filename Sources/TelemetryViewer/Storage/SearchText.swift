/// The text forms the store searches: an attribute's value as Jaeger compares it (`http.status_code=500` matches
/// the integer 500) and a log body's text.
enum SearchText {
    /// The string form of a value: strings as they are, numbers and booleans as they print, the rest as JSON-like text.
    static func string(of value: TelemetryValue) -> String {
        switch value {
        case .string(let string): return string
        case .bool(let bool): return bool ? "true" : "false"
        case .int(let int): return String(int)
        case .double(let double):
            // Jaeger and OTLP/JSON print integral doubles without a fraction, so `x=2` finds 2.0.
            if double.rounded() == double, abs(double) < 1e15 { return String(Int64(double)) }
            return String(double)
        case .bytes(let bytes): return hex(bytes)
        case .array, .keyValueList, .empty:
            var text = ""
            appendJSON(value, to: &text)
            return text
        }
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            result.append(digits[Int(byte >> 4)])
            result.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: result, as: UTF8.self)
    }

    private static func appendJSON(_ value: TelemetryValue, to text: inout String) {
        switch value {
        case .empty: text += "null"
        case .string(let string):
            text += "\""
            for scalar in string.unicodeScalars {
                switch scalar {
                case "\"": text += "\\\""
                case "\\": text += "\\\\"
                case "\n": text += "\\n"
                default: text.unicodeScalars.append(scalar)
                }
            }
            text += "\""
        case .array(let values):
            text += "["
            for (index, element) in values.enumerated() {
                if index > 0 { text += "," }
                appendJSON(element, to: &text)
            }
            text += "]"
        case .keyValueList(let list):
            text += "{"
            for (index, attribute) in list.enumerated() {
                if index > 0 { text += "," }
                appendJSON(.string(attribute.key), to: &text)
                text += ":"
                appendJSON(attribute.value, to: &text)
            }
            text += "}"
        case .bool, .int, .double, .bytes: text += string(of: value)
        }
    }

    /// One `key=value` line of a tag column, escaped so that neither part can forge a line boundary.
    static func tagLine(key: String, value: String) -> String {
        "\n" + escaped(key) + "=" + escaped(value) + "\n"
    }

    /// Every attribute as a `\nkey=value\n` line, so that a tag search is a single substring test in SQLite.
    static func tags(of attributes: [KeyValue]) -> String {
        var text = "\n"
        for attribute in attributes {
            text += escaped(attribute.key)
            text += "="
            text += escaped(string(of: attribute.value))
            text += "\n"
        }
        return text
    }

    /// `text` with newlines and backslashes escaped, so that it cannot end or forge a tag line.
    static func escaped(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\\") }) else { return text }
        var result = ""
        for character in text.unicodeScalars {
            switch character {
            case "\n": result += "\\n"
            case "\\": result += "\\\\"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }

    /// The inverse of `escaped`, over the UTF-8 of a stored tag.
    static func unescaped(_ utf8: ArraySlice<UInt8>) -> String {
        let backslash = UInt8(ascii: "\\")
        guard utf8.contains(backslash) else { return String(decoding: utf8, as: UTF8.self) }
        var result: [UInt8] = []
        result.reserveCapacity(utf8.count)
        var escaping = false
        for byte in utf8 {
            if escaping {
                result.append(byte == UInt8(ascii: "n") ? UInt8(ascii: "\n") : byte)
                escaping = false
            } else if byte == backslash {
                escaping = true
            } else {
                result.append(byte)
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}
