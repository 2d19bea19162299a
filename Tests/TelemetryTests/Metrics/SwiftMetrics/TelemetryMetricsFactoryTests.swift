import CoreMetrics
@testable import Telemetry
import TelemetryTesting
import Testing

/// The swift-metrics backend, driven only through swift-metrics' public API with the factory passed explicitly:
/// `MetricsSystem.bootstrap` is process-wide and would leak between tests.
@Suite("swift-metrics backend")
struct TelemetryMetricsFactoryTests {
    /// A provider with a manual reader, and a factory over it.
    struct Harness {
        let reader = ManualMetricReader()
        let capture = LogCapture()
        let provider: MeterProvider
        let factory: TelemetryMetricsFactory

        init(
            maximumCachedHandlers: Int = TelemetryMetricsFactory.defaultMaximumCachedHandlers,
            timerBucketBoundaries: [Double] = TelemetryMetricsFactory.defaultTimerBucketBoundaries,
            metricOptions: [String: TelemetryMetricsFactory.MetricOptions] = [:]
        ) {
            provider = MeterProvider(
                resource: Resource(attributes: ["service.name": "test"]), readers: [reader], logger: capture.logger())
            factory = TelemetryMetricsFactory(
                provider: provider,
                timerBucketBoundaries: timerBucketBoundaries,
                maximumCachedHandlers: maximumCachedHandlers,
                metricOptions: metricOptions
            )
        }

        func metric(_ name: String) throws -> MetricData {
            let metrics = reader.collect()
            return try #require(metrics.first { $0.name == name }, "no \(name) in \(metrics.map(\.name))")
        }

        func sum(_ name: String) throws -> SumPoints {
            guard case .sum(let sum) = try metric(name).points else { throw Mismatch("\(name) is not a sum") }
            return sum
        }

        func gauge(_ name: String) throws -> [NumberPoint] {
            guard case .gauge(let points) = try metric(name).points else { throw Mismatch("\(name) is not a gauge") }
            return points
        }

        func histogram(_ name: String) throws -> [HistogramPoint] {
            guard case .histogram(let histogram) = try metric(name).points else {
                throw Mismatch("\(name) is not a histogram")
            }
            return histogram.points
        }
    }

    struct Mismatch: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Each series as `{attributes}=value`, to compare as a set.
    static func series(_ points: [NumberPoint]) -> Set<String> {
        Set(points.map { "\($0.attributes)=\($0.value)" })
    }

    // MARK: - Mappings

    @Test("Counter is a monotonic Int64 sum; negative increments and reset are ignored")
    func counter() throws {
        let harness = Harness()
        let get = CoreMetrics.Counter(label: "requests", dimensions: [("method", "GET"), ("status", "200")], factory: harness.factory)
        let post = CoreMetrics.Counter(label: "requests", dimensions: [("method", "POST"), ("status", "500")], factory: harness.factory)
        get.increment()
        get.increment(by: 4)
        get.increment(by: -3)
        get.reset()
        post.increment()

        let metric = try harness.metric("requests")
        #expect(metric.instrumentationScope.name == "swift-metrics")
        let sum = try harness.sum("requests")
        #expect(sum.isMonotonic && sum.temporality == .cumulative)
        #expect(Self.series(sum.points) == ["{method=GET, status=200}=int(5)", "{method=POST, status=500}=int(1)"])
    }

    @Test("FloatingPointCounter is a monotonic Double sum")
    func floatingPointCounter() throws {
        let harness = Harness()
        let counter = FloatingPointCounter(label: "energy", dimensions: [("rack", "a")], factory: harness.factory)
        counter.increment(by: 0.5)
        counter.increment(by: 1.25)
        counter.increment(by: -10.0)
        counter.increment(by: Double.nan)
        counter.reset()

        let sum = try harness.sum("energy")
        #expect(sum.isMonotonic)
        #expect(Self.series(sum.points) == ["{rack=a}=double(1.75)"])
    }

