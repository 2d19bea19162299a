/// Escaping and number formatting for the text of a Prometheus page.
///
/// Sources: the Prometheus exposition formats page ("Text format details") for 0.0.4, and OpenMetrics 1.0 ("ABNF",
/// "Escaping", "Numbers", "Considerations: Canonical Numbers").
package enum PrometheusText {
    // MARK: Escaping

    /// `value` escaped for the inside of a label's double quotes, the same in both formats: `\` → `\\`, `"` → `\"`,
    /// line feed → `\n`. Everything else, carriage returns included, is written as it is.
    package static func escapedLabelValue(_ value: String) -> String {
        escaped(value, escapesQuotes: true)
    }

    /// `help` escaped for a `# HELP` line of `format`.
    ///
    /// 0.0.4 escapes only `\` and line feed, and takes a `"` literally (so `\"` there would show a backslash);
    /// OpenMetrics writes HELP as an escaped string, where `"` is escaped as in label values.
    package static func escapedHelp(_ help: String, in format: PrometheusExpositionFormat) -> String {
        escaped(help, escapesQuotes: format == .openMetrics100)
    }

    private static func escaped(_ text: String, escapesQuotes: Bool) -> String {
        // Most values need nothing; checking the bytes first avoids building a copy of each.
        guard
            text.utf8.contains(where: {
                $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\n") || ($0 == UInt8(ascii: "\"") && escapesQuotes)
            })
        else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\"" where escapesQuotes: result += "\\\""
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    // MARK: Numbers

    /// A sample value that is a float, written so that parsing it gives back the same `Double`.
    ///
    /// - `+Inf`, `-Inf` and `NaN`, as both formats spell them.
    /// - Otherwise the shortest digits that round-trip, laid out as Go's `%g` does (what Prometheus' own clients
    ///   write, and OpenMetrics' canonical form): plain from 10⁻⁴ up to below 10⁶ (`0.0001`, `100000`), with an
    ///   exponent of at least two digits otherwise (`1e+06`, `1e-05`, `1.5e+300`).
    /// - In OpenMetrics, a whole value gets `.0` (`1.0`, `100000.0`): there a number without a point or an exponent
    ///   is an integer, and a float must not be written as one. 0.0.4 has only floats, so `1` stays `1`.
    package static func formatted(_ value: Double, in format: PrometheusExpositionFormat) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        let text = goStyle(value)
        if format == .openMetrics100, !text.contains("."), !text.contains("e") {
            return text + ".0"
        }
        return text
    }

    /// A sample value that is an integer (a count, a bucket's cumulative count, an integer counter or gauge), with
    /// no point and no exponent: OpenMetrics requires histogram counts to be integers, and 0.0.4 reads it as a float.
    package static func formatted(_ value: Int64) -> String {
        String(value)
    }

    /// A sample value that is an unsigned integer, written as the `Int64` one is.
    package static func formatted(_ value: UInt64) -> String {
        String(value)
    }

    /// The value of an `le` or `quantile` label: in OpenMetrics it MUST be the canonical number (`0.5`, `1.0`,
    /// `10.0`, `+Inf`), the same as a float sample; in 0.0.4, what Prometheus' Go client writes (`1`, `10`, `+Inf`).
    package static func formattedBound(_ bound: Double, in format: PrometheusExpositionFormat) -> String {
        formatted(bound, in: format)
    }

    /// `value` as Go's `strconv.FormatFloat(value, 'g', -1, 64)` writes it, for a finite value.
    ///
    /// Swift's `description` already finds the shortest digits that round-trip; only the layout differs (Swift
    /// writes `1000000.0` and `1e-05` where Go writes `1e+06` and `1e-05`), so the digits and the exponent are read
    /// back from it and laid out again.
    static func goStyle(_ value: Double) -> String {
        let sign = value.sign == .minus ? "-" : ""
        var digits: [UInt8] = []
        // The position of the decimal point relative to the first of `digits`: value = 0.digits × 10^point.
        var point = 0
        var seenPoint = false
        var inExponent = false
        var exponentText = ""
        for byte in value.magnitude.description.utf8 {
            if inExponent {
                exponentText.unicodeScalars.append(Unicode.Scalar(byte))
                continue
            }
            switch byte {
            case UInt8(ascii: "."): seenPoint = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"): inExponent = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if digits.isEmpty && byte == UInt8(ascii: "0") {
                    // A leading zero moves the point left when it follows it (0.001), and is nothing before it.
                    if seenPoint { point -= 1 }
                } else {
                    digits.append(byte)
                    if !seenPoint { point += 1 }
                }
            default: continue
            }
        }
        let exponent = Int(exponentText) ?? 0
        while digits.last == UInt8(ascii: "0") {
            digits.removeLast()
        }
        if digits.isEmpty {
            return sign + "0"
        }
        point += exponent
        let scientificExponent = point - 1
        let text: String
        // Go's rule for the shortest %g: an exponent when it is below -4 or at least 6 (its "precision 6" for the
        // shortest form), plain digits otherwise.
        if scientificExponent < -4 || scientificExponent >= 6 {
            var mantissa = String(decoding: digits[..<1], as: UTF8.self)
            if digits.count > 1 {
                mantissa += "." + String(decoding: digits[1...], as: UTF8.self)
            }
            let magnitude = scientificExponent.magnitude
            text = mantissa + (scientificExponent < 0 ? "e-" : "e+") + (magnitude < 10 ? "0" : "") + String(magnitude)
        } else if point <= 0 {
            text = "0." + String(repeating: "0", count: -point) + String(decoding: digits, as: UTF8.self)
        } else if point >= digits.count {
            text = String(decoding: digits, as: UTF8.self) + String(repeating: "0", count: point - digits.count)
        } else {
            text =
                String(decoding: digits[..<point], as: UTF8.self) + "."
                + String(decoding: digits[point...], as: UTF8.self)
        }
        return sign + text
    }
}
