import Foundation
import Telemetry

/// A resolved OTLP destination.
struct OTLPEndpoint: Sendable, Hashable {
    var host: String
    var port: Int
    var path: String
    var usesTLS: Bool

    /// The URL HTTP exports go to.
    var url: String {
        let scheme = usesTLS ? "https" : "http"
        let bracketedHost = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(bracketedHost):\(port)\(path)"
    }

    /// Parses `value`; `variable` names where it came from for the error. An endpoint without a scheme (only gRPC
    /// allows that) uses TLS unless `insecure` is set.
    static func parse(
        _ value: String,
        variable: String?,
        protocol: OTLPProtocol,
        insecure: Bool,
        appendingSignalPath signalPath: String?
    ) throws -> OTLPEndpoint {
        func invalid(_ reason: String) -> TelemetryConfigurationError {
            TelemetryConfigurationError(variable: variable, value: value, reason: reason)
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
        return OTLPEndpoint(host: host, port: port, path: path, usesTLS: usesTLS)
    }
}
