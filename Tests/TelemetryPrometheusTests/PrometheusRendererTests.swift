import Foundation
import Telemetry
import Testing

@testable import TelemetryPrometheus

/// Hand-made metric data, so that every byte of the page is known.
enum Fixture {
    static let resource = Resource(attributes: ["service.name": "orders", "telemetry.sdk.language": "swift"])
    static let scope = InstrumentationScope(name: "orders", version: "1.2.0")
    static let traceID = TraceID(hexString: "4bf92f3577b34da6a3ce929d0e0e4736")
    static let spanID = SpanID(hexString: "00f067aa0ba902b7")
    /// 2023-11-14T22:13:20.5Z.
    static let time: UInt64 = 1_700_000_000_500_000_000
    static let route: AttributeSet = ["method": "GET", "status": 200, "endpoint": "/orders"]

    static func metric(
        _ name: String, unit: String = "", description: String = "", scope: InstrumentationScope = scope,
        _ points: MetricPoints
    ) -> MetricData {
        MetricData(
            name: name, description: description, unit: unit, resource: resource, instrumentationScope: scope,
            points: points)
    }

    static func number(_ value: NumberValue, _ attributes: AttributeSet = .empty, exemplars: [Exemplar] = [])
        -> NumberPoint
    {
        NumberPoint(attributes: attributes, startTime: 1, time: time, value: value, exemplars: exemplars)
    }

    static var requests: MetricData {
        metric(
            "http.server.requests", unit: "{request}", description: "HTTP requests served",
            .sum(
                SumPoints(
                    points: [
                        number(
                            .int(5), route,
                            exemplars: [
                                Exemplar(time: time - 1, value: .int(2)),
                                Exemplar(time: time, value: .int(1), traceID: traceID, spanID: spanID),
                            ])
                    ], temporality: .cumulative, isMonotonic: true)))
    }

    static var duration: MetricData {
        metric(
            "http.server.duration", unit: "ms", description: "Duration of HTTP server requests.",
            .histogram(
                HistogramPoints(
                    points: [
                        HistogramPoint(
                            attributes: ["method": "GET"], startTime: 1, time: time, count: 4, sum: 42.5, min: 1,
                            max: 20, boundaries: [5, 10], bucketCounts: [1, 2, 1],
                            exemplars: [Exemplar(time: time, value: .double(7), traceID: traceID, spanID: spanID)])
                    ], temporality: .cumulative)))
    }

    static var memory: MetricData {
        metric(
            "process.memory.usage", unit: "By", description: "Memory in use.",
            .gauge([number(.double(1024.5))]))
    }

    static var queue: MetricData {
        metric(
            "queue.size", .sum(SumPoints(points: [number(.int(-3))], temporality: .cumulative, isMonotonic: false)))
    }

    static var all: [MetricData] { [requests, duration, memory, queue] }
}

@Suite("Rendering metric data as a Prometheus page")
struct PrometheusRendererTests {
    let exporter = PrometheusExporter()

    @Test("the 0.0.4 page: target_info, counter with _total, histogram, gauge, up-down counter, scope labels")
    func text004Golden() {
        let page = exporter.render(Fixture.all, format: .text004)
        let scope = #"otel_scope_name="orders",otel_scope_version="1.2.0""#
        let expected = """
            # HELP target_info Target metadata
            # TYPE target_info gauge
            target_info{service_name="orders",telemetry_sdk_language="swift"} 1
            # HELP http_server_requests_total HTTP requests served
            # TYPE http_server_requests_total counter
            http_server_requests_total{endpoint="/orders",method="GET",\(scope),status="200"} 5
            # HELP http_server_duration_milliseconds Duration of HTTP server requests.
            # TYPE http_server_duration_milliseconds histogram
            http_server_duration_milliseconds_bucket{method="GET",\(scope),le="5"} 1
            http_server_duration_milliseconds_bucket{method="GET",\(scope),le="10"} 3
            http_server_duration_milliseconds_bucket{method="GET",\(scope),le="+Inf"} 4
            http_server_duration_milliseconds_sum{method="GET",\(scope)} 42.5
            http_server_duration_milliseconds_count{method="GET",\(scope)} 4
            # HELP process_memory_usage_bytes Memory in use.
            # TYPE process_memory_usage_bytes gauge
            process_memory_usage_bytes{\(scope)} 1024.5
            # TYPE queue_size gauge
            queue_size{\(scope)} -3

            """
        #expect(page == expected, "\(page)")
    }