    @Test("a Meter that is set is a gauge, and an increment on it records the new value")
    func meterSetIsGauge() throws {
        let harness = Harness()
        let meter = CoreMetrics.Meter(label: "queue.depth", dimensions: [("queue", "mail")], factory: harness.factory)
        meter.set(3)
        meter.set(7.5)
        #expect(Self.series(try harness.gauge("queue.depth")) == ["{queue=mail}=double(7.5)"])
        meter.increment(by: 1.0)
        meter.decrement(by: 0.25)
        #expect(Self.series(try harness.gauge("queue.depth")) == ["{queue=mail}=double(8.25)"])
        // Another handle of the label follows the label's kind, whatever its first operation.
        CoreMetrics.Meter(label: "queue.depth", dimensions: [("queue", "sms")], factory: harness.factory).increment()
        #expect(Self.series(try harness.gauge("queue.depth")) == ["{queue=mail}=double(8.25)", "{queue=sms}=double(1.0)"])
    }

    @Test("a Meter that is incremented and decremented is an up-down sum, and a set adds the difference")
    func meterIncrementIsUpDownSum() throws {
        let harness = Harness()
        let active = CoreMetrics.Meter(label: "http.server.active_requests", factory: harness.factory)
        active.increment()
        active.increment()
        active.increment()
        active.decrement(by: 2.0)
        var sum = try harness.sum("http.server.active_requests")
        #expect(!sum.isMonotonic)
        #expect(Self.series(sum.points) == ["{}=double(1.0)"])

        active.set(10)
        active.decrement()
        active.increment(by: Double.infinity)
        sum = try harness.sum("http.server.active_requests")
        #expect(Self.series(sum.points) == ["{}=double(9.0)"])
        // And a set handle of the label does not register a gauge beside the sum.
        CoreMetrics.Meter(label: "http.server.active_requests", dimensions: [("a", "b")], factory: harness.factory).set(4)
        let metrics = harness.reader.collect().filter { $0.name == "http.server.active_requests" }
        #expect(metrics.count == 1)
        #expect(!harness.capture.contains("registered twice"))
    }

    @Test("handlers of one Meter series share its current value, even made with the dimensions in another order")
    func meterValueIsPerSeries() throws {
        let harness = Harness(maximumCachedHandlers: 0)
        CoreMetrics.Meter(label: "pool.size", dimensions: [("a", "1"), ("b", "2")], factory: harness.factory)
            .increment(by: 5.0)
        CoreMetrics.Meter(label: "pool.size", dimensions: [("b", "2"), ("a", "1")], factory: harness.factory).set(12)
        #expect(Self.series(try harness.sum("pool.size").points) == ["{a=1, b=2}=double(12.0)"])
    }

    @Test("Recorder(aggregate: true) is a Double histogram with the specification's default buckets")
    func aggregatingRecorder() throws {
        let harness = Harness()
        let recorder = Recorder(label: "payload", dimensions: [("route", "/orders")], aggregate: true, factory: harness.factory)
        recorder.record(3)
        recorder.record(12.5)
        recorder.record(Int64(800))

        let points = try harness.histogram("payload")
        let point = try #require(points.first)
        #expect(points.count == 1 && point.attributes == ["route": "/orders"])
        #expect(point.count == 3 && point.sum == 815.5 && point.min == 3 && point.max == 800)
        #expect(point.boundaries == [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000])
        #expect(point.bucketCounts == [0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0])
    }

    @Test("Recorder(aggregate: false) and Gauge are Double gauges keeping the last value")
    func gauges() throws {
        let harness = Harness()
        let recorder = Recorder(label: "temperature", dimensions: [("room", "a")], aggregate: false, factory: harness.factory)
        recorder.record(20)
        recorder.record(21.5)
        let gauge = CoreMetrics.Gauge(label: "memory", factory: harness.factory)
        gauge.record(Int64(1024))
        gauge.record(2048)

        #expect(Self.series(try harness.gauge("temperature")) == ["{room=a}=double(21.5)"])
        #expect(Self.series(try harness.gauge("memory")) == ["{}=double(2048.0)"])
    }

