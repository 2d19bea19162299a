import Foundation
import Logging
import Telemetry

/// The HTTP methods instrumentation records by name, read once per process.
struct KnownHTTPMethods: Sendable {
    static let defaultMethods: Set<String> = [
        "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "QUERY",
    ]

    var methods: Set<String>
    var isDefault: Bool

    static let fromEnvironment = KnownHTTPMethods(environment: ProcessInfo.processInfo.environment)

    /// The conventions' `OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS`: a comma-separated, case-sensitive list that
    /// replaces the default methods. An empty or unset variable keeps the defaults; a list with an entry that is not
    /// an HTTP token logs one warning naming the variable and the value, and the defaults apply.
    init(environment: [String: String], logger: Logger = TelemetryDiagnostics.logger) {
        let environment = Environment(environment, isStrict: false, logger: logger)
        // Not `list`, which lowercases: methods are case-sensitive.
        let listed = (environment.string(Self.variable) ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !listed.isEmpty else {
            self.init(methods: Self.defaultMethods, isDefault: true)
            return
        }
        guard listed.allSatisfy({ $0.utf8.allSatisfy(Self.isTokenCharacter) }) else {
            // Not strict, so this only logs.
            try? environment.reject(
                Self.variable, value: environment.string(Self.variable),
                reason: "not a comma-separated list of HTTP methods; the default methods apply")
            self.init(methods: Self.defaultMethods, isDefault: true)
            return
        }
        self.init(methods: Set(listed), isDefault: Set(listed) == Self.defaultMethods)
    }

    static let variable = "OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS"

    init(methods: Set<String>, isDefault: Bool) {
        self.methods = methods
        self.isDefault = isDefault
    }

    /// RFC 9110's `tchar`.
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
