import GRPCCore
import GRPCNIOTransportHTTP2
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// An OTLP trace and logs endpoint on 127.0.0.1 that counts the spans or log records it receives and discards them,
/// over gRPC (`TraceService/Export` and `LogsService/Export`) or HTTP (any path, `/v1/traces` and `/v1/logs` alike).
///
/// It only walks the request's framing to count items, so it costs far less per item than either SDK.
public final class Sink: Sendable {
    public enum Transport: String, CaseIterable, Sendable {
        case grpc
        case http
    }

    private let received = Atomic<Int>(0)
    private let requests = Atomic<Int>(0)
    public init() {}

    /// Spans or log records received so far.
    public var items: Int { received.load(ordering: .relaxed) }
    /// Export requests received so far.
    public var requestCount: Int { requests.load(ordering: .relaxed) }

    /// Forgets what arrived so far.
    public func reset() {
        received.store(0, ordering: .relaxed)
        requests.store(0, ordering: .relaxed)
    }

    func record(_ bytes: UnsafeRawBufferPointer) {
        received.add(Self.countItems(bytes), ordering: .relaxed)
        requests.add(1, ordering: .relaxed)
    }

    /// Counts `ExportTraceServiceRequest.resource_spans[].scope_spans[].spans[]`, or
    /// `ExportLogsServiceRequest.resource_logs[].scope_logs[].log_records[]`: both are fields 1, 2 and 2.
    static func countItems(_ bytes: UnsafeRawBufferPointer) -> Int {
        var count = 0
        forEachMessage(bytes, field: 1) { resource in
            forEachMessage(resource, field: 2) { scope in
                forEachMessage(scope, field: 2) { _ in count += 1 }
            }
        }
        return count
    }

    private static func forEachMessage(
        _ bytes: UnsafeRawBufferPointer,
        field wanted: UInt64,
        _ body: (UnsafeRawBufferPointer) -> Void
    ) {
        var index = 0
        func varint() -> UInt64? {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while index < bytes.count, shift < 64 {
                let byte = bytes[index]
                index += 1
                result |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return result }
                shift += 7
            }
            return nil
        }
        while index < bytes.count {
            guard let key = varint() else { return }
            switch key & 7 {
            case 0: guard varint() != nil else { return }
            case 1: index += 8
            case 5: index += 4
            case 2:
                guard let length = varint(), index + Int(length) <= bytes.count else { return }
                if key >> 3 == wanted { body(UnsafeRawBufferPointer(rebasing: bytes[index..<(index + Int(length))])) }
                index += Int(length)
            default: return
            }
        }
    }

    /// Starts the endpoint and returns its port; it serves until the process exits.
    public func start(_ transport: Transport, port: Int = 0) async throws -> Int {
        switch transport {
        case .grpc: return try await startGRPC(port: port)
        case .http: return try await startHTTP(port: port)
        }
    }

    private func startGRPC(port: Int) async throws -> Int {
        // A collector's gRPC server grows its flow-control window to the connection's bandwidth; the default 64 KiB
        // window would make every 100 KiB request wait for a window update.
        var config = HTTP2ServerTransport.Posix.Config.defaults
        config.http2.targetWindowSize = 8 << 20
        config.http2.maxFrameSize = 1 << 20
        let transport = HTTP2ServerTransport.Posix(
            address: .ipv4(host: "127.0.0.1", port: port),
            transportSecurity: .plaintext,
            config: config
        )
        let server = GRPCServer(
            transport: transport,
            services: [
                ExportService(sink: self, service: "opentelemetry.proto.collector.trace.v1.TraceService"),
                ExportService(sink: self, service: "opentelemetry.proto.collector.logs.v1.LogsService"),
            ]
        )
        Task.detached { try? await server.serve() }
        guard let port = try await transport.listeningAddress.ipv4?.port else { throw SinkError.notListening }
        return port
    }

    /// Starts the HTTP endpoint without suspending, for callers that cannot await, and returns its port.
    public func startHTTPBlocking() throws -> Int {
        guard let port = try bindHTTP().wait().localAddress?.port else { throw SinkError.notListening }
        return port
    }

    private func startHTTP(port: Int) async throws -> Int {
        let channel = try await bindHTTP(port: port).get()
        guard let port = channel.localAddress?.port else { throw SinkError.notListening }
        return port
    }

    private func bindHTTP(port: Int = 0) -> EventLoopFuture<any Channel> {
        ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(HTTPSinkHandler(sink: self))
                }
            }
            .bind(host: "127.0.0.1", port: port)
    }
}

public enum SinkError: Error {
    case notListening
}

/// `<service>/Export` of OTLP traces or logs, with the request left as bytes.
private struct ExportService: RegistrableRPCService {
    let sink: Sink
    let service: String

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        let sink = self.sink
        router.registerHandler(
            forMethod: MethodDescriptor(fullyQualifiedService: service, method: "Export"),
            deserializer: BytesDeserializer(),
            serializer: BytesSerializer()
        ) { request, _ in
            for try await message in request.messages {
                message.withUnsafeBytes { sink.record($0) }
            }
            return StreamingServerResponse(single: ServerResponse(message: []))
        }
    }
}

private struct BytesSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes { Bytes(message) }
}

private struct BytesDeserializer: MessageDeserializer {
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> [UInt8] {
        serializedMessageBytes.withUnsafeBytes { Array($0) }
    }
}

/// Collects each request body, counts its spans or log records, and answers 200 with an empty export response.
private final class HTTPSinkHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let sink: Sink
    private var body: ByteBuffer?

    init(sink: Sink) {
        self.sink = sink
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            body = context.channel.allocator.buffer(capacity: 0)
        case .body(var part):
            body?.writeBuffer(&part)
        case .end:
            body?.withUnsafeReadableBytes { sink.record($0) }
            body = nil
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/x-protobuf")
            headers.add(name: "Content-Length", value: "0")
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
