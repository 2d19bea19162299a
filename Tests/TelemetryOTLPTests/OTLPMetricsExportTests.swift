import Foundation
import Logging
import Telemetry
@testable import TelemetryOTLP
import TelemetryTesting
import Testing

/// A meter provider whose periodic reader exports through an OTLP metric exporter, with its work running. The
/// interval is an hour: every export in these tests comes from `forceFlush()`.
struct MetricsPipeline {
    let provider: MeterProvider
    let reader: PeriodicExportingMetricReader
    let exporter: OTLPMetricExporter
    let worker: Task<Void, any Error>

    init(
        _ configuration: OTLPExporterConfiguration,
        environment: [String: String] = [:],
        resource: Resource = Resource(attributes: ["service.name": "otlp-metrics-test"]),
        logger: Logger = TelemetryDiagnostics.logger
    ) throws {
        exporter = try OTLPMetricExporter(configuration: configuration, environment: environment, isStrict: true, logger: logger)
        reader = try PeriodicExportingMetricReader(exporter: exporter, configuration: .init(interval: .seconds(3600)))
        provider = MeterProvider(resource: resource, readers: [reader], logger: logger)
        let provider = self.provider
        // Also runs the exporter's connections, which gRPC needs.
        worker = Task { try await provider.run() }
    }

    /// Shuts the provider down, then stops the worker by cancellation, as `TelemetryService` does.
    func shutdown() async throws {
        try await provider.shutdown()
        worker.cancel()
        try await worker.value
    }
}

extension OTLPExporterConfiguration {
    /// The receiver as a base endpoint, so that HTTP adds `/v1/metrics` itself.
    static func metricsReceiver(_ receiver: OTLPReceiver, _ protocol: OTLPProtocol) -> OTLPExporterConfiguration {
        var configuration = OTLPExporterConfiguration()
        configuration.protocol = `protocol`
        configuration.baseEndpoint = "http://127.0.0.1:\(`protocol` == .grpc ? receiver.grpcPort : receiver.httpPort)"
        return configuration
    }
}

extension OTLPReceiver {
    /// The decoded metrics requests received so far.
    var metricsRequests: [[String: Any]] { requests.filter { $0["signal"] as? String == "metrics" } }

    /// The metrics of the `index`th metrics request, by name, each with its `ScopeMetrics` and `ResourceMetrics`.
    func metrics(inRequest index: Int) -> [String: (metric: [String: Any], scope: [String: Any], resource: [String: Any])] {
        let requests = metricsRequests
        guard requests.indices.contains(index) else { return [:] }
        var result: [String: (metric: [String: Any], scope: [String: Any], resource: [String: Any])] = [:]
        let body = requests[index]["request"] as? [String: Any] ?? [:]
        for resourceMetrics in body["resourceMetrics"] as? [[String: Any]] ?? [] {
            for scopeMetrics in resourceMetrics["scopeMetrics"] as? [[String: Any]] ?? [] {
                for metric in scopeMetrics["metrics"] as? [[String: Any]] ?? [] {
                    if let name = metric["name"] as? String { result[name] = (metric, scopeMetrics, resourceMetrics) }
                }
            }
        }
        return result
    }

    /// Waits until at least `count` metrics requests have arrived.
    @discardableResult
    func waitForMetricsRequests(_ count: Int, timeout: Duration = .seconds(30)) async throws -> Bool {
        try await waitUntil(timeout: timeout) { records in
            records.filter { $0["signal"] as? String == "metrics" && $0["request"] != nil }.count >= count
        }
    }
}

/// The data points of a decoded metric of kind `kind` (`sum`, `gauge`, `histogram`).
func dataPoints(_ metric: [String: Any]?, _ kind: String) -> [[String: Any]] {
    ((metric?[kind] as? [String: Any])?["dataPoints"] as? [[String: Any]]) ?? []
}

@Suite("OTLP metrics export through a MeterProvider, decoded by the official protocol definitions", .serialized)
struct OTLPMetricsExportTests {
    /// The instruments of one meter, recorded once.
    struct Instruments {
        let orders: Counter<Int64>
        let queue: UpDownCounter<Int64>
        let duration: Histogram<Double>
        let temperature: Gauge<Double>
        let memory: ObservableInstrument<Int64>