    @Test("the OpenMetrics page: family names, UNIT, exemplars on counters and buckets, # EOF")
    func openMetricsGolden() {
        let page = exporter.render(Fixture.all, format: .openMetrics100)
        let scope = #"otel_scope_name="orders",otel_scope_version="1.2.0""#
        let exemplar = #"# {trace_id="4bf92f3577b34da6a3ce929d0e0e4736",span_id="00f067aa0ba902b7"}"#
        let expected = """
            # HELP target Target metadata
            # TYPE target info
            target_info{service_name="orders",telemetry_sdk_language="swift"} 1.0
            # HELP http_server_requests HTTP requests served
            # TYPE http_server_requests counter
            http_server_requests_total{endpoint="/orders",method="GET",\(scope),status="200"} 5 \(exemplar) 1 1700000000.5
            # HELP http_server_duration_milliseconds Duration of HTTP server requests.
            # TYPE http_server_duration_milliseconds histogram
            # UNIT http_server_duration_milliseconds milliseconds
            http_server_duration_milliseconds_bucket{method="GET",\(scope),le="5.0"} 1
            http_server_duration_milliseconds_bucket{method="GET",\(scope),le="10.0"} 3 \(exemplar) 7.0 1700000000.5
            http_server_duration_milliseconds_bucket{method="GET",\(scope),le="+Inf"} 4
            http_server_duration_milliseconds_sum{method="GET",\(scope)} 42.5
            http_server_duration_milliseconds_count{method="GET",\(scope)} 4
            # HELP process_memory_usage_bytes Memory in use.
            # TYPE process_memory_usage_bytes gauge
            # UNIT process_memory_usage_bytes bytes
            process_memory_usage_bytes{\(scope)} 1024.5
            # TYPE queue_size gauge
            queue_size{\(scope)} -3
            # EOF

            """
        #expect(page == expected, "\(page)")
    }

    @Test("without units: the brief's names, _total kept, no UNIT line")
    func withoutUnits() {
        let exporter = PrometheusExporter(options: .withoutUnits)
        let text = exporter.render(Fixture.all, format: .text004)
        #expect(text.contains("# TYPE http_server_requests_total counter\n"))
        #expect(text.contains("\nhttp_server_duration_bucket{method=\"GET\","))
        #expect(text.contains("\nhttp_server_duration_count{"))
        #expect(text.contains("\nprocess_memory_usage{"))
        #expect(!text.contains("milliseconds"))
        let openMetrics = exporter.render(Fixture.all, format: .openMetrics100)
        #expect(!openMetrics.contains("# UNIT"))
        #expect(openMetrics.contains("# TYPE http_server_duration histogram\n"))
    }

    @Test("options turn off _total, target_info and the scope labels")
    func otherOptions() {
        let exporter = PrometheusExporter(
            options: .init(addsTotalSuffixes: false, exposesTargetInfo: false, addsScopeLabels: false))
        let text = exporter.render(Fixture.all, format: .text004)
        #expect(!text.contains("target_info"))
        #expect(!text.contains("otel_scope"))
        #expect(text.contains("\nhttp_server_requests{endpoint=\"/orders\",method=\"GET\",status=\"200\"} 5\n"))
        // OpenMetrics has no counter without `_total`: it is exposed as unknown.
        #expect(exporter.render(Fixture.all, format: .openMetrics100).contains("# TYPE http_server_requests unknown\n"))
    }

