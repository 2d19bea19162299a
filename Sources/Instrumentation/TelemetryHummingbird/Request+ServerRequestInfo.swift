import Hummingbird
import TelemetryHTTP

extension HTTPServerRequestInfo {
    /// What the conventions record of a Hummingbird request, before routing.
    init<Context: RequestContext>(_ request: Request, context: Context, protocolVersion: String?) {
        self.init(
            method: request.method.rawValue,
            path: request.uri.path,
            query: request.uri.query.flatMap { $0.isEmpty ? nil : $0 },
            // Hummingbird's HTTP/1 and HTTP/2 channels set the scheme from whether the connection is TLS.
            scheme: request.head.scheme ?? "http",
            userAgent: request.headers[.userAgent],
            protocolVersion: protocolVersion,
            // The declared size: counting a streamed body would mean wrapping the stream the handler reads.
            requestBodySize: request.headers[.contentLength].flatMap { Int($0) }.flatMap { $0 >= 0 ? $0 : nil }
        )
        setAuthority(request.head.authority)
        if let remote = (context as? any RemoteAddressRequestContext)?.remoteAddress {
            clientAddress = remote.ipAddress ?? remote.pathname
            clientPort = remote.port
        }
    }
}