        init(_ provider: MeterProvider) {
            let meter = provider.meter(
                name: "checkout", version: "1.2.0", schemaURL: "https://opentelemetry.io/schemas/1.26.0",
                attributes: ["scope.attr": "s"])
            orders = meter.makeCounter(Int64.self, name: "orders.placed", unit: "{order}", description: "Orders placed")
            queue = meter.makeUpDownCounter(Int64.self, name: "queue.depth", unit: "{item}", description: "Items waiting")
            duration = meter.makeHistogram(
                Double.self, name: "http.server.duration", unit: "ms", description: "Request time",
                explicitBucketBoundaries: [10, 100])
            temperature = meter.makeGauge(Double.self, name: "room.temperature", unit: "Cel", description: "Temperature")
            memory = meter.makeObservableGauge(Int64.self, name: "memory.free", unit: "By", description: "Free memory") {
                $0.observe(1024, attributes: ["pool": "heap"])
            }
        }

        func record() {
            orders.add(3, attributes: ["method": "GET"])
            orders.add(4, attributes: ["method": "GET"])
            orders.add(2, attributes: ["method": "POST"])
            queue.add(5)
            queue.add(-2)
            for value in [5.0, 50, 500, 7] { duration.record(value, attributes: ["route": "/orders"]) }
            temperature.record(20.5)
            temperature.record(21.25)
        }
    }

    /// The point of `points` whose attributes are `attributes`.
    func point(_ points: [[String: Any]], _ attributes: [String: AttributeValue]) -> [String: Any]? {
        points.first { metricAttributes($0["attributes"]) == attributes }
    }

