import GRPCCore
import GRPCNIOTransportHTTP2
import Testing

@testable import TelemetryViewer

/// The outcome of one raw-bytes gRPC call.
enum ReceiverGRPCOutcome: Sendable {
    case success([UInt8])
    case failure(RPCError)
}

/// Calls `service`'s `Export` on the receiver with `body`, as an OTLP exporter would, without generated code.
func receiverGRPCExport(
    port: Int,
    service: String = "opentelemetry.proto.collector.trace.v1.TraceService",
    body: [UInt8],
    gzip: Bool = false
) async throws -> ReceiverGRPCOutcome {
    let transport = try HTTP2ClientTransport.Posix(
        target: .ipv4(address: "127.0.0.1", port: port),
        transportSecurity: .plaintext,
        config: .defaults { config in
            if gzip { config.compression = .init(algorithm: .gzip, enabledAlgorithms: [.gzip]) }
        }
    )
    return try await withGRPCClient(transport: transport) { client in
        var options = CallOptions.defaults
        options.timeout = .seconds(30)
        options.compression = gzip ? .gzip : nil
        do {
            let response = try await client.unary(
                request: ClientRequest(message: body),
                descriptor: MethodDescriptor(fullyQualifiedService: service, method: "Export"),
                serializer: ReceiverBytesSerializer(),
                deserializer: ReceiverBytesDeserializer(),
                options: options
            ) { response in try response.message }
            return .success(response)
        } catch let error as RPCError {
            return .failure(error)
        }
    }
}

struct ReceiverBytesSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes { Bytes(message) }
}

struct ReceiverBytesDeserializer: MessageDeserializer {
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> [UInt8] {
        serializedMessageBytes.withUnsafeBytes { Array($0) }
    }
}

@Suite("OTLP/gRPC receiver: status codes and responses as the OTLP specification describes")
struct ReceiverGRPCTests {
    static func validTraces(_ names: [String]) -> [UInt8] {
        ReceiverRequests.traces(service: "grpc-svc", spans: names.map { ($0, ReceiverRequests.validTraceID) })
    }

    @Test("An export, plain or gzip, reaches the sink and gets an empty response", arguments: [false, true])
    func export(gzip: Bool) async throws {
        let sink = ReceiverCollectingSink()
        let outcome = try await withGRPCReceiver(sink: sink) { port in
            try await receiverGRPCExport(port: port, body: Self.validTraces(["g1", "g2"]), gzip: gzip)
        }
        guard case .success(let response) = outcome else { Issue.record("export failed: \(outcome)"); return }
        #expect(response == [])
        #expect(sink.spans.map(\.name) == ["g1", "g2"])
        #expect(sink.spans.first?.resource.serviceName == "grpc-svc")
    }

    @Test("A partly unusable export succeeds with the partial success in the response")
    func partialSuccess() async throws {
        let sink = ReceiverCollectingSink()
        let body = ReceiverRequests.traces(service: "grpc-svc", spans: [("good", ReceiverRequests.validTraceID), ("bad", [9])])
        let outcome = try await withGRPCReceiver(sink: sink) { port in
            try await receiverGRPCExport(port: port, body: body)
        }
        guard case .success(let response) = outcome else { Issue.record("export failed: \(outcome)"); return }
        let partial = try #require(try ReceiverProtobufFields.partialSuccess(response))
        #expect(partial.rejected == 1)
        #expect(!partial.message.isEmpty)
        #expect(sink.spans.map(\.name) == ["good"])
    }

    @Test("An undecodable message is INVALID_ARGUMENT with the reason; the whole message is accepted")
    func invalid() async throws {
        let sink = ReceiverCollectingSink()
        let whole = Self.validTraces(["whole"])
        let (truncated, complete) = try await withGRPCReceiver(sink: sink) { port in
            (
                try await receiverGRPCExport(port: port, body: Array(whole.dropLast(2))),
                try await receiverGRPCExport(port: port, body: whole)
            )
        }
        guard case .failure(let error) = truncated else { Issue.record("a truncated message was accepted"); return }
        #expect(error.code == .invalidArgument)
        #expect(!error.message.isEmpty)
        guard case .success = complete else { Issue.record("the whole message failed: \(complete)"); return }
        #expect(sink.spans.map(\.name) == ["whole"])
    }

