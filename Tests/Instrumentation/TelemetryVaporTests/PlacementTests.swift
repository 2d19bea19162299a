import Telemetry
import TelemetryVapor
import Testing
import Tracing
import Vapor
import VaporTesting
import TelemetryTesting

@Suite("TelemetryMiddleware: where it is added")
struct TelemetryVaporPlacementTests {
    let processor = CollectingSpanProcessor()
    let tracerProvider: TracerProvider

    init() {
        tracerProvider = TracerProvider(
            resource: Resource(attributes: ["service.name": "shop"]), sampler: AlwaysOnSampler(), processors: [processor])
    }

    @Test("on a route group it sees the matched route, as Vapor routes before any middleware runs")
    func grouped() async throws {
        try await withApp { app in
            let api = app.grouped("api").grouped(TelemetryMiddleware(tracerProvider: tracerProvider, stability: .stable))
            api.get("users", ":name", "**") { _ async throws -> String in "ok" }
            app.get("health") { _ async throws -> String in "ok" }
            try await app.testing().test(.GET, "/api/users/ada/a/b") { #expect($0.status == .ok) }
            try await app.testing().test(.GET, "/health") { #expect($0.status == .ok) }
        }
        let span = try #require(processor.spans.first)
        #expect(span.name == "GET /api/users/:name/**")
        #expect(span.attributes["http.route"]?.toSpanAttribute() == "/api/users/:name/**")
        #expect(span.attributes["url.path"]?.toSpanAttribute() == "/api/users/ada/a/b")
        // Routes outside the group are not traced.
        #expect(processor.spans.count == 1)
    }

    @Test("at the beginning, before ErrorMiddleware, it names and marks spans from the responses Vapor made of errors")
    func atBeginning() async throws {
        try await withApp { app in
            app.middleware.use(TelemetryMiddleware(tracerProvider: tracerProvider, stability: .stable), at: .beginning)
            app.get { _ async throws -> String in throw Abort(.badGateway) }
            try await app.testing().test(.GET, "/") { #expect($0.status == .badGateway) }
        }
        let span = try #require(processor.spans.first)
        #expect(span.name == "GET /")
        #expect(span.attributes["http.route"]?.toSpanAttribute() == "/")
        #expect(span.attributes["http.response.status_code"]?.toSpanAttribute() == 502)
        #expect(span.attributes["error.type"]?.toSpanAttribute() == "502")
        #expect(span.status?.code == .error)
        // ErrorMiddleware, inside it, has already turned the error into a response: there is no exception to record.
        #expect(span.events.isEmpty)
    }
}