    @Test("every instrument kind arrives with its name, unit, description, points, temporality, scope and resource",
          arguments: OTLPProtocol.allCases)
    func instruments(protocol: OTLPProtocol) async throws {
        let receiver = try await OTLPReceiver()
        defer { receiver.stop() }
        let pipeline = try MetricsPipeline(.metricsReceiver(receiver, `protocol`))
        let instruments = Instruments(pipeline.provider)
        instruments.record()
        try await pipeline.provider.forceFlush()
        #expect(try await receiver.waitForMetricsRequests(1))

        let line = try #require(receiver.metricsRequests.first)
        if `protocol` != .grpc {
            #expect(line["path"] as? String == "/v1/metrics")
            #expect(line["content_type"] as? String == (`protocol` == .httpJSON ? "application/json" : "application/x-protobuf"))
        }
        let metrics = receiver.metrics(inRequest: 0)
        #expect(Set(metrics.keys) == ["orders.placed", "queue.depth", "http.server.duration", "room.temperature", "memory.free"])

        let orders = try #require(metrics["orders.placed"])
        #expect(orders.metric["unit"] as? String == "{order}")
        #expect(orders.metric["description"] as? String == "Orders placed")
        let ordersSum = try #require(orders.metric["sum"] as? [String: Any])
        #expect(ordersSum["aggregationTemporality"] as? String == "AGGREGATION_TEMPORALITY_CUMULATIVE")
        #expect(ordersSum["isMonotonic"] as? Bool == true)
        let orderPoints = dataPoints(orders.metric, "sum")
        #expect(orderPoints.count == 2)
        #expect(point(orderPoints, ["method": "GET"])?["asInt"] as? String == "7")
        #expect(point(orderPoints, ["method": "POST"])?["asInt"] as? String == "2")
        let get = try #require(point(orderPoints, ["method": "GET"]))
        let start = try #require((get["startTimeUnixNano"] as? String).flatMap { UInt64($0) })
        let time = try #require((get["timeUnixNano"] as? String).flatMap { UInt64($0) })
        #expect(start > 0 && start <= time, "a cumulative point starts when the stream did and ends at the collection")

        let queue = try #require(metrics["queue.depth"])
        #expect(queue.metric["unit"] as? String == "{item}")
        #expect(queue.metric["description"] as? String == "Items waiting")
        let queueSum = try #require(queue.metric["sum"] as? [String: Any])
        #expect(queueSum["aggregationTemporality"] as? String == "AGGREGATION_TEMPORALITY_CUMULATIVE")
        #expect(queueSum["isMonotonic"] == nil, "an up-down counter is not monotonic")
        #expect(dataPoints(queue.metric, "sum").map { $0["asInt"] as? String } == ["3"])

        let duration = try #require(metrics["http.server.duration"])
        #expect(duration.metric["unit"] as? String == "ms")
        #expect(duration.metric["description"] as? String == "Request time")
        let histogram = try #require(duration.metric["histogram"] as? [String: Any])
        #expect(histogram["aggregationTemporality"] as? String == "AGGREGATION_TEMPORALITY_CUMULATIVE")
        let histogramPoint = try #require(dataPoints(duration.metric, "histogram").first)
        #expect(metricAttributes(histogramPoint["attributes"]) == ["route": "/orders"])
        #expect(histogramPoint["count"] as? String == "4")
        #expect(histogramPoint["sum"] as? Double == 562)
        #expect(histogramPoint["min"] as? Double == 5)
        #expect(histogramPoint["max"] as? Double == 500)
        #expect(histogramPoint["explicitBounds"] as? [Double] == [10, 100], "the advised boundaries")
        #expect(histogramPoint["bucketCounts"] as? [String] == ["2", "1", "1"])

        let temperature = try #require(metrics["room.temperature"])
        #expect(temperature.metric["unit"] as? String == "Cel")
        #expect(temperature.metric["description"] as? String == "Temperature")
        #expect(temperature.metric["sum"] == nil && temperature.metric["histogram"] == nil)
        #expect(dataPoints(temperature.metric, "gauge").map { $0["asDouble"] as? Double } == [21.25], "the last value")

        let memory = try #require(metrics["memory.free"])
        #expect(memory.metric["unit"] as? String == "By")
        #expect(memory.metric["description"] as? String == "Free memory")
        let memoryPoint = try #require(dataPoints(memory.metric, "gauge").first)
        #expect(memoryPoint["asInt"] as? String == "1024")
        #expect(metricAttributes(memoryPoint["attributes"]) == ["pool": "heap"])

        for (name, entry) in metrics {
            let scope = try #require(entry.scope["scope"] as? [String: Any], "\(name)")
            #expect(scope["name"] as? String == "checkout")
            #expect(scope["version"] as? String == "1.2.0")
            #expect(metricAttributes(scope["attributes"]) == ["scope.attr": "s"])
            #expect(entry.scope["schemaUrl"] as? String == "https://opentelemetry.io/schemas/1.26.0")
            #expect(metricAttributes((entry.resource["resource"] as? [String: Any])?["attributes"])
                == ["service.name": "otlp-metrics-test"])
        }
        #expect(receiver.requests.allSatisfy { $0["signal"] as? String == "metrics" }, "nothing went to another service")
        // Two counter series, one up-down counter, one histogram, one gauge and one observable gauge point.
        #expect(pipeline.exporter.statistics.exported == 6, "data points are counted, not streams")
        #expect(pipeline.exporter.statistics.failed == 0)
        try await pipeline.shutdown()
    }

    @Test("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=delta sends counter and histogram deltas, up-down totals",
          arguments: OTLPProtocol.allCases)
    func deltaPreference(protocol: OTLPProtocol) async throws {
        let receiver = try await OTLPReceiver()
        defer { receiver.stop() }
        let pipeline = try MetricsPipeline(
            .metricsReceiver(receiver, `protocol`), environment: ["OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE": "delta"])
        #expect(pipeline.exporter.temporalityPreference == .delta)
        let instruments = Instruments(pipeline.provider)
        instruments.record()
        try await pipeline.provider.forceFlush()
        #expect(try await receiver.waitForMetricsRequests(1))
        instruments.orders.add(10, attributes: ["method": "GET"])
        instruments.queue.add(1)
        instruments.duration.record(20, attributes: ["route": "/orders"])
        try await pipeline.provider.forceFlush()
        #expect(try await receiver.waitForMetricsRequests(2))

        for (index, expected) in [(0, (get: "7", queue: "3", count: "4")), (1, (get: "10", queue: "4", count: "1"))] {
            let metrics = receiver.metrics(inRequest: index)
            let orders = try #require(metrics["orders.placed"]?.metric, "collection \(index)")
            let ordersSum = try #require(orders["sum"] as? [String: Any])
            #expect(ordersSum["aggregationTemporality"] as? String == "AGGREGATION_TEMPORALITY_DELTA")
            #expect(ordersSum["isMonotonic"] as? Bool == true)
            #expect(point(dataPoints(orders, "sum"), ["method": "GET"])?["asInt"] as? String == expected.get)
            let queue = try #require(metrics["queue.depth"]?.metric)
            let queueSum = try #require(queue["sum"] as? [String: Any])
            #expect(queueSum["aggregationTemporality"] as? String == "AGGREGATION_TEMPORALITY_CUMULATIVE")
            #expect(dataPoints(queue, "sum").first?["asInt"] as? String == expected.queue)
            let histogram = try #require(metrics["http.server.duration"]?.metric["histogram"] as? [String: Any])
            #expect(histogram["aggregationTemporality"] as? String == "AGGREGATION_TEMPORALITY_DELTA")
            #expect(dataPoints(metrics["http.server.duration"]?.metric, "histogram").first?["count"] as? String == expected.count)
        }
        // A delta point starts where the previous collection ended.
        let first = try #require(point(dataPoints(receiver.metrics(inRequest: 0)["orders.placed"]?.metric, "sum"), ["method": "GET"]))
        let second = try #require(point(dataPoints(receiver.metrics(inRequest: 1)["orders.placed"]?.metric, "sum"), ["method": "GET"]))
        #expect(second["startTimeUnixNano"] as? String == first["timeUnixNano"] as? String)
        #expect(point(dataPoints(receiver.metrics(inRequest: 1)["orders.placed"]?.metric, "sum"), ["method": "POST"]) == nil,
                "an idle delta series sends nothing")
        try await pipeline.shutdown()
    }

    @Test("OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION=base2_exponential_bucket_histogram sends exponential histograms",
          arguments: OTLPProtocol.allCases)
    func exponentialHistograms(protocol: OTLPProtocol) async throws {
        let receiver = try await OTLPReceiver()
        defer { receiver.stop() }
        let pipeline = try MetricsPipeline(
            .metricsReceiver(receiver, `protocol`),
            environment: ["OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION": "base2_exponential_bucket_histogram"])
        #expect(pipeline.exporter.histogramAggregation == .base2Exponential(maxSize: 160, maxScale: 20))
        let instruments = Instruments(pipeline.provider)
        instruments.record()
        try await pipeline.provider.forceFlush()
        #expect(try await receiver.waitForMetricsRequests(1))
        let duration = try #require(receiver.metrics(inRequest: 0)["http.server.duration"]?.metric)
        #expect(duration["histogram"] == nil)
        let exponential = try #require(duration["exponentialHistogram"] as? [String: Any])
        #expect(exponential["aggregationTemporality"] as? String == "AGGREGATION_TEMPORALITY_CUMULATIVE")
        let point = try #require(dataPoints(duration, "exponentialHistogram").first)
        #expect(point["count"] as? String == "4")
        #expect(point["sum"] as? Double == 562)
        #expect(point["min"] as? Double == 5)
        #expect(point["max"] as? Double == 500)
        let positive = try #require(point["positive"] as? [String: Any])
        let counts = (positive["bucketCounts"] as? [String] ?? []).compactMap { UInt64($0) }
        #expect(counts.reduce(0, +) == 4, "every positive value is in a bucket")
        #expect(receiver.metrics(inRequest: 0)["orders.placed"]?.metric["sum"] != nil, "other instruments are unaffected")
        try await pipeline.shutdown()
    }

    @Test("a partial success for metrics counts the rejected data points as rejected and failed", arguments: OTLPProtocol.allCases)
    func partialSuccess(protocol: OTLPProtocol) async throws {
        let receiver = try await OTLPReceiver(fault: #"{"partial": [2, "too old"]}"#)
        defer { receiver.stop() }
        let logs = LogCapture()
        let pipeline = try MetricsPipeline(.metricsReceiver(receiver, `protocol`), logger: logs.logger())
        let scope = InstrumentationScope(name: "partial")
        let resource = Resource(attributes: ["service.name": "partial"])
        // Two streams holding five points: the collector counts points.
        let points = (0..<3).map { NumberPoint(attributes: ["i": .int(Int64($0))], startTime: 1, time: 2, value: .int(Int64($0))) }
        let batch = [
            MetricData(name: "a", resource: resource, instrumentationScope: scope,
                       points: .sum(SumPoints(points: points, temporality: .cumulative, isMonotonic: true))),
            MetricData(name: "b", resource: resource, instrumentationScope: scope, points: .gauge(Array(points.prefix(2)))),
        ]
        try await pipeline.exporter.export(batch)
        let statistics = pipeline.exporter.statistics
        #expect(statistics.rejected == 2)
        #expect(statistics.failed == 2)
        #expect(statistics.exported == 3)
        #expect(logs.warnings.contains { $0.contains("too old") && $0.contains("rejected_data_points") }, "\(logs.lines)")
        // The receiver's line can reach this side a moment after the exporter saw the response.
        #expect(try await receiver.waitForMetricsRequests(1))
        #expect(receiver.metricsRequests.count == 1)
        try await pipeline.shutdown()
    }

    @Test("a failed export counts every data point of the batch as failed")
    func failureCountsPoints() async throws {
        let transport = ScriptedTransport([.rejected(reason: "HTTP 400")])
        let exporter = OTLPMetricExporter(
            configuration: try resolvedConfiguration(), transport: transport, logger: LogCapture().logger())
        let points = (0..<4).map { NumberPoint(attributes: ["i": .int(Int64($0))], startTime: 1, time: 2, value: .double(1)) }
        let metric = MetricData(
            name: "m", resource: Resource(attributes: [:]), instrumentationScope: InstrumentationScope(name: "s"),
            points: .gauge(points))
        await #expect(throws: OTLPExportError.self) { try await exporter.export([metric]) }
        #expect(exporter.statistics.failed == 4)
        #expect(exporter.statistics.failedExports == 1)
    }
}