    @Test("Timer is a histogram in seconds, unit s, with the HTTP conventions' buckets; negative durations are dropped")
    func timer() throws {
        let harness = Harness()
        let timer = CoreMetrics.Timer(label: "http.server.request.duration", dimensions: [("method", "GET")], factory: harness.factory)
        timer.recordMilliseconds(250)
        timer.recordNanoseconds(1_500_000_000)
        timer.recordMicroseconds(2_000)
        timer.recordNanoseconds(-5)
        timer.recordSeconds(60)

        let metric = try harness.metric("http.server.request.duration")
        #expect(metric.unit == "s")
        let point = try #require(try harness.histogram("http.server.request.duration").first)
        #expect(point.count == 4)
        #expect(point.min == 0.002 && point.max == 60)
        #expect(abs((point.sum ?? 0) - 61.752) < 1e-9)
        #expect(point.boundaries == TelemetryMetricsFactory.defaultTimerBucketBoundaries)
        #expect(point.boundaries == [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10])
        // 0.002 ≤ 0.005; 0.25 ≤ 0.25; 1.5 ≤ 2.5; 60 above 10.
        #expect(point.bucketCounts == [1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1])
    }

    @Test("dimensions become string attributes, sorted by key, the last of a repeated key winning")
    func dimensionsBecomeAttributes() throws {
        let harness = Harness()
        CoreMetrics.Counter(label: "jobs", dimensions: [("b", "2"), ("a", "1"), ("b", "3")], factory: harness.factory).increment()
        // The same set in another order is the same series.
        CoreMetrics.Counter(label: "jobs", dimensions: [("a", "1"), ("b", "3")], factory: harness.factory).increment(by: 2)
        CoreMetrics.Counter(label: "jobs", factory: harness.factory).increment(by: 7)

        let points = try harness.sum("jobs").points
        #expect(Self.series(points) == ["{a=1, b=3}=int(3)", "{}=int(7)"])
        let attributes = try #require(points.first { !$0.attributes.isEmpty }?.attributes)
        #expect(attributes["a"] == .string("1") && attributes["b"] == .string("3"))
    }

    // MARK: - Handles: creation, cache, destroy

    @Test("making the same handle 10,000 times keeps one handler and one series")
    func deduplication() throws {
        let harness = Harness()
        for _ in 0..<10_000 {
            CoreMetrics.Counter(label: "per.request", dimensions: [("route", "/orders")], factory: harness.factory).increment()
            CoreMetrics.Timer(label: "per.request.duration", dimensions: [("route", "/orders")], factory: harness.factory)
                .recordMilliseconds(1)
        }
        #expect(harness.factory.cachedHandlerCount == 2)
        let first = harness.factory.makeCounter(label: "per.request", dimensions: [("route", "/orders")])
        let second = harness.factory.makeCounter(label: "per.request", dimensions: [("route", "/orders")])
        #expect(ObjectIdentifier(first) == ObjectIdentifier(second))
        // Another kind under the same label is another handler.
        let recorder = harness.factory.makeRecorder(label: "per.request", dimensions: [("route", "/orders")], aggregate: true)
        #expect(ObjectIdentifier(recorder) != ObjectIdentifier(first))

        #expect(Self.series(try harness.sum("per.request").points) == ["{route=/orders}=int(10000)"])
        let timer = try harness.histogram("per.request.duration")
        #expect(timer.count == 1 && timer.first?.count == 10_000)
    }

    @Test("the handler cache stays within its bound, and evicted handles keep recording into their series")
    func cacheIsBounded() throws {
        let harness = Harness(maximumCachedHandlers: 100)
        let early = CoreMetrics.Counter(label: "hits", dimensions: [("user", "early")], factory: harness.factory)
        var largest = 0
        for user in 0..<1_000 {
            CoreMetrics.Counter(label: "hits", dimensions: [("user", "\(user)")], factory: harness.factory).increment()
            largest = max(largest, harness.factory.cachedHandlerCount)
        }
        #expect(largest == 100)
        #expect(harness.factory.cachedHandlerCount == 100)
        early.increment(by: 5)
        CoreMetrics.Counter(label: "hits", dimensions: [("user", "early")], factory: harness.factory).increment(by: 2)

        let points = try harness.sum("hits").points
        #expect(points.count == 1_001)
        #expect(points.reduce(0) { $0 + ($1.value == .int(1) ? 1 : 0) } == 1_000)
        #expect(Self.series(points.filter { $0.attributes == ["user": "early"] }) == ["{user=early}=int(7)"])
    }

