import GRPCCore
import Logging
import NIOCore
import NIOPosix
import Testing

@testable import TelemetryViewer

/// Writes `request` on a plain TCP connection and collects what the server answers until `isComplete` says it has
/// enough, with no timeout of its own: the server must answer.
func receiverRawExchange(port: Int, request: [UInt8], until isComplete: ([UInt8]) -> Bool) async throws -> [UInt8] {
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
    return try await channel.executeThenClose { inbound, outbound in
        try await outbound.write(ByteBuffer(bytes: request))
        var received: [UInt8] = []
        for try await chunk in inbound {
            received += Array(buffer: chunk)
            if isComplete(received) { break }
        }
        return received
    }
}

/// The response head an HTTP/1.1 server answers `request` with.
func receiverRawHTTPHead(port: Int, request: [UInt8]) async throws -> String {
    let received = try await receiverRawExchange(port: port, request: request) { received in
        String(decoding: received, as: UTF8.self).contains("\r\n\r\n")
    }
    return String(decoding: received, as: UTF8.self)
}

/// The settings an HTTP/2 server announces in its first frame (RFC 9113 section 6.5), by identifier.
func receiverHTTP2Settings(port: Int) async throws -> [UInt16: UInt32] {
    // The client preface, then an empty SETTINGS frame: length 0, type 4, no flags, stream 0.
    let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + [0, 0, 0, 4, 0, 0, 0, 0, 0]
    let received = try await receiverRawExchange(port: port, request: preface) { received in
        guard received.count >= 9 else { return false }
        let length = Int(received[0]) << 16 | Int(received[1]) << 8 | Int(received[2])
        return received.count >= 9 + length
    }
    guard received.count >= 9, received[3] == 4 else { throw ReceiverTestError.failed("no SETTINGS frame first") }
    let length = Int(received[0]) << 16 | Int(received[1]) << 8 | Int(received[2])
    var settings: [UInt16: UInt32] = [:]
    for offset in stride(from: 9, to: 9 + length - 5, by: 6) {
        let identifier = UInt16(received[offset]) << 8 | UInt16(received[offset + 1])
        let value = received[(offset + 2)..<(offset + 6)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        settings[identifier] = value
    }
    return settings
}

/// An HTTP/2 frame: 24-bit length, type, flags, 31-bit stream id, payload (RFC 9113 section 4.1).
func receiverHTTP2Frame(type: UInt8, flags: UInt8 = 0, stream: UInt32 = 0, _ payload: [UInt8] = []) -> [UInt8] {
    let length = UInt32(payload.count)
    return [UInt8(truncatingIfNeeded: length >> 16), UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)]
        + [type, flags]
        + [UInt8(truncatingIfNeeded: stream >> 24), UInt8(truncatingIfNeeded: stream >> 16)]
        + [UInt8(truncatingIfNeeded: stream >> 8), UInt8(truncatingIfNeeded: stream)] + payload
}

/// The (type, stream) of each complete frame in `bytes`, which start after the server's connection preface.
func receiverHTTP2Frames(_ bytes: [UInt8]) -> [(type: UInt8, stream: UInt32)] {
    var frames: [(type: UInt8, stream: UInt32)] = []
    var offset = 0
    while bytes.count - offset >= 9 {
        let length = Int(bytes[offset]) << 16 | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2])
        guard bytes.count - offset >= 9 + length else { break }
        let stream = bytes[(offset + 5)..<(offset + 9)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) } & 0x7FFF_FFFF
        frames.append((bytes[offset + 3], stream))
        offset += 9 + length
    }
    return frames
}

