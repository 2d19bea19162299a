import Hummingbird
import Synchronization
import HummingbirdTesting
import Telemetry
import TelemetryHTTP
import TelemetryHummingbird
import Testing
import Tracing
import TelemetryTesting

@Suite("TelemetryMiddleware traces and measures Hummingbird requests")
struct TelemetryMiddlewareTests {
    let processor = CollectingSpanProcessor()
    let reader = ManualMetricReader()
    let tracerProvider: TracerProvider
    let meterProvider: MeterProvider

    init() {
        tracerProvider = TracerProvider(
            resource: Resource(attributes: ["service.name": "shop"]), sampler: AlwaysOnSampler(), processors: [processor])
        meterProvider = MeterProvider(readers: [reader])
    }

    func makeApp(
        stability: HTTPSemanticConventionStability = .stable, dashboardNames: Bool = false, scheme: String? = nil
    ) -> some ApplicationProtocol {
        let router = Router(context: AddressedContext.self)
        router.add(
            middleware: TelemetryMiddleware(
                meterProvider: meterProvider, tracerProvider: tracerProvider, dashboardNames: dashboardNames,
                stability: stability, scheme: scheme))
        router.get("orders/:id") { _, context -> String in
            // The handler runs inside the server span.
            #expect(ServiceContext.current?.spanContext != nil)
            return "order \(context.parameters.get("id") ?? "")"
        }
        router.get("unavailable") { _, _ -> String in throw HTTPError(.serviceUnavailable, message: "later") }
        router.get("missing") { _, _ -> String in throw HTTPError(.notFound) }
        router.get("crash") { _, _ -> String in throw UnexpectedFailure() }
        router.get("teapot") { _, _ in Response(status: .init(code: 500)) }
        let tracerProvider = tracerProvider
        // Bodies of unknown length, written after the middleware returned.
        router.get("stream") { _, _ in
            Response(status: .ok, body: ResponseBody { writer in
                for part in ["one ", "two ", "three"] {
                    try await tracerProvider.tracer(name: "handler").withSpan("write \(part)") { _ in
                        try await writer.write(ByteBuffer(string: part))
                    }
                }
                try await writer.finish(nil)
            })
        }
        router.get("broken-stream") { _, _ in
            Response(status: .ok, body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: "half"))
                throw UnexpectedFailure()
            })
        }
        return Application(router: router)
    }

    func span(named name: String) throws -> SpanData {
        try #require(processor.spans.first { $0.name == name }, "no span \(name) in \(processor.spans.map(\.name))")
    }

    @Test("a server span named {method} {route}, child of the incoming traceparent, with the conventions' attributes")
    func serverSpan() async throws {
        try await makeApp().test(.router) { client in
            var headers = HTTPFields()
            headers[.init("traceparent")!] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
            headers[.userAgent] = "swift-test/1.0"
            try await client.execute(uri: "/orders/42?page=1&sig=abc&Signature=xyz", method: .get, headers: headers) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "order 42")
            }
        }
        let span = try span(named: "GET /orders/{id}")
        #expect(span.kind == .server)
        #expect(span.spanContext.traceID.hexString == "0af7651916cd43dd8448eb211c80319c")
        #expect(span.parentSpanID?.hexString == "b7ad6b7169203331")
        #expect(span.parentIsRemote)
        #expect(span.status?.code != .error)
        #expect(span.instrumentationScope.name == "TelemetryHummingbird")
        let expected: [String: SpanAttribute] = [
            "http.request.method": "GET", "url.path": "/orders/42", "url.scheme": "http",
            "http.route": "/orders/{id}", "http.response.status_code": 200, "server.address": "localhost",
            "server.port": 80, "user_agent.original": "swift-test/1.0", "network.protocol.version": "1.1",
        ]
        for (key, value) in expected {
            #expect(span.attributes[key]?.toSpanAttribute() == value, "\(key): \(String(describing: span.attributes[key]))")
        }
        // The query with the conventions' sensitive values redacted; never the old names unless asked.
        #expect(span.attributes["url.query"]?.toSpanAttribute() == "page=1&sig=REDACTED&Signature=REDACTED")
        #expect(span.attributes["http.method"] == nil)
        #expect(span.attributes["error.type"] == nil)
    }

    @Test("without a traceparent the span is a root; a malformed one is ignored")
    func rootSpan() async throws {
        try await makeApp().test(.router) { client in
            try await client.execute(uri: "/orders/1", method: .get)
            var headers = HTTPFields()
            headers[.init("traceparent")!] = "garbage"
            try await client.execute(uri: "/orders/2", method: .get, headers: headers) { #expect($0.status == .ok) }
        }
        let spans = processor.spans.filter { $0.name == "GET /orders/{id}" }
        #expect(spans.count == 2)
        #expect(spans.allSatisfy { $0.parentSpanID == nil })
    }

    @Test("an HTTPError 5xx sets the error status, records the exception and keeps its status code")
    func httpServerError() async throws {
        try await makeApp().test(.router) { client in
            try await client.execute(uri: "/unavailable", method: .get)
        }
        let span = try span(named: "GET /unavailable")
        #expect(span.status?.code == .error)
        #expect(span.attributes["http.response.status_code"]?.toSpanAttribute() == 503)
        #expect(span.attributes["error.type"]?.toSpanAttribute() == "503")
        let exception = try #require(span.events.first { $0.name == "exception" })
        #expect(exception.attributes["exception.type"]?.toSpanAttribute() == .string(String(reflecting: HTTPError.self)))
    }

    @Test("an unexpected error is a 500 with the error's type; a returned 500 is an error too")
    func unexpectedError() async throws {
        try await makeApp().test(.router) { client in
            try await client.execute(uri: "/crash", method: .get) { #expect($0.status == .internalServerError) }
            try await client.execute(uri: "/teapot", method: .get) { #expect($0.status.code == 500) }
        }
        let crash = try span(named: "GET /crash")
        #expect(crash.status?.code == .error)
        #expect(crash.attributes["http.response.status_code"]?.toSpanAttribute() == 500)
        #expect(crash.attributes["error.type"]?.toSpanAttribute() == .string(String(reflecting: UnexpectedFailure.self)))
        let exception = try #require(crash.events.first { $0.name == "exception" })
        #expect(exception.attributes["exception.message"]?.toSpanAttribute() == "the database is on fire")

        let returned = try span(named: "GET /teapot")
        #expect(returned.status?.code == .error)
        #expect(returned.events.isEmpty)
        #expect(returned.attributes["error.type"]?.toSpanAttribute() == "500")
    }

    @Test("a 4xx is not an error on a server span; an unmatched path has no route in its name")
    func clientErrors() async throws {
        try await makeApp().test(.router) { client in
            try await client.execute(uri: "/missing", method: .get) { _ in }
            try await client.execute(uri: "/no/such/path", method: .get) { _ in }
        }
        let missing = try span(named: "GET /missing")
        #expect(missing.status?.code != .error)
        #expect(missing.attributes["http.response.status_code"]?.toSpanAttribute() == 404)
        #expect(missing.attributes["error.type"] == nil)
        // The thrown HTTPError became the client's 404: not an exception of the server's.
        #expect(missing.events.isEmpty)
        // The router throws 404 for a path no route matches: the span is named by the method alone, never the path.
        let unmatched = try span(named: "GET")
        #expect(unmatched.attributes["http.route"] == nil)
        #expect(unmatched.attributes["url.path"]?.toSpanAttribute() == "/no/such/path")
        #expect(unmatched.attributes["http.response.status_code"]?.toSpanAttribute() == 404)
    }

    @Test("a server behind TLS over HTTP/1 says so with scheme: https, which Hummingbird's HTTP/1 channel cannot tell")
    func schemeOverride() async throws {
        try await makeApp(scheme: "https").test(.router) { client in
            try await client.execute(uri: "/orders/7", method: .get) { #expect($0.status == .ok) }
        }
        let span = try span(named: "GET /orders/{id}")
        #expect(span.attributes["url.scheme"]?.toSpanAttribute() == "https")
        let duration = try #require(reader.collect().first { $0.name == "http.server.request.duration" })
        guard case .histogram(let histogram) = duration.points else {
            Issue.record("http.server.request.duration is not a histogram")
            return
        }
        #expect(histogram.points.map { $0.attributes["url.scheme"] } == [.string("https")])
    }

    @Test("http/dup adds the old attribute names, so http.status_code=500 finds the span")
    func duplicateNames() async throws {
        try await makeApp(stability: .duplicate).test(.router) { client in
            try await client.execute(uri: "/crash", method: .get) { _ in }
        }
        let span = try span(named: "GET /crash")
        #expect(span.attributes["http.status_code"]?.toSpanAttribute() == 500)
        #expect(span.attributes["http.method"]?.toSpanAttribute() == "GET")
        #expect(span.attributes["http.target"]?.toSpanAttribute() == "/crash")
        #expect(span.attributes["http.scheme"]?.toSpanAttribute() == "http")
        #expect(span.attributes["net.host.name"]?.toSpanAttribute() == "localhost")
        #expect(span.attributes["http.response.status_code"]?.toSpanAttribute() == 500)
    }

    @Test("a streamed body: the span ends once the body is written, in whose writing spans are its children")
    func streamedBody() async throws {
        try await makeApp().test(.router) { client in
            try await client.execute(uri: "/stream", method: .get) { response in
                #expect(String(buffer: response.body) == "one two three")
            }
        }
        let server = try span(named: "GET /stream")
        let last = try span(named: "write three")
        #expect(last.parentSpanID == server.spanContext.spanID)
        #expect(server.endTime >= last.endTime)
        #expect(server.status == nil)
        guard case .histogram(let sizes)? = reader.collect().first(where: { $0.name == "http.server.response.body.size" })?.points
        else {
            Issue.record("no http.server.response.body.size histogram")
            return
        }
        #expect(sizes.points.first { $0.attributes["http.route"] == "/stream" }?.sum == Double("one two three".utf8.count))
    }

    @Test("a body whose writing fails marks the span failed, with the error's type, after the status was sent")
    func failedBody() async throws {
        try await makeApp().test(.router) { client in
            _ = try? await client.execute(uri: "/broken-stream", method: .get)
        }
        let server = try span(named: "GET /broken-stream")
        #expect(server.status?.code == .error)
        #expect(server.attributes.get("error.type") == .string(String(reflecting: UnexpectedFailure.self)))
        #expect(server.attributes.get("http.response.status_code") == .int64(200))
    }

    @Test("metrics: duration per route and status, active requests back to 0, body sizes, dashboard names")
    func metrics() async throws {
        try await makeApp(dashboardNames: true).test(.router) { client in
            for id in 1...3 { try await client.execute(uri: "/orders/\(id)", method: .get) }
            try await client.execute(uri: "/unavailable", method: .get)
        }
        let data = reader.collect()
        func metric(_ name: String) throws -> MetricData {
            try #require(data.first { $0.name == name }, "no \(name) in \(data.map(\.name))")
        }
        guard case .histogram(let duration) = try metric("http.server.request.duration").points else {
            Issue.record("http.server.request.duration is not a histogram")
            return
        }
        #expect(try metric("http.server.request.duration").unit == "s")
        let byRoute = Dictionary(grouping: duration.points) { $0.attributes["http.route"] }
        let orders = try #require(byRoute["/orders/{id}"]?.first)
        #expect(orders.count == 3)
        #expect(orders.boundaries == HTTPServerMetrics.durationBucketBoundaries)
        #expect(orders.attributes == [
            "http.request.method": "GET", "url.scheme": "http", "http.route": "/orders/{id}",
            "http.response.status_code": 200, "network.protocol.version": "1.1",
        ])
        let unavailable = try #require(byRoute["/unavailable"]?.first)
        #expect(unavailable.attributes["http.response.status_code"] == 503)
        #expect(unavailable.attributes["error.type"] == "503")

        guard case .sum(let active) = try metric("http.server.active_requests").points else {
            Issue.record("http.server.active_requests is not a sum")
            return
        }
        #expect(active.points.map(\.value.doubleValue) == [0])
        #expect(active.points.first?.attributes == ["http.request.method": "GET", "url.scheme": "http"])

        guard case .histogram(let responseSize) = try metric("http.server.response.body.size").points else {
            Issue.record("http.server.response.body.size is not a histogram")
            return
        }
        let ordersSize = responseSize.points.first { $0.attributes["http.route"] == "/orders/{id}" }
        #expect(ordersSize?.sum == Double("order 1".utf8.count * 3))

        guard case .sum(let requests) = try metric("http.server.requests").points else {
            Issue.record("http.server.requests is not a sum")
            return
        }
        let counts = Dictionary(uniqueKeysWithValues: requests.points.map { ($0.attributes, $0.value.doubleValue) })
        #expect(counts[["method": "GET", "status": "200", "endpoint": "/orders/{id}"]] == 3)
        #expect(counts[["method": "GET", "status": "503", "endpoint": "/unavailable"]] == 1)
        #expect(try metric("http.server.duration").unit == "ms")
    }
}

@Suite("TelemetryMiddleware: the span's context and name")
struct TelemetryMiddlewareContextTests {
    /// Samples everything and remembers the names spans had when they started.
    final class NameRecordingSampler: Sampler {
        let names = Mutex<[String]>([])
        var description: String { "NameRecordingSampler" }

        func shouldSample(_ parameters: SamplingParameters) -> SamplingResult {
            names.withLock { $0.append(parameters.name) }
            return SamplingResult(decision: .recordAndSample)
        }
    }

    @Test("a span made in the handler is a child of the server span; samplers see the route in the name at start")
    func childSpanAndNameAtStart() async throws {
        let processor = CollectingSpanProcessor()
        let sampler = NameRecordingSampler()
        let tracerProvider = TracerProvider(
            resource: Resource(attributes: ["service.name": "shop"]), sampler: sampler, processors: [processor])
        let router = Router(context: AddressedContext.self)
        router.add(middleware: TelemetryMiddleware(tracerProvider: tracerProvider))
        router.get("orders/:id") { _, _ -> String in
            tracerProvider.tracer(name: "handler").withSpan("load order") { _ in "order" }
        }
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/orders/7", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
        let server = await processor.span(named: "GET /orders/{id}")
        let child = await processor.span(named: "load order")
        #expect(child.parentSpanID == server.spanContext.spanID)
        #expect(child.spanContext.traceID == server.spanContext.traceID)
        #expect(sampler.names.withLock { $0 }.first == "GET /orders/{id}")
    }
}