    @Test("with no cache every handle still records into its series")
    func noCache() throws {
        let harness = Harness(maximumCachedHandlers: 0)
        for _ in 0..<10 {
            CoreMetrics.Counter(label: "uncached", factory: harness.factory).increment()
            CoreMetrics.Meter(label: "uncached.meter", factory: harness.factory).increment()
        }
        #expect(harness.factory.cachedHandlerCount == 0)
        #expect(Self.series(try harness.sum("uncached").points) == ["{}=int(10)"])
        // Each new handler starts from its own value, but increments still add up on the shared series.
        #expect(Self.series(try harness.sum("uncached.meter").points) == ["{}=double(10.0)"])
    }

    @Test("destroy forgets the handler and the series goes on; a foreign handler is ignored")
    func destroy() throws {
        let harness = Harness()
        let counter = CoreMetrics.Counter(label: "sessions", factory: harness.factory)
        counter.increment(by: 3)
        let timer = CoreMetrics.Timer(label: "latency", factory: harness.factory)
        let meter = CoreMetrics.Meter(label: "level", factory: harness.factory)
        let recorder = Recorder(label: "size", factory: harness.factory)
        let floating = FloatingPointCounter(label: "weight", factory: harness.factory)
        #expect(harness.factory.cachedHandlerCount == 5)

        counter.destroy()
        timer.destroy()
        meter.destroy()
        recorder.destroy()
        floating.destroy()
        #expect(harness.factory.cachedHandlerCount == 0)
        harness.factory.destroyCounter(NOOPMetricsHandler.instance.makeCounter(label: "sessions", dimensions: []))

        let again = CoreMetrics.Counter(label: "sessions", factory: harness.factory)
        again.increment(by: 2)
        #expect(Self.series(try harness.sum("sessions").points) == ["{}=int(5)"])
        #expect(harness.factory.cachedHandlerCount == 1)
    }

    // MARK: - Options

    @Test("metric options give a name, a description, a unit and bucket boundaries by label")
    func options() throws {
        let harness = Harness(metricOptions: [
            "http_requests_total": .init(name: "http.server.requests", description: "HTTP requests served", unit: "{request}"),
            "payload": .init(description: "Body size", unit: "By", bucketBoundaries: [100, 1000]),
            "db.query": .init(description: "Query time", unit: "ms", bucketBoundaries: [0.001, 0.01]),
        ])
        CoreMetrics.Counter(label: "http_requests_total", factory: harness.factory).increment()
        Recorder(label: "payload", factory: harness.factory).record(500)
        CoreMetrics.Timer(label: "db.query", factory: harness.factory).recordMilliseconds(5)

        let requests = try harness.metric("http.server.requests")
        #expect(requests.description == "HTTP requests served" && requests.unit == "{request}")
        #expect(!harness.reader.collect().contains { $0.name == "http_requests_total" })

        let payload = try harness.metric("payload")
        #expect(payload.description == "Body size" && payload.unit == "By")
        let payloadPoint = try #require(try harness.histogram("payload").first)
        #expect(payloadPoint.boundaries == [100, 1000] && payloadPoint.bucketCounts == [0, 1, 0])

        let query = try harness.metric("db.query")
        #expect(query.description == "Query time")
        #expect(query.unit == "s", "a timer's unit is seconds whatever the options say")
        let queryPoint = try #require(try harness.histogram("db.query").first)
        #expect(queryPoint.boundaries == [0.001, 0.01] && queryPoint.bucketCounts == [0, 1, 0])
    }

