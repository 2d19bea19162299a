import CompressNIO
import Foundation
import NIOCore
import Testing

@testable import TelemetryViewer

@Suite("OTLP/HTTP receiver: status codes, bodies and limits as the OTLP specification describes")
struct ReceiverHTTPTests {
    static let protobuf = [("Content-Type", "application/x-protobuf")]
    static let json = [("Content-Type", "application/json")]

    static func validTraces(_ names: [String] = ["only"]) -> [UInt8] {
        ReceiverRequests.traces(service: "checkout", spans: names.map { ($0, ReceiverRequests.validTraceID) })
    }

    @Test("A protobuf export reaches the sink and is answered 200 with an empty protobuf response")
    func protobufExport() async throws {
        let sink = ReceiverCollectingSink()
        let exchange = try await withHTTPReceiver(sink: sink) { port in
            try await receiverHTTP(port: port, headers: Self.protobuf, body: Self.validTraces(["a", "b"]))
        }
        #expect(exchange.status == 200)
        #expect(exchange.header("Content-Type") == "application/x-protobuf")
        #expect(try ReceiverProtobufFields.partialSuccess(exchange.body) == nil)
        #expect(sink.spans.map(\.name) == ["a", "b"])
        #expect(sink.spans.first?.resource.serviceName == "checkout")
    }

    @Test("A gzip-compressed export is inflated before decoding")
    func gzipExport() async throws {
        let sink = ReceiverCollectingSink()
        var plain = ByteBuffer(bytes: Self.validTraces(["zipped"]))
        let compressed = Array(buffer: try plain.compress(with: .gzip()))
        let exchange = try await withHTTPReceiver(sink: sink) { port in
            try await receiverHTTP(port: port, headers: Self.protobuf + [("Content-Encoding", "gzip")], body: compressed)
        }
        #expect(exchange.status == 200)
        #expect(sink.spans.map(\.name) == ["zipped"])
    }

    @Test("An OTLP/JSON export is accepted and answered in JSON; a charset parameter is allowed")
    func jsonExport() async throws {
        let sink = ReceiverCollectingSink()
        let body = """
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"json-svc"}}]},
             "scopeSpans":[{"scope":{"name":"hand"},"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10",
             "spanId":"0102030405060708","name":"from-json","kind":2,"startTimeUnixNano":"1700000000000000000",
             "endTimeUnixNano":"1700000001000000000","attributes":[{"key":"http.status_code","value":{"intValue":"500"}}]}]}]}]}
            """
        let exchange = try await withHTTPReceiver(sink: sink) { port in
            try await receiverHTTP(port: port, headers: [("Content-Type", "application/json; charset=utf-8")], body: Array(body.utf8))
        }
        #expect(exchange.status == 200)
        #expect(exchange.header("Content-Type") == "application/json")
        #expect(String(decoding: exchange.body, as: UTF8.self) == "{}")
        let span = try #require(sink.spans.first)
        #expect(span.name == "from-json")
        #expect(span.resource.serviceName == "json-svc")
        #expect(span.kind == .server)
        #expect(span.durationNanoseconds == 1_000_000_000)
    }

    @Test("A partly unusable protobuf export is accepted with a partial success naming the rejected count")
    func partialSuccessProtobuf() async throws {
        let sink = ReceiverCollectingSink()
        let body = ReceiverRequests.traces(
            service: "checkout",
            spans: [("good", ReceiverRequests.validTraceID), ("bad", [1, 2, 3])]
        )
        let exchange = try await withHTTPReceiver(sink: sink) { port in
            try await receiverHTTP(port: port, headers: Self.protobuf, body: body)
        }
        #expect(exchange.status == 200)
        let partial = try #require(try ReceiverProtobufFields.partialSuccess(exchange.body))
        #expect(partial.rejected == 1)
        #expect(!partial.message.isEmpty)
        #expect(sink.spans.map(\.name) == ["good"])
    }