@Suite("The receivers bound what one request may hold and how long it may take")
struct ReceiverLimitsTests {
    @Test("The defaults are the Collector's: 4 MiB gRPC messages, 20 MiB HTTP bodies")
    func defaults() {
        #expect(OTLPGRPCReceiver.Configuration().maxReceiveMessageBytes == 4 * 1024 * 1024)
        #expect(OTLPHTTPReceiver.Configuration().maxBodyBytes == 20 * 1024 * 1024)
        #expect(OTLPGRPCReceiver.Configuration().maxItemsPerRequest == OTLPRequestDecoder.defaultMaxItems)
        #expect(OTLPHTTPReceiver.Configuration().maxItemsPerRequest == OTLPRequestDecoder.defaultMaxItems)
    }

    @Test("gRPC: a call past the concurrency limit is refused before its message is read, even an oversized one")
    func grpcAdmissionBeforeReading() async throws {
        let sink = ReceiverGatedSink()
        let configuration = OTLPGRPCReceiver.Configuration(port: 0, maxReceiveMessageBytes: 1024, maxConcurrentExports: 1)
        let receiver = OTLPGRPCReceiver(configuration: configuration, sink: sink, logger: .init(label: "receiver-test"))
        let group = ServiceGroupHandle(receiver)
        let port = try await receiver.port
        async let first = receiverGRPCExport(port: port, body: ReceiverGRPCTests.validTraces(["first"]))
        await sink.waitForArrival()
        // Over the size limit but within what the transport lets through: had it been read, it would be
        // RESOURCE_EXHAUSTED; refused unread, it is UNAVAILABLE.
        let oversized = ReceiverGRPCTests.validTraces((0..<40).map { "span-\($0)" })
        #expect(oversized.count > 1024 && oversized.count < 2048)
        let second = try await receiverGRPCExport(port: port, body: oversized)
        sink.release()
        guard case .success = try await first else { Issue.record("the first call failed"); return }
        guard case .failure(let error) = second else { Issue.record("the second call was accepted"); return }
        #expect(error.code == .unavailable, "\(error)")
        #expect(receiver.statistics == OTLPReceiverStatistics(acceptedRequests: 1, refusedBusy: 1))
        await group.shutdown()
        try await group.wait()
    }

    @Test("gRPC: each connection may open only as many streams at once as there are export slots")
    func grpcStreamLimit() async throws {
        let configuration = OTLPGRPCReceiver.Configuration(port: 0, maxConcurrentExports: 3)
        let settings = try await withGRPCReceiver(sink: ReceiverCollectingSink(), configuration: configuration) { port in
            try await receiverHTTP2Settings(port: port)
        }
        // SETTINGS_MAX_CONCURRENT_STREAMS is identifier 3.
        #expect(settings[3] == 3, "\(settings)")
    }

    @Test("gRPC: a message holding more items than allowed is INVALID_ARGUMENT; localhost is accepted as the host")
    func grpcItemBudget() async throws {
        let sink = ReceiverCollectingSink()
        let configuration = OTLPGRPCReceiver.Configuration(host: "localhost", port: 0, maxItemsPerRequest: 40)
        let (tooMany, fits) = try await withGRPCReceiver(sink: sink, configuration: configuration) { port in
            (
                try await receiverGRPCExport(port: port, body: ReceiverGRPCTests.validTraces((0..<20).map { "s\($0)" })),
                try await receiverGRPCExport(port: port, body: ReceiverGRPCTests.validTraces(["one"]))
            )
        }
        guard case .failure(let error) = tooMany else { Issue.record("too many items were accepted"); return }
        #expect(error.code == .invalidArgument)
        #expect(error.message.contains("too many items"))
        guard case .success = fits else { Issue.record("a small message failed: \(fits)"); return }
        #expect(sink.spans.map(\.name) == ["one"])
    }

    @Test("HTTP: a body holding more items than allowed is 400")
    func httpItemBudget() async throws {
        let sink = ReceiverCollectingSink()
        let configuration = OTLPHTTPReceiver.Configuration(port: 0, maxItemsPerRequest: 40)
        let exchange = try await withHTTPReceiver(sink: sink, configuration: configuration) { port in
            try await receiverHTTP(
                port: port,
                headers: ReceiverHTTPTests.protobuf,
                body: ReceiverHTTPTests.validTraces((0..<20).map { "s\($0)" })
            )
        }
        #expect(exchange.status == 400)
        #expect(try ReceiverProtobufFields.status(exchange.body).message.contains("too many items"))
        #expect(sink.spans.isEmpty)
    }