    @Test(
        "A sink that refuses the batch makes UNAVAILABLE, retryable, with RetryInfo",
        arguments: [IngestError.overloaded, .closed]
    )
    func refused(error: IngestError) async throws {
        let sink = ReceiverCollectingSink(.refuse(error))
        let configuration = OTLPGRPCReceiver.Configuration(port: 0, retryAfterSeconds: 4)
        let outcome = try await withGRPCReceiver(sink: sink, configuration: configuration) { port in
            try await receiverGRPCExport(port: port, service: "opentelemetry.proto.collector.logs.v1.LogsService", body: [])
        }
        // An empty request has nothing to store; a refusing sink is only asked about a non-empty one.
        guard case .success = outcome else { Issue.record("an empty export failed: \(outcome)"); return }

        let body = Self.validTraces(["refused"])
        let refused = try await withGRPCReceiver(sink: sink, configuration: configuration) { port in
            try await receiverGRPCExport(port: port, body: body)
        }
        guard case .failure(let rpcError) = refused else { Issue.record("a refused batch succeeded"); return }
        #expect(rpcError.code == .unavailable)
        let details = try #require(rpcError.metadata[binaryValues: "grpc-status-details-bin"].first(where: { _ in true }))
        let status = try ReceiverProtobufFields.status(Array(details))
        #expect(status.code == 14)
        let any = try ReceiverProtobufFields.parse(Array(details)).first { $0.number == 3 }
        guard case .bytes(let anyBytes)? = any?.value else { Issue.record("no RetryInfo"); return }
        #expect(try ReceiverProtobufFields.parse(anyBytes).last?.value == .bytes([0x0A, 0x02, 0x08, 0x04]))
    }

    @Test("A message over the size limit is RESOURCE_EXHAUSTED (not retried by exporters), also when gzip hides its size")
    func oversized() async throws {
        let sink = ReceiverCollectingSink()
        let configuration = OTLPGRPCReceiver.Configuration(port: 0, maxReceiveMessageBytes: 1024)
        let body = Self.validTraces((0..<40).map { "span-\($0)" })
        let (plain, zipped, fits) = try await withGRPCReceiver(sink: sink, configuration: configuration) { port in
            (
                try await receiverGRPCExport(port: port, body: body),
                try await receiverGRPCExport(port: port, body: body, gzip: true),
                try await receiverGRPCExport(port: port, body: Self.validTraces(["small"]))
            )
        }
        #expect(body.count > 1024 && body.count < 2048)
        for outcome in [plain, zipped] {
            guard case .failure(let error) = outcome else { Issue.record("an oversized message was accepted"); continue }
            #expect(error.code == .resourceExhausted, "\(error)")
            #expect(error.message.contains("1024"))
        }
        guard case .success = fits else { Issue.record("a small message failed: \(fits)"); return }
        #expect(sink.spans.map(\.name) == ["small"])
    }

    @Test("Past the concurrency limit a call is refused at once with UNAVAILABLE, and counted")
    func busy() async throws {
        let sink = ReceiverGatedSink()
        let configuration = OTLPGRPCReceiver.Configuration(port: 0, maxConcurrentExports: 1)
        let receiver = OTLPGRPCReceiver(configuration: configuration, sink: sink, logger: .init(label: "receiver-test"))
        let group = ServiceGroupHandle(receiver)
        let port = try await receiver.port
        async let first = receiverGRPCExport(port: port, body: Self.validTraces(["first"]))
        await sink.waitForArrival()
        let second = try await receiverGRPCExport(port: port, body: Self.validTraces(["second"]))
        sink.release()
        guard case .success = try await first else { Issue.record("the first call failed"); return }
        guard case .failure(let error) = second else { Issue.record("the second call was accepted"); return }
        #expect(error.code == .unavailable)
        #expect(receiver.statistics == OTLPReceiverStatistics(acceptedRequests: 1, refusedBusy: 1))
        await group.shutdown()
        try await group.wait()
    }

    @Test("Graceful shutdown lets a call in flight finish")
    func gracefulShutdown() async throws {
        let sink = ReceiverGatedSink()
        let receiver = OTLPGRPCReceiver(configuration: .init(port: 0), sink: sink, logger: .init(label: "receiver-test"))
        let group = ServiceGroupHandle(receiver)
        let port = try await receiver.port
        async let outcome = receiverGRPCExport(port: port, body: Self.validTraces(["in-flight"]))
        await sink.waitForArrival()
        await group.shutdown()
        sink.release()
        guard case .success = try await outcome else { Issue.record("the call in flight failed"); return }
        try await group.wait()
        #expect(sink.batches.flatMap(\.spans).map(\.name) == ["in-flight"])
    }
}