    @Test("options can come from a function of the label, and a factory can have its own scope and timer buckets")
    func optionsFunction() throws {
        let reader = ManualMetricReader()
        let provider = MeterProvider(resource: Resource(attributes: [:]), readers: [reader])
        let factory = TelemetryMetricsFactory(
            provider: provider, scopeName: "hummingbird", scopeVersion: "2.0", timerBucketBoundaries: [0.1, 1]
        ) { label in
            label.hasPrefix("hb.") ? .init(description: "from Hummingbird") : nil
        }
        CoreMetrics.Timer(label: "hb.duration", factory: factory).recordSeconds(0.5)
        CoreMetrics.Counter(label: "other", factory: factory).increment()

        let metrics = reader.collect()
        let duration = try #require(metrics.first { $0.name == "hb.duration" })
        #expect(duration.description == "from Hummingbird")
        #expect(duration.instrumentationScope.name == "hummingbird" && duration.instrumentationScope.version == "2.0")
        guard case .histogram(let histogram) = duration.points else { throw Mismatch("not a histogram") }
        #expect(histogram.points.first?.boundaries == [0.1, 1])
        #expect(metrics.first { $0.name == "other" }?.description == "")
    }

    @Test("labels that are not names are repaired or reported once; invalid boundaries are reported and ignored")
    func invalidLabelsAndBoundaries() throws {
        let harness = Harness(
            timerBucketBoundaries: [1, 0.5],
            metricOptions: ["sizes": .init(bucketBoundaries: [10, .nan])]
        )
        CoreMetrics.Counter(label: "service:requests total", factory: harness.factory).increment()
        for user in 0..<3 {
            CoreMetrics.Counter(label: "9lives", dimensions: [("user", "\(user)")], factory: harness.factory).increment()
        }
        Recorder(label: "sizes", factory: harness.factory).record(1)
        Recorder(label: "sizes", dimensions: [("a", "b")], factory: harness.factory).record(1)
        CoreMetrics.Timer(label: "waits", factory: harness.factory).recordSeconds(1)

        #expect(Self.series(try harness.sum("service_requests_total").points) == ["{}=int(1)"])
        let names = harness.reader.collect().map(\.name)
        #expect(!names.contains { $0.contains("lives") })
        #expect(harness.capture.warnings.filter { $0.contains("cannot be an instrument name") }.count == 1)
        #expect(harness.capture.warnings.filter { $0.contains("Invalid instrument name") }.isEmpty)

        #expect(try harness.histogram("sizes").first?.boundaries.first == 0)
        #expect(harness.capture.warnings.filter { $0.contains("invalid bucket boundaries of a swift-metrics label") }.count == 1)
        #expect(try harness.histogram("waits").first?.boundaries == TelemetryMetricsFactory.defaultTimerBucketBoundaries)
        #expect(harness.capture.contains("Ignoring invalid timer bucket boundaries"))
    }

    // MARK: - Concurrency

    @Test("8 tasks making handles and recording concurrently total exactly")
    func concurrentRecording() async throws {
        let harness = Harness()
        let factory = harness.factory
        let iterations = 10_000
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    let shared = FloatingPointCounter(label: "work.seconds", factory: factory)
                    for iteration in 0..<iterations {
                        // A handle per iteration, as frameworks make one per request: the cache is raced too.
                        let route = iteration % 2 == 0 ? "/a" : "/b"
                        CoreMetrics.Counter(label: "work.items", dimensions: [("route", route)], factory: factory).increment()
                        shared.increment(by: 0.5)
                        CoreMetrics.Timer(label: "work.duration", dimensions: [("task", "\(task % 2)")], factory: factory)
                            .recordMilliseconds(iteration % 100)
                        let active = CoreMetrics.Meter(label: "work.active", factory: factory)
                        active.increment()
                        if iteration % 4 == 0 { active.decrement() }
                    }
                }
            }
        }
        let total = 8 * iterations
        #expect(Self.series(try harness.sum("work.items").points) == [
            "{route=/a}=int(\(total / 2))", "{route=/b}=int(\(total / 2))",
        ])
        #expect(Self.series(try harness.sum("work.seconds").points) == ["{}=double(\(Double(total) / 2))"])
        let durations = try harness.histogram("work.duration")
        #expect(durations.count == 2)
        #expect(durations.reduce(0) { $0 + $1.count } == UInt64(total))
        #expect(durations.reduce(0) { $0 + $1.bucketCounts.reduce(0, +) } == UInt64(total))
        #expect(Self.series(try harness.sum("work.active").points) == ["{}=double(\(Double(total - total / 4)))"])
    }
}
