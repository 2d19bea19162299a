import TelemetryHTTP
import Vapor

extension HTTPServerRequestInfo {
    /// What the conventions record of a Vapor request.
    init(_ request: Request) {
        let path = request.url.path
        self.init(
            method: request.method.rawValue,
            // Vapor's in-memory tester builds URIs from paths without the leading `/`; the conventions' path has one.
            path: path.hasPrefix("/") ? path : "/" + path,
            query: request.url.query.flatMap { $0.isEmpty ? nil : $0 },
            // A request line rarely carries the scheme; the server's TLS configuration says what the connection is.
            scheme: request.url.scheme
                ?? (request.application.http.server.configuration.tlsConfiguration == nil ? "http" : "https"),
            route: request.route.map(Self.routeTemplate),
            userAgent: request.headers.first(name: .userAgent),
            protocolVersion: Self.protocolVersion(request.version),
            // The declared size: counting a streamed body would mean consuming the stream the handler reads.
            requestBodySize: request.headers.first(name: .contentLength).flatMap { Int($0) }.flatMap { $0 >= 0 ? $0 : nil }
        )
        setAuthority(request.headers.first(name: .host))
        // The connection's peer, not `X-Forwarded-For`, which any client can set.
        if let remote = request.remoteAddress {
            clientAddress = remote.ipAddress ?? remote.pathname
            clientPort = remote.port
        }
    }

    /// The route's template as Vapor writes it, for example `/orders/:id`: its path components joined by `/`.
    static func routeTemplate(_ route: Route) -> String {
        // The router skips empty constant components when matching, so the template does too.
        let components = route.path.map(\.description).filter { !$0.isEmpty }
        return "/" + components.joined(separator: "/")
    }

    /// `network.protocol.version` as the conventions write it: `1.0`, `1.1`, `2`, `3`.
    static func protocolVersion(_ version: HTTPVersion) -> String {
        version.major >= 2 && version.minor == 0 ? String(version.major) : "\(version.major).\(version.minor)"
    }
}
