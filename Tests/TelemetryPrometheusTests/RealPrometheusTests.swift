import Foundation
import Telemetry
import Testing

@testable import PrometheusTestSupport
@testable import TelemetryPrometheus

@Suite("A real Prometheus scrapes the endpoint and answers the brief's queries", .serialized)
struct RealPrometheusTests {
    @Test(
        "rate(), histogram_quantile() and sum by (le) over a real scrape, with and without units",
        .enabled(if: PrometheusServerProcess.path != nil, Comment(rawValue: PrometheusServerProcess.missing)),
        .timeLimit(.minutes(2)))
    func scrape() async throws {
        // One provider, two pull exporters: the brief's names (without units) and the specification's default names.
        let brief = PrometheusExporter(options: .withoutUnits)
        let standard = PrometheusExporter()
        let provider = MeterProvider(
            resource: Resource(attributes: ["service.name": "orders", "service.instance.id": "test-1"]),
            readers: [brief, standard])
        let instruments = BriefInstruments(provider)
        // Before the first scrape: one request of each kind, so that every series exists before the measured traffic
        // (Prometheus counts no increase in a series' first sample).
        instruments.requests.add(1, attributes: BriefInstruments.getOrders)
        instruments.requests.add(1, attributes: BriefInstruments.postOrders)
        instruments.duration.record(30)

        let briefServer = try PrometheusHTTPServer(exporter: brief, host: "127.0.0.1", port: 0)
        let standardServer = try PrometheusHTTPServer(exporter: standard, host: "127.0.0.1", port: 0)
        try await withRunningServer(briefServer) { briefPort in
            try await withRunningServer(standardServer) { standardPort in
                let prometheus = try PrometheusServerProcess(targets: [
                    ("brief", briefPort), ("default_names", standardPort),
                ])
                defer { prometheus.stop() }
                try await run(prometheus, instruments)
            }
        }
        withExtendedLifetime(provider) {}
    }

