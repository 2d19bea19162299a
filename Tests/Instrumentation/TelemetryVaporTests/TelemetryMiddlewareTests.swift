import Synchronization
import Telemetry
import TelemetryHTTP
import TelemetryVapor
import Testing
import Tracing
import Vapor
import VaporTesting
import TelemetryTesting


struct UnexpectedFailure: Error, CustomStringConvertible {
    var description: String { "the database is on fire" }
}

@Suite("TelemetryMiddleware traces and measures Vapor requests")
struct TelemetryVaporMiddlewareTests {
    let processor = CollectingSpanProcessor()
    let reader = ManualMetricReader()
    let tracerProvider: TracerProvider
    let meterProvider: MeterProvider

    init() {
        tracerProvider = TracerProvider(
            resource: Resource(attributes: ["service.name": "shop"]), sampler: AlwaysOnSampler(), processors: [processor])
        meterProvider = MeterProvider(readers: [reader])
    }

    /// Runs `test` against an application with the middleware and a few routes.
    func withShop(
        stability: HTTPSemanticConventionStability = .stable, dashboardNames: Bool = false,
        _ test: (any TestingApplicationTester) async throws -> Void
    ) async throws {
        try await withApp { app in
            app.middleware.use(
                TelemetryMiddleware(
                    meterProvider: meterProvider, tracerProvider: tracerProvider, dashboardNames: dashboardNames,
                    stability: stability))
            let tracer = tracerProvider.tracer(name: "handler")
            app.get("orders", ":id") { request async throws -> String in
                // A span made in the handler, through the task's context, is a child of the server span.
                tracer.withSpan("load order") { _ in }
                return "order \(request.parameters.get("id") ?? "")"
            }
            app.get("unavailable") { _ async throws -> String in throw Abort(.serviceUnavailable, reason: "later") }
            app.get("missing") { _ async throws -> String in throw Abort(.notFound) }
            app.get("crash") { _ async throws -> String in throw UnexpectedFailure() }
            app.get("teapot") { _ async throws -> Response in Response(status: .internalServerError) }
            app.get("context") { request async throws -> String in
                // Through the request's context, as Vapor's future-based code does.
                tracer.withSpan("from request", context: request.serviceContext) { _ in }
                return "ok"
            }
            try await test(try app.testing())
        }
    }

    func span(named name: String) throws -> SpanData {
        try #require(processor.spans.first { $0.name == name }, "no span \(name) in \(processor.spans.map(\.name))")
    }

    @Test("a server span named {method} {route}, child of the incoming traceparent, with the conventions' attributes")
    func serverSpan() async throws {
        try await withShop { tester in
            let headers: HTTPHeaders = [
                "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                "User-Agent": "swift-test/1.0", "Host": "shop.example:8080",
            ]
            try await tester.test(.GET, "/orders/42", headers: headers, beforeRequest: { request in
                request.url = URI(string: "/orders/42?page=1&sig=abc&Signature=xyz")
            }) { response in
                #expect(response.status == .ok)
                #expect(response.body.string == "order 42")
            }
        }
        let span = try span(named: "GET /orders/:id")
        #expect(span.kind == .server)
        #expect(span.spanContext.traceID.hexString == "0af7651916cd43dd8448eb211c80319c")
        #expect(span.parentSpanID?.hexString == "b7ad6b7169203331")
        #expect(span.parentIsRemote)
        #expect(span.status?.code != .error)
        #expect(span.instrumentationScope.name == "TelemetryVapor")
        let expected: [String: SpanAttribute] = [
            "http.request.method": "GET", "url.path": "/orders/42", "url.scheme": "http",
            "http.route": "/orders/:id", "http.response.status_code": 200, "server.address": "shop.example",
            "server.port": 8080, "user_agent.original": "swift-test/1.0", "network.protocol.version": "1.1",
        ]
        for (key, value) in expected {
            #expect(span.attributes[key]?.toSpanAttribute() == value, "\(key): \(String(describing: span.attributes[key]))")
        }
        #expect(span.attributes["url.query"]?.toSpanAttribute() == "page=1&sig=REDACTED&Signature=REDACTED")
        #expect(span.attributes["http.method"] == nil)
        #expect(span.attributes["error.type"] == nil)
        #expect(span.events.isEmpty)
    }