    @Test("A partly unusable JSON export gets its partial success in JSON")
    func partialSuccessJSON() async throws {
        let sink = ReceiverCollectingSink()
        let body = """
            {"resourceSpans":[{"scopeSpans":[{"spans":[
             {"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","name":"good"},
             {"traceId":"0102","spanId":"0102030405060708","name":"bad"}]}]}]}
            """
        let exchange = try await withHTTPReceiver(sink: sink) { port in
            try await receiverHTTP(port: port, headers: Self.json, body: Array(body.utf8))
        }
        #expect(exchange.status == 200)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(exchange.body)) as? [String: Any])
        let partial = try #require(object["partialSuccess"] as? [String: Any])
        #expect(partial["rejectedSpans"] as? String == "1")
        #expect((partial["errorMessage"] as? String)?.isEmpty == false)
        #expect(sink.spans.map(\.name) == ["good"])
    }

    @Test("A truncated protobuf body is a 400 whose google.rpc.Status names the reason; the whole body is accepted")
    func truncatedProtobuf() async throws {
        let sink = ReceiverCollectingSink()
        let whole = Self.validTraces(["cut"])
        let (truncated, complete) = try await withHTTPReceiver(sink: sink) { port in
            (
                try await receiverHTTP(port: port, headers: Self.protobuf, body: Array(whole.dropLast(3))),
                try await receiverHTTP(port: port, headers: Self.protobuf, body: whole)
            )
        }
        #expect(truncated.status == 400)
        #expect(truncated.header("Content-Type") == "application/x-protobuf")
        let status = try ReceiverProtobufFields.status(truncated.body)
        #expect(status.code == 3)
        #expect(!status.message.isEmpty)
        #expect(complete.status == 200)
        #expect(sink.spans.map(\.name) == ["cut"])
    }

    @Test("Malformed JSON is a 400 with a JSON google.rpc.Status")
    func malformedJSON() async throws {
        let sink = ReceiverCollectingSink()
        let exchange = try await withHTTPReceiver(sink: sink) { port in
            try await receiverHTTP(port: port, path: "/v1/logs", headers: Self.json, body: Array("{\"resourceLogs\":[".utf8))
        }
        #expect(exchange.status == 400)
        #expect(exchange.header("Content-Type") == "application/json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(exchange.body)) as? [String: Any])
        #expect(object["code"] as? Int == 3)
        #expect((object["message"] as? String)?.isEmpty == false)
        #expect(sink.batches.isEmpty)
    }

    @Test("A wrong or missing Content-Type is 415", arguments: [[("Content-Type", "text/plain")], []])
    func wrongContentType(headers: [(String, String)]) async throws {
        let sink = ReceiverCollectingSink()
        let exchange = try await withHTTPReceiver(sink: sink) { port in
            try await receiverHTTP(port: port, headers: headers, body: Self.validTraces())
        }
        #expect(exchange.status == 415)
        #expect(try ReceiverProtobufFields.status(exchange.body).code == 3)
        #expect(sink.batches.isEmpty)
    }

    @Test("An unsupported Content-Encoding is 415 naming the accepted encodings")
    func unsupportedEncoding() async throws {
        let exchange = try await withHTTPReceiver(sink: ReceiverCollectingSink()) { port in
            try await receiverHTTP(port: port, headers: Self.protobuf + [("Content-Encoding", "br")], body: Self.validTraces())
        }
        #expect(exchange.status == 415)
        #expect(exchange.header("Accept-Encoding") == "gzip, identity")
    }

    @Test("A body that is not valid gzip is 400 with the reason", arguments: [false, true])
    func badGzip(truncate: Bool) async throws {
        let sink = ReceiverCollectingSink()
        var plain = ByteBuffer(bytes: Self.validTraces())
        let compressed = Array(buffer: try plain.compress(with: .gzip()))
        let body = truncate ? Array(compressed.dropLast(5)) : Array("definitely not gzip".utf8)
        let exchange = try await withHTTPReceiver(sink: sink) { port in
            try await receiverHTTP(port: port, headers: Self.protobuf + [("Content-Encoding", "gzip")], body: body)
        }
        #expect(exchange.status == 400)
        let status = try ReceiverProtobufFields.status(exchange.body)
        #expect(status.code == 3)
        #expect(status.message.contains("gzip"))
        #expect(sink.batches.isEmpty)
    }