    @Test("streams of several scopes with one name share one family")
    func oneFamilyPerName() {
        let other = InstrumentationScope(name: "billing")
        let second = Fixture.metric(
            "http.server.requests", unit: "{request}", description: "", scope: other,
            .sum(SumPoints(points: [Fixture.number(.int(2))], temporality: .cumulative, isMonotonic: true)))
        for format in PrometheusFormat.allCases {
            let page = exporter.render([Fixture.requests, second], format: format)
            #expect(page.components(separatedBy: "# TYPE http_server_requests").count == 2, "\(page)")
            #expect(page.components(separatedBy: "# HELP http_server_requests").count == 2, "\(page)")
            #expect(page.contains("http_server_requests_total{otel_scope_name=\"billing\"} 2"), "\(page)")
            #expect(page.contains("http_server_requests_total{endpoint=\"/orders\""), "\(page)")
        }
    }

    @Test("a stream whose name belongs to a family of another type is left out; a repeated series is written once")
    func conflicts() {
        let gauge = Fixture.metric("http.server.requests", unit: "{request}", .gauge([Fixture.number(.int(9))]))
        let page = exporter.render([Fixture.requests, gauge], format: .text004)
        #expect(!page.contains(" 9\n"), "\(page)")
        #expect(page.contains("_total{endpoint=\"/orders\",method=\"GET\""))

        // The same instrument name in `ms` and in `s`, with units off, gives one name and the same labels twice.
        var seconds = Fixture.duration
        seconds.unit = "s"
        let withoutUnits = PrometheusExporter(options: .withoutUnits)
        let twice = withoutUnits.render([Fixture.duration, seconds], format: .text004)
        #expect(twice.components(separatedBy: "http_server_duration_count{").count == 2, "\(twice)")
    }

