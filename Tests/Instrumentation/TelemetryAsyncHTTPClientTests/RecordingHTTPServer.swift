import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// An HTTP/1.1 server on 127.0.0.1 with an ephemeral port that records each request's head before answering it, so
/// that by the time a client has its response, the server's record of the request is complete.
///
/// `/status/{code}` answers with that status; every other path with 200.
final class RecordingHTTPServer: Sendable {
    struct Request: Sendable {
        var method: HTTPMethod
        var uri: String
        var headers: HTTPHeaders
    }

    private let channel: any Channel
    private let received: RequestStore

    var port: Int { channel.localAddress?.port ?? 0 }
    var requests: [Request] { received.requests }

    static func start() async throws -> RecordingHTTPServer {
        let received = RequestStore()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMapThrowing {
                    try channel.pipeline.syncOperations.addHandler(RecordingHandler(store: received))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return RecordingHTTPServer(channel: channel, received: received)
    }

    private init(channel: any Channel, received: RequestStore) {
        self.channel = channel
        self.received = received
    }

    func stop() async throws {
        try await channel.close()
    }
}

private final class RequestStore: Sendable {
    private let storage = Mutex<[RecordingHTTPServer.Request]>([])
    var requests: [RecordingHTTPServer.Request] { storage.withLock { $0 } }
    func append(_ request: RecordingHTTPServer.Request) { storage.withLock { $0.append(request) } }
}

private final class RecordingHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let store: RequestStore
    private var head: HTTPRequestHead?

    init(store: RequestStore) {
        self.store = store
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            store.append(.init(method: head.method, uri: head.uri, headers: head.headers))
        case .body:
            break
        case .end:
            let uri = head?.uri ?? "/"
            var status = HTTPResponseStatus.ok
            if uri.hasPrefix("/status/"), let code = Int(uri.dropFirst("/status/".count).prefix(3)) {
                status = HTTPResponseStatus(statusCode: code)
            }
            var headers = HTTPHeaders()
            headers.add(name: "content-length", value: "2")
            let responseHead = HTTPResponseHead(version: .http1_1, status: status, headers: headers)
            context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "ok")))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            head = nil
        }
    }
}
