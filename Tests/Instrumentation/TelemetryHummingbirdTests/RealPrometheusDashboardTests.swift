import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Telemetry
import TelemetryHummingbird
import TelemetryPrometheus
import Testing
@testable import PrometheusTestSupport
import TelemetryTesting

/// The brief's monitoring section, end to end: a Hummingbird server on 127.0.0.1 with `TelemetryMiddleware`'s
/// dashboard names, exposed without units on its own `/metrics`, scraped by a real Prometheus, and every PromQL query
/// of the brief run unchanged.
@Suite("The brief's PromQL queries answer against a real Prometheus scraping a Hummingbird server", .serialized)
struct RealPrometheusDashboardTests {
    @Test(
        "request rate, 5xx ratio, p95 latency and QPS by endpoint",
        .enabled(if: PrometheusServerProcess.path != nil, Comment(rawValue: PrometheusServerProcess.missing)),
        .timeLimit(.minutes(2)))
    func dashboard() async throws {
        let exporter = PrometheusExporter(options: .withoutUnits)
        let meterProvider = MeterProvider(
            resource: Resource(attributes: ["service.name": "my-service"]), readers: [exporter])
        let processor = CollectingSpanProcessor()
        let tracerProvider = TracerProvider(sampler: AlwaysOnSampler(), processors: [processor])

        let router = Router(context: AddressedContext.self)
        router.add(
            middleware: TelemetryMiddleware(
                meterProvider: meterProvider, tracerProvider: tracerProvider, dashboardNames: true, stability: .stable))
        router.get("api/orders/:id") { _, _ in "order" }
        router.post("api/orders") { _, _ in Response(status: .created) }
        router.get("api/fail") { _, _ -> String in throw HTTPError(.internalServerError) }
        router.get("metrics") { request, _ in
            let page = exporter.render(accept: request.headers[.accept])
            return Response(
                status: .ok, headers: [.contentType: page.contentType],
                body: ResponseBody(byteBuffer: ByteBuffer(string: page.body)))
        }

        let (ports, portReady) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in portReady.yield(channel.localAddress?.port ?? 0) },
            logger: Logger(label: "dashboard-test")
        )
        let group = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [], logger: Logger(label: "dashboard-test")))
        let server = Task { try await group.run() }
        defer { server.cancel() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        try #require(port > 0)

        do {
            try await run(port: port, processor: processor)
            await group.triggerGracefulShutdown()
            try await server.value
        } catch {
            await group.triggerGracefulShutdown()
            _ = try? await server.value
            throw error
        }
        withExtendedLifetime((meterProvider, tracerProvider)) {}
    }

    private func send(_ port: Int, _ method: String, _ path: String, times: Int = 1) async throws {
        for _ in 0..<times {
            _ = try await RawHTTP.get(port: port, path, method: method)
        }
    }

    private func run(port: Int, processor: CollectingSpanProcessor) async throws {
        // One request of each kind before the first scrape, so every series has a sample before the measured
        // traffic (Prometheus counts no increase in a series' first sample).
        #expect(try await RawHTTP.get(port: port, "/api/orders/1").status == 200)
        #expect(try await RawHTTP.get(port: port, "/api/orders", method: "POST").status == 201)
        #expect(try await RawHTTP.get(port: port, "/api/fail").status == 500)

        // The real server recorded the peer and the Host header. The span ends once the body is written, which may be
        // just after the client has the response: wait for it.
        let span = await processor.span(named: "GET /api/orders/{id}")
        #expect(span.attributes["client.address"]?.toSpanAttribute() == "127.0.0.1")
        #expect(span.attributes["server.address"]?.toSpanAttribute() == "127.0.0.1")
        #expect(span.attributes["server.port"]?.toSpanAttribute() == .int64(Int64(port)))

        let prometheus = try PrometheusServerProcess(targets: [("hummingbird", port)])
        defer { prometheus.stop() }
        let ready = try await prometheus.waitUntil { await prometheus.isReady() }
        try #require(ready, "Prometheus did not become ready:\n\(prometheus.log)")

        let failed = #"http_server_requests_total{endpoint="/api/fail"}"#
        let firstScrape = try await prometheus.waitUntil { try await prometheus.query(failed).first?.value == 1 }
        try #require(firstScrape, "no scrape within 30 s:\n\(prometheus.log)")

        // The measured traffic: 40 GETs, 10 POSTs and 5 failures.
        try await send(port, "GET", "/api/orders/7", times: 40)
        try await send(port, "POST", "/api/orders", times: 10)
        try await send(port, "GET", "/api/fail", times: 5)

        let scraped = try await prometheus.waitUntil { try await prometheus.query(failed).first?.value == 6 }
        try #require(scraped, "the traffic was not scraped within 30 s:\n\(prometheus.log)")

        let up = try await prometheus.query("up")
        #expect(up.count == 1 && up.first?.value == 1, "\(up)")

        // Request rate.
        let rate = try await prometheus.query("rate(http_server_requests_total[5m])")
        let rateByEndpoint = Dictionary(
            rate.map { ("\($0.labels["method"] ?? "") \($0.labels["endpoint"] ?? "") \($0.labels["status"] ?? "")", $0.value) },
            uniquingKeysWith: +)
        #expect((rateByEndpoint["GET /api/orders/{id} 200"] ?? 0) > 0, "\(rate)")
        #expect((rateByEndpoint["POST /api/orders 201"] ?? 0) > 0, "\(rate)")
        #expect((rateByEndpoint["GET /api/fail 500"] ?? 0) > 0, "\(rate)")

        // Error ratio, as the brief writes it: label sets match one to one, so each 5xx series over itself.
        let ratio = try await prometheus.query(
            #"rate(http_server_requests_total{status=~"5.."}[5m]) / rate(http_server_requests_total[5m])"#)
        #expect(ratio.count == 1, "\(ratio)")
        #expect(ratio.first?.labels["endpoint"] == "/api/fail", "\(ratio)")
        #expect(ratio.first?.value == 1, "\(ratio)")
        // And summed over all series: 5 of the 55 measured requests (plus the scrapes of /metrics) failed.
        let overall = try await prometheus.query(
            #"sum(rate(http_server_requests_total{status=~"5.."}[5m])) / sum(rate(http_server_requests_total[5m]))"#)
        let share = overall.first?.value ?? .nan
        #expect(share > 0 && share < 0.2, "\(overall)")

        // P95 latency: one series per method, status and endpoint, in milliseconds.
        let p95 = try await prometheus.query("histogram_quantile(0.95, rate(http_server_duration_bucket[5m]))")
        let ordersP95 = p95.first { $0.labels["endpoint"] == "/api/orders/{id}" }?.value ?? .nan
        #expect(ordersP95.isFinite && ordersP95 > 0 && ordersP95 <= 10_000, "\(p95)")

        // QPS by endpoint.
        let qps = try await prometheus.query("sum(rate(http_server_requests_total[1m])) by (endpoint)")
        let qpsByEndpoint = Dictionary(qps.map { ($0.labels["endpoint"] ?? "", $0.value) }, uniquingKeysWith: +)
        for endpoint in ["/api/orders/{id}", "/api/orders", "/api/fail"] {
            #expect((qpsByEndpoint[endpoint] ?? 0) > 0, "\(endpoint): \(qps)")
        }
        #expect(qps.allSatisfy { $0.labels.keys.sorted() == ["endpoint"] }, "\(qps)")

        // The conventions' own histogram is there too, in seconds.
        let stable = try await prometheus.query(#"http_server_request_duration_count{http_route="/api/orders/{id}"}"#)
        #expect(stable.first?.value == 41, "\(stable)")

        print(
            """
            Hummingbird + real Prometheus: rate=\(rateByEndpoint.sorted { $0.key < $1.key }); \
            5xx ratio=\(share); p95 /api/orders/{id}=\(ordersP95) ms; qps=\(qpsByEndpoint.sorted { $0.key < $1.key })
            """)
    }
}
