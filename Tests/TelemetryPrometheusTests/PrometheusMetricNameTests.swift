import Testing

@testable import TelemetryPrometheus

/// Metric names, per the specification's "OTLP Metric points to Prometheus" ("Metric Metadata" and "Sums").
@Suite("Prometheus metric names")
struct PrometheusMetricNameTests {
    func name(
        _ name: String,
        _ unit: String = "",
        _ kind: PrometheusMetricKind = .gauge,
        _ options: PrometheusNamingOptions = .init()
    ) -> PrometheusMetricName? {
        PrometheusMetricName(name: name, unit: unit, kind: kind, options: options)
    }

    // MARK: The product brief's metrics

    @Test("http.server.duration in ms is the histogram http_server_duration_milliseconds")
    func briefHistogram() throws {
        let metric = try #require(name("http.server.duration", "ms", .histogram))
        #expect(metric.family == "http_server_duration_milliseconds")
        #expect(metric.sample == "http_server_duration_milliseconds")
        #expect(metric.unit == "milliseconds")
        #expect(metric.family + PrometheusName.bucketSuffix == "http_server_duration_milliseconds_bucket")
        #expect(metric.metadataName(in: .text004) == "http_server_duration_milliseconds")
        #expect(metric.metadataName(in: .openMetrics100) == "http_server_duration_milliseconds")
        #expect(metric.typeName(in: .text004) == "histogram")
    }

    @Test("the counter http.server.requests is http_server_requests_total")
    func briefCounter() throws {
        let metric = try #require(name("http.server.requests", "", .counter))
        #expect(metric.sample == "http_server_requests_total")
        #expect(metric.family == "http_server_requests")
        #expect(metric.unit == nil)
        // 0.0.4 names a counter's metadata after its samples; OpenMetrics after its family.
        #expect(metric.metadataName(in: .text004) == "http_server_requests_total")
        #expect(metric.metadataName(in: .openMetrics100) == "http_server_requests")
        #expect(metric.typeName(in: .text004) == "counter")
        #expect(metric.typeName(in: .openMetrics100) == "counter")
    }

    @Test("without units: http_server_duration, and the counter keeps _total")
    func briefWithoutUnits() throws {
        let withoutUnits = PrometheusNamingOptions(addsUnitSuffixes: false)
        let histogram = try #require(name("http.server.duration", "ms", .histogram, withoutUnits))
        #expect(histogram.family == "http_server_duration")
        #expect(histogram.unit == nil)
        #expect(histogram.family + PrometheusName.bucketSuffix == "http_server_duration_bucket")
        let counter = try #require(name("http.server.requests", "{request}", .counter, withoutUnits))
        #expect(counter.sample == "http_server_requests_total")
        let bytes = try #require(name("http.server.requests", "By", .counter, withoutUnits))
        #expect(bytes.sample == "http_server_requests_total")
        // `_ratio` is a unit word too, as in the Go exporter's WithoutUnits.
        #expect(name("cpu.utilization", "1", .gauge, withoutUnits)?.family == "cpu_utilization")
    }

    // MARK: Characters

    @Test(
        "characters outside [a-zA-Z0-9_:] become _, and runs of _ become one",
        arguments: [
            ("http.server.duration", "http_server_duration"),
            ("system.cpu.utilization-percent", "system_cpu_utilization_percent"),
            ("a..b", "a_b"),
            ("a__b___c", "a_b_c"),
            ("a._b", "a_b"),
            ("(lambda).function.executions(#)", "_lambda_function_executions_"),
            ("namespace:sub:metric", "namespace:sub:metric"),
            ("UPPER.lower", "UPPER_lower"),
            ("températures", "temp_ratures"),
            ("日本.count", "_count"),
            ("a b\tc", "a_b_c"),
            ("_leading", "_leading"),
        ]
    )
    func sanitisation(input: String, expected: String) {
        #expect(name(input)?.family == expected)
    }

    @Test(
        "a name that would start with a digit gets a leading _",
        arguments: [
            ("2xx.responses", "", PrometheusMetricKind.gauge, "_2xx_responses"),
            ("5xx", "", .counter, "_5xx_total"),
            ("9", "s", .histogram, "_9_seconds"),
        ])
    func leadingDigit(input: String, unit: String, kind: PrometheusMetricKind, expected: String) {
        #expect(name(input, unit, kind)?.sample == expected)
    }

    @Test("a name with nothing usable left is refused", arguments: ["", "_", "...", "日本"])
    func unusable(input: String) {
        #expect(name(input) == nil)
        #expect(name(input, "", .counter) == nil)
    }

    // MARK: Suffixes