@Suite("OTLP metric exporter configuration")
struct OTLPMetricExporterConfigurationTests {
    static let variable = "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE"

    @Test("the temporality preference: cumulative by default, the variable in any case, code winning")
    func temporalityPreference() async throws {
        let exporter = try OTLPMetricExporter(environment: [:], isStrict: true)
        #expect(exporter.temporalityPreference == .cumulative)
        #expect(InstrumentKind.allCases.allSatisfy { exporter.temporality(for: $0) == .cumulative })
        await exporter.shutdown()
        for (value, expected) in [("DELTA", TemporalityPreference.delta), (" LowMemory ", .lowMemory), ("cumulative", .cumulative)] {
            let exporter = try OTLPMetricExporter(environment: [Self.variable: value], isStrict: true)
            #expect(exporter.temporalityPreference == expected, "\(value)")
            await exporter.shutdown()
        }
        let delta = try OTLPMetricExporter(environment: [Self.variable: "delta"], isStrict: true)
        #expect(delta.temporality(for: .counter) == .delta)
        #expect(delta.temporality(for: .observableCounter) == .delta)
        #expect(delta.temporality(for: .histogram) == .delta)
        #expect(delta.temporality(for: .upDownCounter) == .cumulative)
        #expect(delta.temporality(for: .observableUpDownCounter) == .cumulative)
        await delta.shutdown()
        let lowMemory = try OTLPMetricExporter(environment: [Self.variable: "lowmemory"], isStrict: true)
        #expect(lowMemory.temporality(for: .counter) == .delta)
        #expect(lowMemory.temporality(for: .observableCounter) == .cumulative)
        await lowMemory.shutdown()
        var configuration = OTLPExporterConfiguration()
        configuration.temporalityPreference = .lowMemory
        let fromCode = try OTLPMetricExporter(configuration: configuration, environment: [Self.variable: "delta"], isStrict: true)
        #expect(fromCode.temporalityPreference == .lowMemory)
        await fromCode.shutdown()
    }

