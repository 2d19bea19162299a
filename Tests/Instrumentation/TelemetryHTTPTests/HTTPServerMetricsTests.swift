import Telemetry
import TelemetryHTTP
import Testing

@Suite("HTTP server metrics")
struct HTTPServerMetricsTests {
    let request = HTTPServerRequestInfo(
        method: "GET", path: "/orders/7", scheme: "http", route: "/orders/{id}", protocolVersion: "1.1",
        requestBodySize: 10)

    @Test("the conventions' instruments, units, bucket boundaries and attributes")
    func conventions() throws {
        let reader = ManualMetricReader()
        let metrics = HTTPServerMetrics(meter: MeterProvider(readers: [reader]).meter(name: "test"), stability: .stable)
        metrics.requestStarted(request)
        let during = reader.collect()
        #expect(try sum(during, "http.server.active_requests").value.doubleValue == 1)

        metrics.requestEnded(request, statusCode: 503, errorType: "503", duration: .milliseconds(120), responseBodySize: 42)
        let data = reader.collect()
        #expect(try sum(data, "http.server.active_requests").value.doubleValue == 0)

        let duration = try metric(data, "http.server.request.duration")
        #expect(duration.unit == "s")
        let point = try histogram(data, "http.server.request.duration")
        #expect(point.boundaries == [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10])
        #expect(point.count == 1)
        #expect(abs((point.sum ?? 0) - 0.12) < 1e-9)
        #expect(point.attributes == [
            "http.request.method": "GET", "url.scheme": "http", "http.response.status_code": 503,
            "http.route": "/orders/{id}", "network.protocol.version": "1.1", "error.type": "503",
        ])
        #expect(try histogram(data, "http.server.request.body.size").sum == 10)
        #expect(try histogram(data, "http.server.response.body.size").sum == 42)
        #expect(try metric(data, "http.server.response.body.size").unit == "By")
        // Neither the dashboard names nor the old ones unless asked for.
        #expect(!data.contains { $0.name == "http.server.requests" || $0.name == "http.server.duration" })
    }

    @Test("dashboard names: http.server.requests and http.server.duration in ms with method, status and endpoint")
    func dashboardNames() throws {
        let reader = ManualMetricReader()
        let metrics = HTTPServerMetrics(
            meter: MeterProvider(readers: [reader]).meter(name: "test"), dashboardNames: true, stability: .stable)
        var unmatched = request
        unmatched.route = nil
        for (info, status) in [(request, 200), (request, 200), (unmatched, 404)] {
            metrics.requestStarted(info)
            metrics.requestEnded(info, statusCode: status, errorType: nil, duration: .milliseconds(30), responseBodySize: nil)
        }
        let data = reader.collect()
        let requests = try sumPoints(data, "http.server.requests")
        let byEndpoint = Dictionary(uniqueKeysWithValues: requests.map { ($0.attributes, $0.value.doubleValue) })
        #expect(byEndpoint[["method": "GET", "status": "200", "endpoint": "/orders/{id}"]] == 2)
        #expect(byEndpoint[["method": "GET", "status": "404", "endpoint": "unmatched"]] == 1)
        let duration = try metric(data, "http.server.duration")
        #expect(duration.unit == "ms")
        guard case .histogram(let histogram) = duration.points else { throw Missing(description: "no histogram") }
        // One series per method, status and endpoint; points come in no particular order.
        let point = try #require(histogram.points.first { $0.attributes["endpoint"] == "/orders/{id}" })
        #expect(point.boundaries == HTTPServerMetrics.millisecondBucketBoundaries)
        #expect(point.count == 2 && abs((point.sum ?? 0) - 60) < 1e-6)
        #expect(point.attributes == ["method": "GET", "status": "200", "endpoint": "/orders/{id}"])
        #expect(histogram.points.count == 2)
    }

    @Test("http/dup also records the old metrics with the old attribute names")
    func oldNames() throws {
        let reader = ManualMetricReader()
        let metrics = HTTPServerMetrics(meter: MeterProvider(readers: [reader]).meter(name: "test"), stability: .duplicate)
        metrics.requestStarted(request)
        metrics.requestEnded(request, statusCode: 200, errorType: nil, duration: .milliseconds(5), responseBodySize: 3)
        let data = reader.collect()
        let old = try histogram(data, "http.server.duration")
        #expect(try metric(data, "http.server.duration").unit == "ms")
        #expect(old.attributes["http.method"] == "GET")
        #expect(old.attributes["http.status_code"] == 200)
        #expect(old.attributes["http.scheme"] == "http")
        #expect(try histogram(data, "http.server.response.size").sum == 3)
        #expect(try histogram(data, "http.server.request.size").sum == 10)
        // The stable ones stay.
        #expect(try histogram(data, "http.server.request.duration").count == 1)
    }

    // MARK: Helpers

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    func metric(_ data: [MetricData], _ name: String) throws -> MetricData {
        guard let found = data.first(where: { $0.name == name }) else {
            throw Missing(description: "no \(name) in \(data.map(\.name))")
        }
        return found
    }

    func sumPoints(_ data: [MetricData], _ name: String) throws -> [NumberPoint] {
        guard case .sum(let sum) = try metric(data, name).points else { throw Missing(description: "\(name) is no sum") }
        return sum.points
    }

    func sum(_ data: [MetricData], _ name: String) throws -> NumberPoint {
        guard let point = try sumPoints(data, name).first else { throw Missing(description: "\(name) has no point") }
        return point
    }

    func histogram(_ data: [MetricData], _ name: String) throws -> HistogramPoint {
        guard case .histogram(let histogram) = try metric(data, name).points, let point = histogram.points.first else {
            throw Missing(description: "\(name) is no histogram with a point")
        }
        return point
    }
}