    private func run(_ prometheus: PrometheusServerProcess, _ instruments: BriefInstruments) async throws {
        let started = Date()
        let ready = try await prometheus.waitUntil { await prometheus.isReady() }
        try #require(ready, "Prometheus did not become ready:\n\(prometheus.log)")

        // Both targets scraped once, with the first request.
        let firstScrape = try await prometheus.waitUntil {
            try await prometheus.query("http_server_requests_total").count == 4
        }
        try #require(firstScrape, "no scrape within 30 s:\n\(prometheus.log)")
        let firstScrapeSeconds = Date().timeIntervalSince(started)

        // The measured traffic: 69 GET and 29 POST requests; 100 durations, 90 of 30 ms and 10 of 300 ms.
        instruments.requests.add(69, attributes: BriefInstruments.getOrders)
        instruments.requests.add(29, attributes: BriefInstruments.postOrders)
        for _ in 0..<90 { instruments.duration.record(30) }
        for _ in 0..<10 { instruments.duration.record(300) }

        // Every series had a sample before the traffic; one scrape of each target after it is enough for rate().
        let scraped = try await prometheus.waitUntil {
            let samples = try await prometheus.query(#"http_server_requests_total{method="POST"}"#)
            return samples.count == 2 && samples.allSatisfy { $0.value == 30 }
        }
        try #require(scraped, "the traffic was not scraped within 30 s:\n\(prometheus.log)")
        let scrapedSeconds = Date().timeIntervalSince(started)

        // Both targets are up, and they answered in OpenMetrics, which Prometheus 2 asks for first.
        let up = try await prometheus.query("up")
        #expect(up.count == 2 && up.allSatisfy { $0.value == 1 }, "\(up)")

        // The raw counter carries the recorded totals and every label.
        let raw = try await prometheus.query(#"http_server_requests_total{job="brief"}"#)
        let byMethod = Dictionary(raw.map { ($0.labels["method"] ?? "", $0) }, uniquingKeysWith: { first, _ in first })
        #expect(byMethod["GET"]?.value == 70, "\(raw)")
        #expect(byMethod["POST"]?.value == 30, "\(raw)")
        #expect(byMethod["GET"]?.labels["status"] == "200")
        #expect(byMethod["GET"]?.labels["endpoint"] == "/orders")
        #expect(byMethod["GET"]?.labels["otel_scope_name"] == "orders")
        #expect(byMethod["GET"]?.labels["otel_scope_version"] == "1.0.0")

        // The brief's query, unchanged: one series per method and job, all increasing.
        let rate = try await prometheus.query("rate(http_server_requests_total[5m])")
        #expect(rate.count == 4, "\(rate)")
        #expect(rate.allSatisfy { $0.value > 0 }, "\(rate)")
        // increase() extrapolates to the window's edges, so it is at least the 69 requests recorded between scrapes.
        let increase = try await prometheus.query(#"increase(http_server_requests_total{job="brief",method="GET"}[5m])"#)
        #expect(increase.count == 1 && increase[0].value >= 69, "\(increase)")

        // The brief's p95, unchanged: 95 of the 100 measured requests are at most in the (250, 500] bucket.
        let p95 = try await prometheus.query("histogram_quantile(0.95, rate(http_server_duration_bucket[5m]))")
        #expect(p95.count == 1, "\(p95)")
        let quantile = p95.first?.value ?? .nan
        #expect(quantile > 250 && quantile <= 500, "p95 \(quantile)")

        // The buckets summed by le: cumulative counts of everything recorded (1 + 100 values).
        let buckets = try await prometheus.query("sum by (le) (http_server_duration_bucket)")
        let byBound = Dictionary(
            buckets.compactMap { sample in sample.labels["le"].flatMap(Double.init).map { ($0, sample.value) } },
            uniquingKeysWith: { first, _ in first })
        #expect(byBound[.infinity] == 101, "\(buckets)")
        // `le="50.0"` rather than `le="50"`: Prometheus scraped the OpenMetrics page, which it asks for first.
        #expect(buckets.contains { $0.labels["le"] == "50.0" }, "\(buckets)")
        #expect(byBound[25] == 0, "\(buckets)")
        #expect(byBound[50] == 91, "\(buckets)")
        #expect(byBound[250] == 91, "\(buckets)")
        #expect(byBound[500] == 101, "\(buckets)")
        let count = try await prometheus.query("http_server_duration_count")
        #expect(count.map(\.value) == [101], "\(count)")

        // The specification's default translation names the histogram with its unit.
        let defaultBuckets = try await prometheus.query(#"http_server_duration_milliseconds_bucket{le="+Inf"}"#)
        #expect(defaultBuckets.map(\.value) == [101], "\(defaultBuckets)")
        #expect(defaultBuckets.first?.labels["job"] == "default_names")
        let defaultP95 = try await prometheus.query(
            "histogram_quantile(0.95, rate(http_server_duration_milliseconds_bucket[5m]))")
        #expect(defaultP95.count == 1 && defaultP95[0].value > 250 && defaultP95[0].value <= 500, "\(defaultP95)")

        // The resource, as target_info.
        let target = try await prometheus.query(#"target_info{job="brief"}"#)
        #expect(target.first?.labels["service_name"] == "orders", "\(target)")
        #expect(target.first?.labels["service_instance_id"] == "test-1", "\(target)")

        print(
            """
            Real Prometheus: first scrape after \(String(format: "%.1f", firstScrapeSeconds)) s, traffic scraped \
            after \(String(format: "%.1f", scrapedSeconds)) s; \
            http_server_requests_total GET=\(byMethod["GET"]?.value ?? -1) POST=\(byMethod["POST"]?.value ?? -1); \
            rate=\(rate.map { "\($0.labels["job"] ?? "")/\($0.labels["method"] ?? ""): \($0.value)" }); \
            p95=\(quantile) ms; default-names p95=\(defaultP95.first?.value ?? .nan) ms; \
            sum by (le)=\(byBound.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" })
            """)
    }
}