    @Test(
        "the unit suffix is added once, before the type suffix",
        arguments: [
            // (name, unit, kind, sample)
            ("system.filesystem.usage", "By", PrometheusMetricKind.gauge, "system_filesystem_usage_bytes"),
            ("request.latency", "s", .histogram, "request_latency_seconds"),
            ("request.latency.seconds", "s", .histogram, "request_latency_seconds"),
            ("request_latency_seconds", "s", .histogram, "request_latency_seconds"),
            ("sent", "By", .counter, "sent_bytes_total"),
            ("sent.bytes", "By", .counter, "sent_bytes_total"),
            ("sent_bytes_total", "By", .counter, "sent_bytes_total"),
            ("sent_total", "By", .counter, "sent_bytes_total"),
            ("cache.hits_total", "", .counter, "cache_hits_total"),
            ("io.speed", "By/s", .gauge, "io_speed_bytes_per_second"),
            ("io.speed_bytes_per_second", "By/s", .gauge, "io_speed_bytes_per_second"),
            // The unit must end the name; occurring inside it is not enough (specification PR 4057).
            ("seconds.before.birthday", "s", .gauge, "seconds_before_birthday_seconds"),
            ("seconds", "s", .gauge, "seconds_seconds"),
            ("timeout_milliseconds", "s", .gauge, "timeout_milliseconds_seconds"),
            // The name's own trailing `_` does not double the separator.
            ("latency.", "ms", .histogram, "latency_milliseconds"),
            ("hits.", "", .counter, "hits_total"),
            ("hits.", "", .gauge, "hits_"),
            // Annotations are dropped; an annotation-only unit adds nothing.
            ("system.network.dropped", "{packets}", .counter, "system_network_dropped_total"),
            ("system.network.dropped", "packets", .counter, "system_network_dropped_packets_total"),
            ("queue.length", "{item}", .gauge, "queue_length"),
            // Dimensionless: ratio for gauges only.
            ("system.memory.utilization", "1", .gauge, "system_memory_utilization_ratio"),
            ("system.memory.utilization_ratio", "1", .gauge, "system_memory_utilization_ratio"),
            ("requests", "1", .counter, "requests_total"),
            ("sizes", "1", .histogram, "sizes"),
            ("balance", "1", .unknown, "balance"),
        ]
    )
    func suffixes(input: String, unit: String, kind: PrometheusMetricKind, expected: String) {
        #expect(name(input, unit, kind)?.sample == expected)
    }

    @Test("_total is added only to counters")
    func totalOnlyForCounters() {
        for kind in PrometheusMetricKind.allCases where kind != .counter && kind != .info {
            #expect(name("requests", "", kind)?.sample == "requests", "\(kind)")
        }
        #expect(name("requests", "", .counter)?.sample == "requests_total")
    }

    @Test("without counter suffixes: the name stays as given, and OpenMetrics sees an unknown metric")
    func withoutTotal() throws {
        let options = PrometheusNamingOptions(addsTotalSuffixes: false)
        let plain = try #require(name("http.server.requests", "", .counter, options))
        #expect(plain.sample == "http_server_requests")
        #expect(plain.metadataName(in: .text004) == "http_server_requests")
        #expect(plain.typeName(in: .text004) == "counter")
        #expect(plain.typeName(in: .openMetrics100) == "unknown")
        #expect(name("sent", "By", .counter, options)?.sample == "sent_bytes")
        #expect(name("sent_total", "", .counter, options)?.sample == "sent_total")
    }

    @Test("the OpenMetrics UNIT is the unit word that ends the family name")
    func unitMetadata() throws {
        let metric = try #require(name("process.cpu.time", "s", .counter))
        #expect(metric.unit == "seconds")
        #expect(metric.family == "process_cpu_time_seconds")
        #expect(metric.family.hasSuffix("_" + (metric.unit ?? "-")))
        #expect(name("process.cpu.time", "{tick}", .counter)?.unit == nil)
        #expect(name("memory.utilization", "1", .gauge)?.unit == "ratio")
        #expect(name("requests", "1", .counter)?.unit == nil)
    }

    // MARK: Resource

    @Test("the resource is target_info: a gauge in 0.0.4, the info family target in OpenMetrics")
    func targetInfo() throws {
        let target = try #require(name(PrometheusName.targetInfoFamily, "", .info))
        #expect(target.sample == PrometheusName.targetInfoMetric)
        #expect(target.sample == "target_info")
        #expect(target.metadataName(in: .text004) == "target_info")
        #expect(target.typeName(in: .text004) == "gauge")
        #expect(target.metadataName(in: .openMetrics100) == "target")
        #expect(target.typeName(in: .openMetrics100) == "info")
        // An info name that already ends with `_info` is not given a second one.
        #expect(name("build_info", "", .info)?.sample == "build_info")
    }

    @Test("TYPE words per format")
    func typeWords() {
        #expect(PrometheusMetricKind.unknown.typeName(in: .text004) == "untyped")
        #expect(PrometheusMetricKind.unknown.typeName(in: .openMetrics100) == "unknown")
        #expect(PrometheusMetricKind.summary.typeName(in: .openMetrics100) == "summary")
        #expect(PrometheusMetricKind.gauge.typeName(in: .text004) == "gauge")
    }

    @Test("fixed names from the specification")
    func constants() {
        #expect(PrometheusName.scopeNameLabel == "otel_scope_name")
        #expect(PrometheusName.scopeVersionLabel == "otel_scope_version")
        #expect(PrometheusName.scopeSchemaURLLabel == "otel_scope_schema_url")
        #expect(PrometheusName.exemplarTraceIDLabel == "trace_id")
        #expect(PrometheusName.exemplarSpanIDLabel == "span_id")
        #expect(PrometheusName.bucketBoundLabel == "le")
        #expect(
            [
                PrometheusName.bucketSuffix, PrometheusName.sumSuffix, PrometheusName.countSuffix,
                PrometheusName.createdSuffix,
            ]
                == ["_bucket", "_sum", "_count", "_created"])
        #expect(PrometheusExpositionFormat.text004.contentType == "text/plain; version=0.0.4; charset=utf-8")
        #expect(
            PrometheusExpositionFormat.openMetrics100.contentType
                == "application/openmetrics-text; version=1.0.0; charset=utf-8")
    }
}
