import Foundation
import Telemetry

/// A resolved OTLP destination.
///
/// It never holds the URL's user-info: RFC 9110 (section 4.2.4) forbids sending it in a request, and it is a
/// credential, so it must not reach a log line or an error either.
struct OTLPEndpoint: Sendable, Hashable {
    var host: String
    var port: Int
    var path: String
    var usesTLS: Bool
    /// The query string without its `?`, kept as given: a signal-specific endpoint is used as is.
    var query: String? = nil

    /// The URL HTTP exports go to, and the one diagnostics show.
    var url: String {
        let scheme = usesTLS ? "https" : "http"
        let bracketedHost = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(bracketedHost):\(port)\(path)\(query.map { "?\($0)" } ?? "")"
    }

    /// Parses `value`; `variable` names where it came from for the error. An endpoint without a scheme (only gRPC
    /// allows that) uses TLS unless `insecure` is set.
    ///
    /// - Returns: The endpoint, and whether the URL had user-info, which is dropped.
    /// - Throws: ``TelemetryConfigurationError`` showing the value without its user-info.
    static func parse(
        _ value: String,
        variable: String?,
        protocol: OTLPProtocol,
        insecure: Bool,
        appendingSignalPath signalPath: String?
    ) throws -> (endpoint: OTLPEndpoint, droppedUserInfo: Bool) {
        func invalid(_ reason: String) -> TelemetryConfigurationError {
            TelemetryConfigurationError(variable: variable, value: redactingUserInfo(value), reason: reason)
        }
        var text = value
        let hasScheme = text.contains("://")
        if !hasScheme {
            guard `protocol` == .grpc else { throw invalid("an HTTP endpoint needs an http:// or https:// URL") }
            text = (insecure ? "http://" : "https://") + text
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else { throw invalid("expected a URL such as http://localhost:4318") }
        guard scheme == "http" || scheme == "https" else { throw invalid("the scheme must be http or https") }
        let usesTLS = scheme == "https"
        var path = components.percentEncodedPath
        if let signalPath {
            while path.hasSuffix("/") { path.removeLast() }
            path += signalPath
        } else if path.isEmpty, `protocol` != .grpc {
            path = "/"
        }
        let port = components.port ?? (`protocol` == .grpc ? 4317 : (usesTLS ? 443 : 80))
        guard (1...65535).contains(port) else { throw invalid("the port must be from 1 to 65535") }
        let endpoint = OTLPEndpoint(host: host, port: port, path: path, usesTLS: usesTLS, query: components.percentEncodedQuery)
        return (endpoint, components.percentEncodedUser != nil || components.percentEncodedPassword != nil)
    }

    /// `text` with everything before the last `@` of what could be its authority replaced, so that an error about a
    /// malformed endpoint never shows a password. It errs on the side of hiding: it runs to the query, not to the
    /// first `/`, because a `/` inside a password ends the authority only for a parser, not for the person who typed it.
    static func redactingUserInfo(_ text: String) -> String {
        let authorityStart = text.range(of: "://")?.upperBound ?? text.startIndex
        let authorityEnd = text[authorityStart...].firstIndex { $0 == "?" || $0 == "#" } ?? text.endIndex
        guard let at = text[authorityStart..<authorityEnd].lastIndex(of: "@") else { return text }
        return String(text[..<authorityStart]) + "REDACTED" + String(text[at...])
    }
}