    @Test("A body over the limit is 413, as sent and after inflating (a zip bomb)")
    func oversized() async throws {
        let sink = ReceiverCollectingSink()
        var zeros = ByteBuffer(bytes: [UInt8](repeating: 0, count: 4 << 20))
        let bomb = Array(buffer: try zeros.compress(with: .gzip()))
        let configuration = OTLPHTTPReceiver.Configuration(port: 0, maxBodyBytes: 1 << 20)
        let (plain, inflated, fits) = try await withHTTPReceiver(sink: sink, configuration: configuration) { port in
            (
                try await receiverHTTP(port: port, headers: Self.protobuf, body: [UInt8](repeating: 0x0A, count: (1 << 20) + 1)),
                try await receiverHTTP(port: port, headers: Self.protobuf + [("Content-Encoding", "gzip")], body: bomb),
                try await receiverHTTP(port: port, headers: Self.protobuf, body: Self.validTraces())
            )
        }
        #expect(bomb.count < 1 << 20)
        #expect(plain.status == 413)
        #expect(inflated.status == 413)
        #expect(try ReceiverProtobufFields.status(inflated.body).message.contains("\(1 << 20)"))
        #expect(fits.status == 200)
        #expect(sink.spans.count == 1)
    }

    @Test("GET on an export path is 405 allowing POST; an unknown path is 404")
    func methodAndPath() async throws {
        let (get, unknown) = try await withHTTPReceiver(sink: ReceiverCollectingSink()) { port in
            (
                try await receiverHTTP(port: port, path: "/v1/metrics", get: true),
                try await receiverHTTP(port: port, path: "/v1/spans", headers: Self.protobuf, body: Self.validTraces())
            )
        }
        #expect(get.status == 405)
        #expect(get.header("Allow") == "POST")
        #expect(unknown.status == 404)
    }

    @Test(
        "A sink that refuses the batch makes a retryable 503 with Retry-After",
        arguments: [IngestError.overloaded, .closed]
    )
    func refused(error: IngestError) async throws {
        let sink = ReceiverCollectingSink(.refuse(error))
        let configuration = OTLPHTTPReceiver.Configuration(port: 0, retryAfterSeconds: 7)
        let exchange = try await withHTTPReceiver(sink: sink, configuration: configuration) { port in
            try await receiverHTTP(port: port, headers: Self.protobuf, body: Self.validTraces())
        }
        #expect(exchange.status == 503)
        #expect(exchange.header("Retry-After") == "7")
        #expect(try ReceiverProtobufFields.status(exchange.body).code == 14)
    }

    @Test("Past the concurrency limit a request is refused at once with a retryable 503, and counted")
    func busy() async throws {
        let sink = ReceiverGatedSink()
        let configuration = OTLPHTTPReceiver.Configuration(port: 0, maxConcurrentExports: 1, retryAfterSeconds: 2)
        let receiver = OTLPHTTPReceiver(configuration: configuration, sink: sink, logger: .init(label: "receiver-test"))
        let group = ServiceGroupHandle(receiver)
        let port = try await receiver.port
        async let first = receiverHTTP(port: port, headers: Self.protobuf, body: Self.validTraces(["first"]))
        await sink.waitForArrival()
        let second = try await receiverHTTP(port: port, headers: Self.protobuf, body: Self.validTraces(["second"]))
        sink.release()
        #expect(try await first.status == 200)
        #expect(second.status == 503)
        #expect(second.header("Retry-After") == "2")
        #expect(try ReceiverProtobufFields.status(second.body).message.contains("too many"))
        #expect(receiver.statistics == OTLPReceiverStatistics(acceptedRequests: 1, refusedBusy: 1))
        await group.shutdown()
        try await group.wait()
        #expect(sink.batches.flatMap(\.spans).map(\.name) == ["first"])
    }

