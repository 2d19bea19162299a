import Telemetry

/// The syntax of a header the exporter sends, checked once when configuration is resolved.
///
/// An HTTP or gRPC client that meets an invalid header fails every request, and may describe the failure with the
/// header's value in it, so a bad header is stopped here, where the error can name its key and nothing else.
package enum OTLPHeaderField {
    /// Why the header `name: value` cannot be sent over `protocol`, or `nil` when it can. The reason names the key
    /// (see ``describeName(_:)``), never the value.
    static func problem(name: String, value: String, protocol: OTLPProtocol) -> String? {
        guard isToken(name) else {
            return "the header name \(describeName(name)) is not an HTTP field name (RFC 9110 token)"
        }
        if `protocol` == .grpc {
            guard name.utf8.allSatisfy(isGRPCNameByte) else {
                return "the header name \(describeName(name)) is not a gRPC metadata key (0-9, a-z, -, _ and . only)"
            }
            guard value.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) else {
                return "the value of the header \(describeName(name)) has a byte gRPC metadata does not allow (printable ASCII only)"
            }
        } else if !isFieldValue(value) {
            return "the value of the header \(describeName(name)) has a control character (RFC 9110 allows only tab)"
        }
        return nil
    }

    /// RFC 9110's `token`, the syntax of a field name: one or more visible ASCII characters other than delimiters.
    static func isToken(_ name: some StringProtocol) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy(isTokenByte)
    }

    /// RFC 9110's `field-value` without its obsolete line folding: no control character but HTAB, and no DEL.
    static func isFieldValue(_ value: some StringProtocol) -> Bool {
        value.utf8.allSatisfy { $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }
    }

    /// The key as an error may show it: quoted when it is a token, otherwise only its token prefix. A string meant as
    /// `name=value` but written as `Authorization: Bearer abc` must not show its secret because its name is invalid.
    static func describeName(_ name: some StringProtocol) -> String {
        let prefix = name.utf8.prefix(while: isTokenByte)
        if prefix.count == name.utf8.count { return "\"\(name)\"" }
        if prefix.isEmpty { return "(unprintable)" }
        return "starting \"\(String(decoding: prefix, as: UTF8.self))\""
    }

    /// Parses a `--otlp-header` argument of `telemetrygen`: `name=value`, the value optionally in double quotes.
    ///
    /// - Throws: ``TelemetryConfigurationError`` whose reason names the key at most, never the value.
    package static func parseArgument(_ argument: String, protocol: OTLPProtocol) throws -> (name: String, value: String) {
        guard let equals = argument.firstIndex(of: "=") else {
            throw TelemetryConfigurationError(variable: nil, value: nil, reason: "a header takes name=value")
        }
        let name = argument[..<equals].trimmingWhitespace().lowercased()
        guard !name.isEmpty else {
            throw TelemetryConfigurationError(variable: nil, value: nil, reason: "a header needs a name before =")
        }
        var value = Substring(argument[argument.index(after: equals)...])
        if value.count >= 2, value.first == "\"", value.last == "\"" { value = value.dropFirst().dropLast() }
        if let problem = problem(name: name, value: String(value), protocol: `protocol`) {
            throw TelemetryConfigurationError(variable: nil, value: nil, reason: problem)
        }
        return (name, String(value))
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
            UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
            UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// gRPC's `Header-Name` after lowercasing: digits, lowercase letters, `-`, `_` and `.`.
    private static func isGRPCNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
            UInt8(ascii: "."):
            return true
        default:
            return false
        }
    }
}
