/// A JSON document built in memory and written by hand, so that every value telemetry can hold (NaN, infinities,
/// arbitrary bytes in strings) has an answer and output never fails, unlike `JSONEncoder`.
indirect enum JSONValue: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A whole number.
    case int(Int64)
    /// A whole number above `Int64.max` (Unix-nanosecond times, counters).
    case uint(UInt64)
    /// Written as a number when finite; NaN and the infinities, which JSON lacks, become the strings Go and
    /// JavaScript print for them.
    case double(Double)
    /// Text, escaped on output.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// Members in the order given, which keeps responses stable and readable.
    case object([(String, JSONValue)])

    /// Two documents are equal when they serialise to the same text.
    static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        lhs.serialized() == rhs.serialized()
    }

    /// Hashes the serialised text, consistently with `==`.
    func hash(into hasher: inout Hasher) {
        hasher.combine(serialized())
    }

    /// The document as compact JSON text. `<`, `>` and `&` are escaped too, so the text can sit inside an HTML
    /// `<script>` element without ending it.
    func serialized() -> String {
        var output = ""
        write(to: &output)
        return output
    }

    private func write(to output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .int(let value): output += String(value)
        case .uint(let value): output += String(value)
        case .double(let value):
            if value.isNaN {
                output += "\"NaN\""
            } else if value.isInfinite {
                output += value > 0 ? "\"+Inf\"" : "\"-Inf\""
            } else if value == value.rounded(), abs(value) < 1e15 {
                output += String(Int64(value))
            } else {
                output += "\(value)"
            }
        case .string(let value): Self.writeString(value, to: &output)
        case .array(let values):
            output += "["
            for (index, value) in values.enumerated() {
                if index > 0 { output += "," }
                value.write(to: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { output += "," }
                Self.writeString(key, to: &output)
                output += ":"
                value.write(to: &output)
            }
            output += "}"
        }
    }

    private static let hexDigits = Array("0123456789abcdef")

    private static func writeString(_ value: String, to output: inout String) {
        output += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "<", ">", "&", "\u{2028}", "\u{2029}":
                output += unicodeEscape(scalar.value)
            default:
                if scalar.value < 0x20 {
                    output += unicodeEscape(scalar.value)
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }

    private static func unicodeEscape(_ value: UInt32) -> String {
        var escape = "\\u"
        for shift in stride(from: 12, through: 0, by: -4) {
            escape.append(hexDigits[Int((value >> UInt32(shift)) & 0xF)])
        }
        return escape
    }
}