    @Test("label values, HELP text and keys are escaped and sanitised")
    func escaping() {
        let awkward = Fixture.metric(
            "odd.gauge", description: "Says \"hi\" in C:\\temp\nand more",
            .gauge([
                Fixture.number(
                    .double(1), ["http.route": "/a/\"b\"\nc\\d", "1st": "x", "foo.bar": "a", "foo_bar": "b"])
            ]))
        let text = exporter.render([awkward], format: .text004)
        #expect(text.contains(#"# HELP odd_gauge Says "hi" in C:\\temp\nand more"#), "\(text)")
        #expect(
            text.contains(
                #"odd_gauge{foo_bar="a;b",http_route="/a/\"b\"\nc\\d",key_1st="x",otel_scope_name="orders",otel_scope_version="1.2.0"} 1"#
            ), "\(text)")
        let openMetrics = exporter.render([awkward], format: .openMetrics100)
        #expect(openMetrics.contains(#"# HELP odd_gauge Says \"hi\" in C:\\temp\nand more"#), "\(openMetrics)")
    }

    @Test("delta sums and histograms are left out")
    func deltaLeftOut() {
        let delta = Fixture.metric(
            "delta.requests", .sum(SumPoints(points: [Fixture.number(.int(1))], temporality: .delta, isMonotonic: true)))
        let page = exporter.render([delta], format: .text004)
        #expect(!page.contains("delta_requests"))
    }

    @Test("an exponential histogram becomes a classic one, bucket by bucket")
    func exponentialHistogram() throws {
        let point = ExponentialHistogramPoint(
            attributes: .empty, startTime: 1, time: Fixture.time, count: 6, sum: 5, min: -1.5, max: 3.5, scale: 0,
            zeroCount: 1, positive: .init(offset: 0, counts: [1, 2]), negative: .init(offset: 0, counts: [1]))
        let buckets = PrometheusRenderer.classicBuckets(point)
        // Negative bucket 0 holds [-2, -1); zero; positive 0 holds (1, 2], positive 1 holds (2, 4]; +Inf the rest.
        #expect(buckets.boundaries == [-1, 0, 2, 4])
        #expect(buckets.counts == [1, 1, 1, 2, 1])

        let metric = Fixture.metric(
            "latency", unit: "s",
            .exponentialHistogram(ExponentialHistogramPoints(points: [point], temporality: .cumulative)))
        let page = exporter.render([metric], format: .text004)
        let scope = #"otel_scope_name="orders",otel_scope_version="1.2.0""#
        #expect(
            page.contains(
                """
                # TYPE latency_seconds histogram
                latency_seconds_bucket{\(scope),le="-1"} 1
                latency_seconds_bucket{\(scope),le="0"} 2
                latency_seconds_bucket{\(scope),le="2"} 3
                latency_seconds_bucket{\(scope),le="4"} 5
                latency_seconds_bucket{\(scope),le="+Inf"} 6
                latency_seconds_sum{\(scope)} 5
                latency_seconds_count{\(scope)} 6

                """), "\(page)")

        // A finer scale: bucket i of scale 2 ends at 2^((i+1)/4).
        let fine = ExponentialHistogramPoint(
            attributes: .empty, startTime: 1, time: 2, count: 3, sum: 4, min: 1.1, max: 1.5, scale: 2, zeroCount: 0,
            positive: .init(offset: 0, counts: [2, 1]), negative: .init(offset: 0, counts: []))
        let fineBuckets = PrometheusRenderer.classicBuckets(fine)
        #expect(fineBuckets.boundaries == [0, pow(2, 0.25), pow(2, 0.5)])
        #expect(fineBuckets.counts == [0, 2, 1, 0])
    }

    @Test("a point's own le attribute cannot clash with the bucket bound")
    func leAttribute() {
        var duration = Fixture.duration
        if case .histogram(var histogram) = duration.points {
            histogram.points[0].attributes = ["le": "mine", "method": "GET"]
            duration.points = .histogram(histogram)
        }
        let page = exporter.render([duration], format: .text004)
        #expect(!page.contains("mine"))
        #expect(page.contains(#"le="5"} 1"#))
    }

    @Test("a collection from a real provider renders every instrument kind")
    func fromProvider() throws {
        let exporter = PrometheusExporter()
        let provider = MeterProvider(resource: Fixture.resource, readers: [exporter])
        let meter = provider.meter(name: "orders", version: "1.2.0")
        meter.makeCounter(name: "http.server.requests", unit: "{request}", description: "Requests")
            .add(3, attributes: Fixture.route)
        meter.makeHistogram(name: "http.server.duration", unit: "ms").record(12.5)
        meter.makeUpDownCounter(name: "jobs.active").add(-2)
        meter.makeGauge(name: "temperature", unit: "Cel").record(21.5)
        _ = meter.makeObservableGauge(name: "process.memory.usage", unit: "By") { $0.observe(4096) }

        let (contentType, page) = exporter.render(accept: nil)
        #expect(contentType == "text/plain; version=0.0.4; charset=utf-8")
        #expect(page.contains("http_server_requests_total{endpoint=\"/orders\",method=\"GET\""))
        #expect(page.contains("http_server_duration_milliseconds_bucket{"))
        #expect(page.contains(#"le="25"} 1"#))
        #expect(page.contains("# TYPE jobs_active gauge\njobs_active{"))
        #expect(page.contains("# TYPE temperature_celsius gauge\ntemperature_celsius{"))
        #expect(page.contains("process_memory_usage_bytes{otel_scope_name=\"orders\",otel_scope_version=\"1.2.0\"} 4096"))
        #expect(page.contains("target_info{service_name=\"orders\""))

        let openMetrics = exporter.render(accept: "application/openmetrics-text; version=1.0.0")
        #expect(openMetrics.contentType == "application/openmetrics-text; version=1.0.0; charset=utf-8")
        #expect(openMetrics.body.hasSuffix("# EOF\n"))
    }
}