    @Test("The statistics count accepted requests, rejected items, invalid requests and sink refusals")
    func statistics() async throws {
        let sink = ReceiverCollectingSink()
        let receiver = OTLPHTTPReceiver(configuration: .init(port: 0), sink: sink, logger: .init(label: "receiver-test"))
        let partial = ReceiverRequests.traces(
            service: "s",
            spans: [("good", ReceiverRequests.validTraceID), ("bad", [1]), ("worse", [2])]
        )
        let statuses = try await withRunningReceiver(receiver, port: { try await $0.port }) { port in
            [
                try await receiverHTTP(port: port, headers: Self.protobuf, body: partial).status,
                try await receiverHTTP(port: port, headers: Self.protobuf, body: [0xFF]).status,
                try await receiverHTTP(port: port, headers: [("Content-Type", "text/xml")], body: [1]).status,
            ]
        }
        #expect(statuses == [200, 400, 415])
        #expect(receiver.statistics == OTLPReceiverStatistics(acceptedRequests: 1, rejectedItems: 2, invalidRequests: 2))
    }

    @Test("A streamed body without Content-Length is cut off at the limit with 413")
    func oversizedStream() async throws {
        let sink = ReceiverCollectingSink()
        let configuration = OTLPHTTPReceiver.Configuration(port: 0, maxBodyBytes: 64 * 1024)
        let exchange = try await withHTTPReceiver(sink: sink, configuration: configuration) { port in
            try await receiverHTTPStreaming(port: port, headers: Self.protobuf, chunks: 20, chunkSize: 16 * 1024)
        }
        #expect(exchange.status == 413)
        #expect(sink.batches.isEmpty)
    }

    @Test("Random bodies, encodings and truncated gzip never crash the receiver nor get anything but 200, 400 or 413")
    func randomInput() async throws {
        var random = ReceiverSplitMix64(seed: 0x5EED)
        let valid = Self.validTraces(["v"])
        var zipped = ByteBuffer(bytes: valid)
        let gzipped = Array(buffer: try zipped.compress(with: .gzip()))
        let configuration = OTLPHTTPReceiver.Configuration(port: 0, maxBodyBytes: 4096)
        let statuses = try await withHTTPReceiver(sink: ReceiverCollectingSink(), configuration: configuration) { port in
            var statuses: Set<Int> = []
            for round in 0..<300 {
                let useGzip = round % 3 == 0
                let json = round % 2 == 0
                let source = useGzip ? gzipped : valid
                var body: [UInt8]
                switch random.next() % 3 {
                case 0: body = (0..<Int(random.next() % 600)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                case 1: body = Array(source.prefix(Int(random.next() % UInt64(source.count + 1))))
                default:
                    body = source
                    for _ in 0..<4 where !body.isEmpty {
                        body[Int(random.next() % UInt64(body.count))] = UInt8(truncatingIfNeeded: random.next())
                    }
                }
                var headers = [("Content-Type", json ? "application/json" : "application/x-protobuf")]
                if useGzip { headers.append(("Content-Encoding", "gzip")) }
                statuses.insert(try await receiverHTTP(port: port, headers: headers, body: body).status)
            }
            return statuses
        }
        #expect(statuses.isSubset(of: [200, 400, 413]), "\(statuses)")
        #expect(statuses.contains(400))
    }

    @Test("Graceful shutdown lets a request in flight finish, and the port is then gone")
    func gracefulShutdown() async throws {
        let sink = ReceiverGatedSink()
        let receiver = OTLPHTTPReceiver(configuration: .init(port: 0), sink: sink, logger: .init(label: "receiver-test"))
        let group = ServiceGroupHandle(receiver)
        let port = try await receiver.port
        async let exchange = receiverHTTP(port: port, headers: Self.protobuf, body: Self.validTraces(["in-flight"]))
        await sink.waitForArrival()
        await group.shutdown()
        sink.release()
        #expect(try await exchange.status == 200)
        try await group.wait()
        #expect(sink.batches.flatMap(\.spans).map(\.name) == ["in-flight"])
        await #expect(throws: ReceiverNotListeningError.self) { try await receiver.port }
    }
}