    @Test("an unusable temporality preference warns once naming the variable and value, or throws in strict mode")
    func invalidTemporalityPreference() async throws {
        let logs = LogCapture()
        let exporter = try OTLPMetricExporter(environment: [Self.variable: "deltas"], isStrict: false, logger: logs.logger())
        #expect(exporter.temporalityPreference == .cumulative)
        #expect(logs.warnings.count == 1, "\(logs.lines)")
        #expect(logs.warnings.first.map { $0.contains(Self.variable) && $0.contains("deltas") } == true, "\(logs.lines)")
        await exporter.shutdown()
        let error = try #require(throws: TelemetryConfigurationError.self) {
            try OTLPMetricExporter(environment: [Self.variable: "deltas"], isStrict: true)
        }
        #expect(error.variable == Self.variable)
        #expect(error.value == "deltas")
    }

    @Test("the default histogram aggregation: explicit buckets by default, the variable, code winning; a bad value is rejected")
    func histogramAggregation() async throws {
        let variable = "OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION"
        let explicit = try OTLPMetricExporter(environment: [:], isStrict: true)
        #expect(explicit.histogramAggregation == .explicitBucket)
        await explicit.shutdown()
        let exponential = try OTLPMetricExporter(environment: [variable: "Base2_Exponential_Bucket_Histogram"], isStrict: true)
        #expect(exponential.histogramAggregation == .base2Exponential())
        await exponential.shutdown()
        var configuration = OTLPExporterConfiguration()
        configuration.defaultHistogramAggregation = .explicitBucket
        let fromCode = try OTLPMetricExporter(
            configuration: configuration, environment: [variable: "base2_exponential_bucket_histogram"], isStrict: true)
        #expect(fromCode.histogramAggregation == .explicitBucket)
        await fromCode.shutdown()
        let logs = LogCapture()
        let lenient = try OTLPMetricExporter(environment: [variable: "exponential"], isStrict: false, logger: logs.logger())
        #expect(lenient.histogramAggregation == .explicitBucket)
        #expect(logs.warnings.count == 1 && logs.warnings.allSatisfy { $0.contains(variable) && $0.contains("exponential") })
        await lenient.shutdown()
        let error = try #require(throws: TelemetryConfigurationError.self) {
            try OTLPMetricExporter(environment: [variable: "exponential"], isStrict: true)
        }
        #expect(error.variable == variable && error.value == "exponential")
    }

    @Test("the metric exporter and its factory read the METRICS variables")
    func metricsExporter() async throws {
        let environment = [
            "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": "http://metrics:9999/ingest", "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": "http://logs:1/x",
            "OTEL_EXPORTER_OTLP_METRICS_HEADERS": "x-tenant=acme", Self.variable: "delta",
        ]
        let exporter = try OTLPMetricExporter(environment: environment, isStrict: true)
        #expect(exporter.endpointDescription == "http/protobuf http://metrics:9999/ingest")
        #expect(exporter.configuration.headers.map(\.name) == ["x-tenant"])
        await exporter.shutdown()
        let made = try OTLPMetricExporterFactory().makeMetricExporter(environment: environment, isStrict: true, logger: LogCapture().logger())
        let fromFactory = try #require(made as? OTLPMetricExporter)
        #expect(OTLPMetricExporterFactory().name == "otlp")
        #expect(fromFactory.endpointDescription == "http/protobuf http://metrics:9999/ingest")
        #expect(fromFactory.temporalityPreference == .delta)
        await fromFactory.shutdown()
        let generic = try OTLPMetricExporter(environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"])
        #expect(generic.endpointDescription == "http/protobuf http://collector:4318/v1/metrics")
        await generic.shutdown()
    }

    @Test("TelemetryConfiguration.otlp() registers the metric exporter, so otlp is the default for metrics")
    func otlpRegistersMetrics() throws {
        let configuration = TelemetryConfiguration.otlp()
        #expect(configuration.metrics.exporterFactories.map(\.name) == ["otlp"])
        let service = try TelemetrySystem.makeService(configuration, environment: [Self.variable: "delta"])
        let reader = try #require(service.meterProvider.readers.first as? PeriodicExportingMetricReader)
        #expect(service.meterProvider.readers.count == 1)
        #expect(reader.temporality(for: .counter) == .delta, "the reader asks the exporter")
        let none = try TelemetrySystem.makeService(.otlp(), environment: ["OTEL_METRICS_EXPORTER": "none"])
        #expect(none.meterProvider.readers.isEmpty)
        #expect(none.tracerProvider.processors.count == 1, "the traces exporter is unaffected")
    }
}
