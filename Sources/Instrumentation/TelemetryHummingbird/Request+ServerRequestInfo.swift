import Hummingbird
import NIOCore
import TelemetryHTTP

extension HTTPServerRequestInfo {
    /// What the conventions record of a Hummingbird request, before routing.
    init(_ request: Request, remoteAddress: SocketAddress?, protocolVersion: String?, scheme: String?) {
        self.init(
            method: request.method.rawValue,
            path: request.uri.path,
            query: request.uri.query.flatMap { $0.isEmpty ? nil : $0 },
            // Hummingbird's HTTP/1 channel says `http` whether or not the connection is TLS; its HTTP/2 channel
            // passes the request's `:scheme`. The middleware's setting, when given, wins.
            scheme: scheme ?? request.head.scheme ?? "http",
            userAgent: request.headers[.userAgent],
            protocolVersion: protocolVersion,
            // The declared size: counting a streamed body would mean wrapping the stream the handler reads.
            requestBodySize: request.headers[.contentLength].flatMap { Int($0) }.flatMap { $0 >= 0 ? $0 : nil }
        )
        setAuthority(request.head.authority)
        if let remoteAddress {
            clientAddress = remoteAddress.ipAddress ?? remoteAddress.pathname
            clientPort = remoteAddress.port
        }
    }
}

/// Reads the peer's address from a request context whose type conforms to `RemoteAddressRequestContext`.
///
/// Whether `Context` conforms is settled once, when the middleware is made: asking each request's context whether
/// it conforms to the protocol is a dynamic cast that searches the conformances, where a cast to the one concrete
/// type found here only compares types.
struct RemoteAddressReader<Context: RequestContext>: Sendable {
    private let reader: (@Sendable (Context) -> SocketAddress?)?

    init() {
        if let conforming = Context.self as? any RemoteAddressRequestContext.Type {
            reader = Self.reader(for: conforming)
        } else {
            reader = nil
        }
    }

    private static func reader<C: RemoteAddressRequestContext>(for _: C.Type) -> @Sendable (Context) -> SocketAddress? {
        { context in (context as? C)?.remoteAddress }
    }

    func read(_ context: Context) -> SocketAddress? {
        reader?(context)
    }
}
