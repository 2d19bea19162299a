import GRPCCore
import GRPCInProcessTransport
import Telemetry
import TelemetryGRPC
import Testing
import Tracing
import TelemetryTesting

@Suite("gRPC interceptors trace and measure calls")
struct InterceptorTests {
    let processor = CollectingSpanProcessor()
    let reader = ManualMetricReader()
    let tracerProvider: TracerProvider
    let meterProvider: MeterProvider

    init() {
        tracerProvider = TracerProvider(
            resource: Resource(attributes: ["service.name": "echo"]), sampler: AlwaysOnSampler(), processors: [processor])
        meterProvider = MeterProvider(readers: [reader])
    }

    /// Runs `body` with a client connected in process to a server running ``EchoService``, both intercepted, and
    /// returns once both have shut down, so every span has ended.
    func withEcho<Result: Sendable>(
        _ body: @Sendable (GRPCClient<InProcessTransport.Client>) async throws -> Result
    ) async throws -> Result {
        let transport = InProcessTransport()
        let server = GRPCServer(
            transport: transport.server, services: [EchoService()],
            interceptors: [TelemetryServerInterceptor(tracerProvider: tracerProvider, meterProvider: meterProvider)])
        let client = GRPCClient(
            transport: transport.client,
            interceptors: [
                TelemetryClientInterceptor(
                    tracerProvider: tracerProvider, meterProvider: meterProvider, serverAddress: "echo.test",
                    serverPort: 443)
            ])
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.serve() }
            group.addTask { try await client.runConnections() }
            let result: Swift.Result<Result, any Error>
            do {
                result = .success(try await body(client))
            } catch {
                result = .failure(error)
            }
            client.beginGracefulShutdown()
            server.beginGracefulShutdown()
            try await group.waitForAll()
            return try result.get()
        }
    }

    func get(_ client: GRPCClient<InProcessTransport.Client>, _ message: String) async throws -> String {
        try await client.unary(
            request: ClientRequest(message: message), descriptor: EchoService.get, serializer: StringCoder(),
            deserializer: StringCoder(), options: .defaults
        ) { try $0.message }
    }

    func span(_ name: String, _ kind: SpanKind) throws -> SpanData {
        try #require(
            processor.spans.first { $0.name == name && $0.kind == kind },
            "no \(kind) span \(name) in \(processor.spans.map { "\($0.kind) \($0.name)" })")
    }

    func hasEnded(_ name: String, _ kind: SpanKind) -> Bool {
        processor.spans.contains { $0.name == name && $0.kind == kind }
    }

    func expectAttributes(_ span: SpanData, _ expected: [String: SpanAttribute]) {
        for (key, value) in expected {
            #expect(span.attributes[key]?.toSpanAttribute() == value, "\(span.kind) \(key): \(String(describing: span.attributes[key]))")
        }
    }

    @Test("a unary call: client and server spans in one trace, the server's parent is the client span")
    func unary() async throws {
        let tracer = tracerProvider
        let answer = try await withEcho { client in
            try await tracer.withSpan("checkout") { _ in try await get(client, "42") }
        }
        let parent = try span("checkout", .internal)
        let clientSpan = try span("test.Echo/Get", .client)
        let serverSpan = try span("test.Echo/Get", .server)

        #expect(clientSpan.spanContext.traceID == parent.spanContext.traceID)
        #expect(clientSpan.parentSpanID == parent.spanContext.spanID)
        #expect(serverSpan.spanContext.traceID == clientSpan.spanContext.traceID)
        #expect(serverSpan.parentSpanID == clientSpan.spanContext.spanID)
        #expect(serverSpan.parentIsRemote)
        #expect(clientSpan.instrumentationScope.name == "TelemetryGRPC")

        // Propagation out and in: the server received the client span's traceparent, and its handler ran inside
        // the server span's trace.
        let traceID = clientSpan.spanContext.traceID.hexString
        #expect(answer.hasPrefix("\(traceID) 00-\(traceID)-\(clientSpan.spanContext.spanID.hexString)-"))

        let common: [String: SpanAttribute] = [
            "rpc.system": "grpc", "rpc.system.name": "grpc", "rpc.service": "test.Echo", "rpc.method": "Get",
            "rpc.grpc.status_code": 0, "rpc.response.status_code": "OK",
        ]
        expectAttributes(clientSpan, common.merging(["server.address": "echo.test", "server.port": 443]) { $1 })
        expectAttributes(serverSpan, common)
        for span in [clientSpan, serverSpan] {
            #expect(span.status?.code != .error)
            #expect(span.attributes["error.type"] == nil)
            // The in-process transport names no network address.
            #expect(span.attributes["network.peer.address"] == nil)
        }
        // One message each way, from each side's point of view.
        #expect(messageEvents(clientSpan) == ["SENT 1", "RECEIVED 1"])
        #expect(messageEvents(serverSpan) == ["RECEIVED 1", "SENT 1"])
    }

    func messageEvents(_ span: SpanData) -> [String] {
        span.events.filter { $0.name == "rpc.message" }.map { event in
            let type = event.attributes["rpc.message.type"]?.toSpanAttribute()
            let id = event.attributes["rpc.message.id"]?.toSpanAttribute()
            switch (type, id) {
            case (.string(let type), .int64(let id)): return "\(type) \(id)"
            default: return "malformed \(String(describing: type)) \(String(describing: id))"
            }
        }
    }

    @Test("NOT_FOUND: an error on the client span, not on the server span; both carry the code")
    func notFound() async throws {
        let error = try await withEcho { client in
            await #expect(throws: RPCError.self) { try await get(client, "missing") }
            do {
                _ = try await get(client, "missing")
                return RPCError.Code?.none
            } catch let error as RPCError {
                return error.code
            }
        }
        #expect(error == .notFound)
        let clientSpan = try span("test.Echo/Get", .client)
        let serverSpan = try span("test.Echo/Get", .server)
        expectAttributes(clientSpan, ["rpc.grpc.status_code": 5, "rpc.response.status_code": "NOT_FOUND", "error.type": "NOT_FOUND"])
        #expect(clientSpan.status?.code == .error)
        #expect(clientSpan.status?.message == "no such order")
        expectAttributes(serverSpan, ["rpc.grpc.status_code": 5, "rpc.response.status_code": "NOT_FOUND"])
        #expect(serverSpan.status?.code != .error)
        #expect(serverSpan.attributes["error.type"] == nil)
    }

    @Test("a handler that throws: UNKNOWN, an error on both sides, and an exception event on the server")
    func thrown() async throws {
        _ = try await withEcho { client in
            await #expect(throws: RPCError.self) { try await get(client, "crash") }
        }
        let clientSpan = try span("test.Echo/Get", .client)
        let serverSpan = try span("test.Echo/Get", .server)
        for span in [clientSpan, serverSpan] {
            expectAttributes(span, ["rpc.grpc.status_code": 2, "error.type": "UNKNOWN"])
            #expect(span.status?.code == .error)
        }
        #expect(serverSpan.events.contains { $0.name == "exception" })
    }

    @Test("a server-streaming call: the client span lasts until the last message, with an event per message")
    func serverStreaming() async throws {
        let items = try await withEcho { client in
            try await client.serverStreaming(
                request: ClientRequest(message: "3"), descriptor: EchoService.list, serializer: StringCoder(),
                deserializer: StringCoder(), options: .defaults
            ) { response in
                var items: [String] = []
                for try await item in response.messages {
                    // The response is being read, so the call is not over.
                    #expect(!hasEnded("test.Echo/List", .client))
                    items.append(item)
                }
                return items
            }
        }
        #expect(items == ["item 1", "item 2", "item 3"])
        let clientSpan = try span("test.Echo/List", .client)
        let serverSpan = try span("test.Echo/List", .server)
        #expect(messageEvents(clientSpan) == ["SENT 1", "RECEIVED 1", "RECEIVED 2", "RECEIVED 3"])
        #expect(messageEvents(serverSpan) == ["RECEIVED 1", "SENT 1", "SENT 2", "SENT 3"])
        let lastClientEvent = try #require(clientSpan.events.last)
        #expect(clientSpan.endTime >= lastClientEvent.time)
        let lastServerEvent = try #require(serverSpan.events.last)
        #expect(serverSpan.endTime >= lastServerEvent.time)
        #expect(serverSpan.parentSpanID == clientSpan.spanContext.spanID)
    }

    @Test("a bidirectional call: both spans stay open while messages flow and end with the stream")
    func bidirectional() async throws {
        let (outgoing, continuation) = AsyncStream<String>.makeStream()
        let echoes = try await withEcho { client in
            try await client.bidirectionalStreaming(
                request: StreamingClientRequest { writer in
                    for await message in outgoing { try await writer.write(message) }
                },
                descriptor: EchoService.chat, serializer: StringCoder(), deserializer: StringCoder(),
                options: .defaults
            ) { response in
                var echoes: [String] = []
                continuation.yield("a")
                for try await echo in response.messages {
                    echoes.append(echo)
                    // The server is still reading the request stream, so neither side has ended.
                    #expect(!hasEnded("test.Echo/Chat", .server))
                    #expect(!hasEnded("test.Echo/Chat", .client))
                    if echoes.count == 1 {
                        continuation.yield("b")
                    } else {
                        continuation.finish()
                    }
                }
                return echoes
            }
        }
        #expect(echoes == ["echo a", "echo b"])
        let clientSpan = try span("test.Echo/Chat", .client)
        let serverSpan = try span("test.Echo/Chat", .server)
        #expect(Set(messageEvents(clientSpan)) == ["SENT 1", "SENT 2", "RECEIVED 1", "RECEIVED 2"])
        #expect(messageEvents(serverSpan) == ["RECEIVED 1", "SENT 1", "RECEIVED 2", "SENT 2"])
        #expect(serverSpan.status?.code != .error)
        expectAttributes(serverSpan, ["rpc.grpc.status_code": 0, "rpc.method": "Chat"])
    }

    @Test("rpc.client.call.duration and rpc.server.call.duration in seconds, by method and status")
    func metrics() async throws {
        try await withEcho { client in
            for _ in 1...2 { _ = try await get(client, "1") }
            await #expect(throws: RPCError.self) { try await get(client, "missing") }
        }
        let data = reader.collect()
        func histogram(_ name: String) throws -> [HistogramPoint] {
            let metric = try #require(data.first { $0.name == name }, "no \(name) in \(data.map(\.name))")
            #expect(metric.unit == "s")
            guard case .histogram(let histogram) = metric.points else {
                Issue.record("\(name) is not a histogram")
                return []
            }
            return histogram.points
        }
        let client = try histogram("rpc.client.call.duration")
        let ok = try #require(client.first { $0.attributes["rpc.grpc.status_code"] == 0 })
        #expect(ok.count == 2)
        #expect(ok.boundaries.first == 0.005)
        #expect(ok.attributes == [
            "rpc.system": "grpc", "rpc.service": "test.Echo", "rpc.method": "Get", "rpc.grpc.status_code": 0,
            "server.address": "echo.test", "server.port": 443,
        ])
        let failed = try #require(client.first { $0.attributes["rpc.grpc.status_code"] == 5 })
        #expect(failed.count == 1)
        #expect(failed.attributes["error.type"] == "NOT_FOUND")

        let server = try histogram("rpc.server.call.duration")
        let serverOK = try #require(server.first { $0.attributes["rpc.grpc.status_code"] == 0 })
        #expect(serverOK.count == 2)
        #expect(serverOK.attributes == [
            "rpc.system": "grpc", "rpc.service": "test.Echo", "rpc.method": "Get", "rpc.grpc.status_code": 0,
        ])
        let serverNotFound = try #require(server.first { $0.attributes["rpc.grpc.status_code"] == 5 })
        // NOT_FOUND is the caller's mistake, not the server's failure.
        #expect(serverNotFound.attributes["error.type"] == nil)
    }

    @Test("an explicit propagator is used instead of the tracer's")
    func explicitPropagator() async throws {
        let transport = InProcessTransport()
        let server = GRPCServer(
            transport: transport.server, services: [EchoService()],
            interceptors: [TelemetryServerInterceptor(tracerProvider: tracerProvider, propagator: B3Propagator())])
        let client = GRPCClient(
            transport: transport.client,
            interceptors: [TelemetryClientInterceptor(tracerProvider: tracerProvider, propagator: B3Propagator())])
        let answer = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.serve() }
            group.addTask { try await client.runConnections() }
            let answer = try await get(client, "1")
            client.beginGracefulShutdown()
            server.beginGracefulShutdown()
            try await group.waitForAll()
            return answer
        }
        let clientSpan = try span("test.Echo/Get", .client)
        let serverSpan = try span("test.Echo/Get", .server)
        // No traceparent was sent, yet the server joined the trace through B3.
        #expect(answer.hasSuffix(" none"))
        #expect(serverSpan.parentSpanID == clientSpan.spanContext.spanID)
    }
}
