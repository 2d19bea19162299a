import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Telemetry
import TelemetryAsyncHTTPClient
import TelemetryHTTP
import Testing
import Tracing
import TelemetryTesting

@Suite("AsyncHTTPClient's client spans go through our tracer, with the conventions' attributes and metric")
struct AsyncHTTPClientTracingTests {
    let processor = CollectingSpanProcessor()
    let reader = ManualMetricReader()
    let tracerProvider: TracerProvider
    let meterProvider: MeterProvider

    init() {
        tracerProvider = TracerProvider(sampler: AlwaysOnSampler(), processors: [processor])
        meterProvider = MeterProvider(readers: [reader])
    }

    /// The client span and the parent span the test opened around the request.
    func clientSpan() throws -> SpanData {
        let clients = processor.spans.filter { $0.kind == .client }
        #expect(clients.count == 1, "client spans: \(clients.map(\.name))")
        return try #require(clients.first)
    }

    func get(_ client: HTTPClient, _ url: String, method: HTTPMethod = .GET) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: url)
        request.method = method
        let response = try await client.execute(request, timeout: .seconds(30))
        // Reading the body lets the connection go back to the pool before the client shuts down.
        _ = try await response.body.collect(upTo: 1024)
        return response
    }

    @Test("AsyncHTTPClient's own span, with our tracer: a child of the active span, and its traceparent is sent")
    func ownSpansAreOurs() async throws {
        let appTracer = tracerProvider.tracer(name: "app")
        var configuration = HTTPClient.Configuration.test()
        // No wrapper: AsyncHTTPClient's tracing as it is, with our tracer in place of InstrumentationSystem's.
        configuration.tracing.tracer = tracerProvider.tracer(name: "ahc")
        let (parentContext, traceparents) = try await withServer { server in
            try await withHTTPClient(configuration) { client in
                let parent = try await appTracer.withSpan("checkout", kind: .internal) { span in
                    _ = try await get(client, "http://127.0.0.1:\(server.port)/orders")
                    return span.context.spanContext
                }
                return (parent, server.requests.map { $0.headers["traceparent"] })
            }
        }
        let parent = try #require(parentContext)
        let span = try clientSpan()
        #expect(span.name == "GET")
        #expect(span.instrumentationScope.name == "ahc")
        #expect(span.spanContext.traceID == parent.traceID)
        #expect(span.parentSpanID == parent.spanID)
        #expect(span.spanContext.isSampled)
        #expect(!span.parentIsRemote)
        // The header names the client span as the server's parent, so the server's span joins this trace.
        #expect(traceparents == [[traceparent(span.spanContext)]])
    }

    @Test("enableTelemetry: the conventions' name and attributes, redacted url.full, injected traceparent")
    func conventions() async throws {
        var configuration = HTTPClient.Configuration.test()
        configuration.enableTelemetry(tracerProvider: tracerProvider, meterProvider: meterProvider, stability: .stable)
        let appTracer = tracerProvider.tracer(name: "app")
        let (port, parentContext, traceparents) = try await withServer { server in
            try await withHTTPClient(configuration) { client in
                let parent = try await appTracer.withSpan("checkout", kind: .internal) { span in
                    let response = try await get(client, "http://127.0.0.1:\(server.port)/orders?sig=secret&page=2")
                    #expect(response.status == .ok)
                    return span.context.spanContext
                }
                return (server.port, parent, server.requests.map { $0.headers["traceparent"] })
            }
        }
        let parent = try #require(parentContext)
        let span = try clientSpan()
        #expect(span.name == "GET")
        #expect(span.instrumentationScope.name == HTTPClientTracer.scopeName)
        #expect(span.spanContext.traceID == parent.traceID)
        #expect(span.parentSpanID == parent.spanID)
        #expect(span.spanContext.isSampled)
        #expect(traceparents == [[traceparent(span.spanContext)]])
        #expect(span.status?.code != .error)
        let expected: [String: SpanAttribute] = [
            "http.request.method": "GET", "server.address": "127.0.0.1", "server.port": .int64(Int64(port)),
            "url.full": .string("http://127.0.0.1:\(port)/orders?sig=REDACTED&page=2"),
            "url.query": "sig=REDACTED&page=2", "http.response.status_code": 200, "network.protocol.version": "1.1",
        ]
        for (key, value) in expected {
            #expect(span.attributes[key]?.toSpanAttribute() == value, "\(key): \(String(describing: span.attributes[key]))")
        }
        // AsyncHTTPClient's old status name is replaced, and a success has no error.type.
        #expect(span.attributes["http.status_code"] == nil)
        #expect(span.attributes["http.method"] == nil)
        #expect(span.attributes["error.type"] == nil)
    }

    @Test("a 4xx or 5xx is an error for a client, with error.type the status code", arguments: [404, 503])
    func errorStatus(code: Int) async throws {
        var configuration = HTTPClient.Configuration.test()
        configuration.enableTelemetry(tracerProvider: tracerProvider, stability: .stable)
        try await withServer { server in
            try await withHTTPClient(configuration) { client in
                let response = try await get(client, "http://127.0.0.1:\(server.port)/status/\(code)")
                #expect(Int(response.status.code) == code)
            }
        }
        let span = try clientSpan()
        #expect(span.status?.code == .error)
        #expect(span.attributes["http.response.status_code"]?.toSpanAttribute() == .int64(Int64(code)))
        #expect(span.attributes["error.type"]?.toSpanAttribute() == .string(String(code)))
    }

    @Test("a request that fails without a response: error status, error.type the error's type, an exception event")
    func failedRequest() async throws {
        // A port that was just listening and is now closed refuses the connection.
        let server = try await RecordingHTTPServer.start()
        let port = server.port
        try await server.stop()

        var configuration = HTTPClient.Configuration.test()
        configuration.enableTelemetry(tracerProvider: tracerProvider, meterProvider: meterProvider, stability: .stable)
        let thrown = try await withHTTPClient(configuration) { client -> (any Error)? in
            do {
                _ = try await get(client, "http://127.0.0.1:\(port)/orders")
                return nil
            } catch {
                return error
            }
        }
        let error = try #require(thrown, "the request to a closed port succeeded")
        let span = try clientSpan()
        #expect(span.status?.code == .error)
        #expect(span.attributes["error.type"]?.toSpanAttribute() == .string(String(reflecting: type(of: error))))
        #expect(span.attributes["http.response.status_code"] == nil)
        #expect(span.events.contains { $0.name == "exception" })

        let duration = try #require(try histogram("http.client.request.duration"))
        #expect(duration.points.count == 1)
        #expect(duration.points.first?.attributes["error.type"] == .string(String(reflecting: type(of: error))))
        #expect(duration.points.first?.attributes["http.response.status_code"] == nil)
    }

    @Test("an unknown method is _OTHER with the original kept, and the span is named HTTP")
    func unknownMethod() async throws {
        var configuration = HTTPClient.Configuration.test()
        configuration.enableTelemetry(tracerProvider: tracerProvider, stability: .stable)
        try await withServer { server in
            try await withHTTPClient(configuration) { client in
                _ = try await get(client, "http://127.0.0.1:\(server.port)/cache", method: .RAW(value: "PURGE"))
            }
        }
        let span = try clientSpan()
        #expect(span.name == "HTTP")
        #expect(span.attributes["http.request.method"]?.toSpanAttribute() == "_OTHER")
        #expect(span.attributes["http.request.method_original"]?.toSpanAttribute() == "PURGE")
    }

    @Test("http/dup keeps the old names beside the stable ones")
    func duplicateNames() async throws {
        var configuration = HTTPClient.Configuration.test()
        configuration.enableTelemetry(tracerProvider: tracerProvider, stability: .duplicate)
        let port = try await withServer { server in
            try await withHTTPClient(configuration) { client in
                _ = try await get(client, "http://127.0.0.1:\(server.port)/status/500")
                return server.port
            }
        }
        let span = try clientSpan()
        let expected: [String: SpanAttribute] = [
            "http.status_code": 500, "http.response.status_code": 500, "http.method": "GET",
            "net.peer.name": "127.0.0.1", "net.peer.port": .int64(Int64(port)),
            "http.url": .string("http://127.0.0.1:\(port)/status/500"), "net.protocol.version": "1.1",
        ]
        for (key, value) in expected {
            #expect(span.attributes[key]?.toSpanAttribute() == value, "\(key): \(String(describing: span.attributes[key]))")
        }
    }

    func histogram(_ name: String) throws -> HistogramPoints? {
        let data = reader.collect()
        let metric = try #require(data.first { $0.name == name }, "no \(name) in \(data.map(\.name))")
        #expect(metric.unit == "s")
        guard case .histogram(let histogram) = metric.points else { return nil }
        return histogram
    }

    @Test("http.client.request.duration per method, server, status and version, with the conventions' buckets")
    func durationMetric() async throws {
        var configuration = HTTPClient.Configuration.test()
        configuration.enableTelemetry(tracerProvider: tracerProvider, meterProvider: meterProvider, stability: .stable)
        let port = try await withServer { server in
            try await withHTTPClient(configuration) { client in
                for _ in 1...3 { _ = try await get(client, "http://127.0.0.1:\(server.port)/orders") }
                _ = try await get(client, "http://127.0.0.1:\(server.port)/status/404")
                return server.port
            }
        }
        let duration = try #require(try histogram("http.client.request.duration"))
        let byStatus = Dictionary(grouping: duration.points) { $0.attributes["http.response.status_code"] }
        let ok = try #require(byStatus[200]?.first)
        #expect(ok.count == 3)
        #expect(ok.boundaries == HTTPServerMetrics.durationBucketBoundaries)
        #expect(ok.attributes == [
            "http.request.method": "GET", "server.address": "127.0.0.1", "server.port": .int(Int64(port)),
            "http.response.status_code": 200, "network.protocol.version": "1.1",
        ])
        let notFound = try #require(byStatus[404]?.first)
        #expect(notFound.count == 1)
        #expect(notFound.attributes["error.type"] == "404")
    }

    @Test("the metric is recorded for spans that are not sampled")
    func metricWithoutSampling() async throws {
        let unsampled = TracerProvider(sampler: AlwaysOffSampler(), processors: [processor])
        var configuration = HTTPClient.Configuration.test()
        configuration.enableTelemetry(tracerProvider: unsampled, meterProvider: meterProvider, stability: .stable)
        try await withServer { server in
            try await withHTTPClient(configuration) { client in
                _ = try await get(client, "http://127.0.0.1:\(server.port)/status/201")
            }
        }
        #expect(processor.spans.isEmpty)
        let duration = try #require(try histogram("http.client.request.duration"))
        #expect(duration.points.map(\.count) == [1])
        #expect(duration.points.first?.attributes["http.response.status_code"] == 201)
        #expect(duration.points.first?.attributes["server.address"] == "127.0.0.1")
    }

    @Test("the future-based API: the span still gets the conventions' attributes")
    func futureBasedAPI() async throws {
        var configuration = HTTPClient.Configuration.test()
        configuration.enableTelemetry(tracerProvider: tracerProvider, stability: .stable)
        try await withServer { server in
            try await withHTTPClient(configuration) { client in
                let request = try HTTPClient.Request(url: "http://127.0.0.1:\(server.port)/status/404")
                let response = try await client.execute(request: request).get()
                #expect(response.status == .notFound)
            }
        }
        let span = try clientSpan()
        #expect(span.name == "GET")
        #expect(span.status?.code == .error)
        #expect(span.attributes["http.response.status_code"]?.toSpanAttribute() == 404)
        #expect(span.attributes["error.type"]?.toSpanAttribute() == "404")
        #expect(span.attributes["http.status_code"] == nil)
    }
}