    @Test("a span made in the handler is a child of the server span, through the task's or the request's context")
    func childSpans() async throws {
        try await withShop { tester in
            try await tester.test(.GET, "/orders/7") { #expect($0.status == .ok) }
            try await tester.test(.GET, "/context") { #expect($0.status == .ok) }
        }
        let server = try span(named: "GET /orders/:id")
        let child = try span(named: "load order")
        #expect(child.parentSpanID == server.spanContext.spanID)
        #expect(child.spanContext.traceID == server.spanContext.traceID)
        let contextServer = try span(named: "GET /context")
        let fromRequest = try span(named: "from request")
        #expect(fromRequest.parentSpanID == contextServer.spanContext.spanID)
    }

    @Test("without a traceparent the span is a root; a malformed one is ignored")
    func rootSpan() async throws {
        try await withShop { tester in
            try await tester.test(.GET, "/orders/1") { #expect($0.status == .ok) }
            try await tester.test(.GET, "/orders/2", headers: ["traceparent": "garbage"]) { #expect($0.status == .ok) }
        }
        let spans = processor.spans.filter { $0.name == "GET /orders/:id" }
        #expect(spans.count == 2)
        #expect(spans.allSatisfy { $0.parentSpanID == nil })
        #expect(Set(spans.map(\.spanContext.traceID)).count == 2)
    }

    @Test("an Abort 5xx sets the error status, records the exception and keeps its status code")
    func abortServerError() async throws {
        try await withShop { tester in
            try await tester.test(.GET, "/unavailable") { #expect($0.status == .serviceUnavailable) }
        }
        let span = try span(named: "GET /unavailable")
        #expect(span.status?.code == .error)
        #expect(span.attributes["http.response.status_code"]?.toSpanAttribute() == 503)
        #expect(span.attributes["error.type"]?.toSpanAttribute() == "503")
        let exception = try #require(span.events.first { $0.name == "exception" })
        #expect(exception.attributes["exception.type"]?.toSpanAttribute() == .string(String(reflecting: Abort.self)))
    }

    @Test("an unexpected error is a 500 with the error's type; a returned 500 is an error too")
    func unexpectedError() async throws {
        try await withShop { tester in
            try await tester.test(.GET, "/crash") { #expect($0.status == .internalServerError) }
            try await tester.test(.GET, "/teapot") { #expect($0.status == .internalServerError) }
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
        try await withShop { tester in
            try await tester.test(.GET, "/missing") { #expect($0.status == .notFound) }
            try await tester.test(.GET, "/no/such/path") { #expect($0.status == .notFound) }
        }
        let missing = try span(named: "GET /missing")
        #expect(missing.status?.code != .error)
        #expect(missing.attributes["http.response.status_code"]?.toSpanAttribute() == 404)
        #expect(missing.attributes["error.type"] == nil)
        // The thrown Abort became the client's 404: not an exception of the server's.
        #expect(missing.events.isEmpty)
        // No route matched: the span is named by the method alone, never the path.
        let unmatched = try span(named: "GET")
        #expect(unmatched.attributes["http.route"] == nil)
        #expect(unmatched.attributes["url.path"]?.toSpanAttribute() == "/no/such/path")
        #expect(unmatched.attributes["http.response.status_code"]?.toSpanAttribute() == 404)
        #expect(unmatched.status?.code != .error)
    }

    @Test("http/dup adds the old attribute names, so http.status_code=500 finds the span")
    func duplicateNames() async throws {
        try await withShop(stability: .duplicate) { tester in
            try await tester.test(.GET, "/crash", headers: ["Host": "localhost"]) { _ in }
        }
        let span = try span(named: "GET /crash")
        #expect(span.attributes["http.status_code"]?.toSpanAttribute() == 500)
        #expect(span.attributes["http.method"]?.toSpanAttribute() == "GET")
        #expect(span.attributes["http.target"]?.toSpanAttribute() == "/crash")
        #expect(span.attributes["http.scheme"]?.toSpanAttribute() == "http")
        #expect(span.attributes["net.host.name"]?.toSpanAttribute() == "localhost")
        #expect(span.attributes["http.response.status_code"]?.toSpanAttribute() == 500)
    }

    @Test("metrics: duration per route and status, active requests back to 0, body sizes, dashboard names")
    func metrics() async throws {
        try await withShop(dashboardNames: true) { tester in
            for id in 1...3 { try await tester.test(.GET, "/orders/\(id)") { #expect($0.status == .ok) } }
            try await tester.test(.GET, "/unavailable") { _ in }
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
        let orders = try #require(byRoute["/orders/:id"]?.first)
        #expect(orders.count == 3)
        #expect(orders.boundaries == HTTPServerMetrics.durationBucketBoundaries)
        #expect(orders.attributes == [
            "http.request.method": "GET", "url.scheme": "http", "http.route": "/orders/:id",
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

        guard case .histogram(let responseSize) = try metric("http.server.response.body.size").points else {
            Issue.record("http.server.response.body.size is not a histogram")
            return
        }
        let ordersSize = responseSize.points.first { $0.attributes["http.route"] == "/orders/:id" }
        #expect(ordersSize?.sum == Double("order 1".utf8.count * 3))

        guard case .sum(let requests) = try metric("http.server.requests").points else {
            Issue.record("http.server.requests is not a sum")
            return
        }
        let counts = Dictionary(uniqueKeysWithValues: requests.points.map { ($0.attributes, $0.value.doubleValue) })
        #expect(counts[["method": "GET", "status": "200", "endpoint": "/orders/:id"]] == 3)
        #expect(counts[["method": "GET", "status": "503", "endpoint": "/unavailable"]] == 1)
        #expect(try metric("http.server.duration").unit == "ms")
    }
}