    @Test("gRPC: a call that stalls half-way through its message ends once the read timeout passes, counted")
    func grpcStalledMessage() async throws {
        let configuration = OTLPGRPCReceiver.Configuration(port: 0, readTimeout: .milliseconds(200))
        let receiver = OTLPGRPCReceiver(
            configuration: configuration,
            sink: ReceiverCollectingSink(),
            logger: Logger(label: "receiver-test")
        )
        let frames = try await withRunningReceiver(receiver, port: { try await $0.port }) { port in
            // HPACK literal header fields without indexing or Huffman coding (RFC 7541 section 6.2.2).
            func header(_ name: String, _ value: String) -> [UInt8] {
                [0x00, UInt8(name.utf8.count)] + Array(name.utf8) + [UInt8(value.utf8.count)] + Array(value.utf8)
            }
            let headers =
                header(":method", "POST") + header(":scheme", "http")
                + header(":path", "/opentelemetry.proto.collector.trace.v1.TraceService/Export")
                + header(":authority", "127.0.0.1") + header("content-type", "application/grpc")
                + header("te", "trailers")
            // A gRPC message announcing 100 bytes, of which only 10 are sent; the stream is then left open.
            let partialMessage: [UInt8] = [0, 0, 0, 0, 100] + Array(repeating: 0x0A, count: 10)
            let request =
                Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + receiverHTTP2Frame(type: 4)
                + receiverHTTP2Frame(type: 1, flags: 0x4, stream: 1, headers)
                + receiverHTTP2Frame(type: 0, stream: 1, partialMessage)
            let received = try await receiverRawExchange(port: port, request: request) { received in
                // Done once the server answers on stream 1: response headers, a reset, or the connection's end.
                receiverHTTP2Frames(received).contains { ($0.type == 1 || $0.type == 3) && $0.stream == 1 || $0.type == 7 }
            }
            return receiverHTTP2Frames(received)
        }
        #expect(frames.contains { $0.type == 1 && $0.stream == 1 }, "\(frames)")
        #expect(receiver.statistics.timedOutRequests == 1)
        #expect(receiver.statistics.acceptedRequests == 0)
    }

    @Test("HTTP: a sender that stalls half-way through its body gets 408, counted, and its slot is freed")
    func httpStalledBody() async throws {
        let sink = ReceiverCollectingSink()
        let configuration = OTLPHTTPReceiver.Configuration(
            port: 0,
            maxConcurrentExports: 1,
            readTimeout: .milliseconds(200)
        )
        let receiver = OTLPHTTPReceiver(configuration: configuration, sink: sink, logger: Logger(label: "receiver-test"))
        let (head, after) = try await withRunningReceiver(receiver, port: { try await $0.port }) { port in
            let body = ReceiverHTTPTests.validTraces(["never"])
            let request =
                "POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\n"
                + "Content-Length: \(body.count)\r\n\r\n"
            // Only half the body is sent, and the connection is then left open and silent.
            let head = try await receiverRawHTTPHead(port: port, request: Array(request.utf8) + body.prefix(body.count / 2))
            let after = try await receiverHTTP(
                port: port,
                headers: ReceiverHTTPTests.protobuf,
                body: ReceiverHTTPTests.validTraces(["after"])
            )
            return (head, after)
        }
        #expect(head.hasPrefix("HTTP/1.1 408"), "\(head)")
        #expect(after.status == 200)
        #expect(sink.spans.map(\.name) == ["after"])
        #expect(receiver.statistics.timedOutRequests == 1)
        #expect(receiver.statistics.refusedBusy == 0)
    }
}
