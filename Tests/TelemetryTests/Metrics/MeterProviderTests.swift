import Synchronization
import Logging
@testable import Telemetry
import TelemetryTesting
import Testing
import Tracing

@Suite("Meter provider, meters and instruments")
struct MeterProviderTests {
    func provider(
        readers: [any MetricReader],
        cardinalityLimit: Int = MeterProvider.defaultCardinalityLimit,
        capture: LogCapture = LogCapture()
    ) -> MeterProvider {
        MeterProvider(
            resource: Resource(attributes: ["service.name": "test"]),
            readers: readers,
            cardinalityLimit: cardinalityLimit,
            logger: capture.logger()
        )
    }

    func metric(_ name: String, in metrics: [MetricData]) throws -> MetricData {
        try #require(metrics.first { $0.name == name }, "no \(name) in \(metrics.map(\.name))")
    }

    func sum(_ metric: MetricData) throws -> SumPoints {
        guard case .sum(let sum) = metric.points else { throw TestError() }
        return sum
    }

    @Test("the product brief's three instruments: a counter with attributes, a histogram in ms, an observable gauge")
    func productBrief() throws {
        let reader = ManualMetricReader()
        let meter = provider(readers: [reader]).meter(name: "orders", version: "1.0")
        let requests = meter.makeCounter(name: "http.server.requests", description: "HTTP requests served")
        let duration = meter.makeHistogram(name: "http.server.duration", unit: "ms", description: "Request duration")
        meter.makeObservableGauge(Int64.self, name: "process.memory.usage", unit: "By") { observations in
            observations.observe(123_456)
        }
        requests.add(1, attributes: ["method": "GET", "status": "200"])
        requests.add(1, attributes: ["method": "GET", "status": "200"])
        requests.add(1, attributes: ["method": "POST", "status": "500"])
        duration.record(12.5, attributes: ["method": "GET"])
        duration.record(70, attributes: ["method": "GET"])

        let metrics = reader.collect()
        let counter = try metric("http.server.requests", in: metrics)
        #expect(counter.description == "HTTP requests served")
        #expect(counter.instrumentationScope.name == "orders" && counter.instrumentationScope.version == "1.0")
        let sums = try sum(counter)
        #expect(sums.isMonotonic && sums.temporality == .cumulative)
        #expect(Set(sums.points.map { "\($0.attributes)=\($0.value)" }) == [
            "{method=GET, status=200}=int(2)", "{method=POST, status=500}=int(1)",
        ])
        let histogram = try metric("http.server.duration", in: metrics)
        #expect(histogram.unit == "ms")
        guard case .histogram(let points) = histogram.points, let point = points.points.first else {
            Issue.record("not a histogram")
            return
        }
        #expect(point.count == 2 && point.sum == 82.5 && point.min == 12.5 && point.max == 70)
        #expect(point.boundaries == ExplicitBucketHistogramState.defaultBoundaries)
        #expect(point.bucketCounts[3] == 1 && point.bucketCounts[5] == 1, "12.5 in (10, 25], 70 in (50, 75]")
        let gauge = try metric("process.memory.usage", in: metrics)
        guard case .gauge(let gaugePoints) = gauge.points else {
            Issue.record("not a gauge")
            return
        }
        #expect(gaugePoints.map(\.value) == [.int(123_456)])
        #expect(metrics.allSatisfy { $0.resource.attributes["service.name"] != nil })
    }

    @Test("making an instrument twice gives the same instrument; a conflicting identity is reported and kept apart")
    func duplicates() throws {
        let capture = LogCapture()
        let reader = ManualMetricReader()
        let meter = provider(readers: [reader], capture: capture).meter(name: "m")
        meter.makeCounter(name: "jobs").add(2)
        meter.makeCounter(name: "JOBS").add(3)
        #expect(capture.warnings.isEmpty)
        meter.makeCounter(name: "jobs", unit: "s").add(7)
        #expect(capture.warnings.count == 1 && capture.contains("registered twice"))
        let metrics = reader.collect().filter { $0.name.lowercased() == "jobs" }
        #expect(metrics.count == 2)
        #expect(try metrics.map { try sum($0).points.first?.value } == [.int(5), .int(7)])
    }

    @Test("an invalid name is reported and gives an instrument that records nothing", arguments: ["", "1st", "a b", String(repeating: "x", count: 256)])
    func invalidName(name: String) {
        let capture = LogCapture()
        let reader = ManualMetricReader()
        let meter = provider(readers: [reader], capture: capture).meter(name: "m")
        meter.makeCounter(name: name).add(1)
        meter.makeObservableGauge(name: name) { $0.observe(1) }
        #expect(reader.collect().isEmpty)
        #expect(capture.warnings.count == 2)
    }

    @Test("instrument names follow the specification's syntax")
    func validNames() {
        for name in ["a", "http.server.request.duration", "A_b-c/d.e", String(repeating: "x", count: 255)] {
            #expect(InstrumentDescriptor.isValidName(name), "\(name)")
        }
    }

    @Test("a counter ignores negative amounts; an up-down counter takes them")
    func negativeAmounts() throws {
        let reader = ManualMetricReader()
        let meter = provider(readers: [reader]).meter(name: "m")
        let counter = meter.makeCounter(Double.self, name: "c")
        counter.add(2.5)
        counter.add(-1)
        counter.bind(.empty).add(-5)
        let upDown = meter.makeUpDownCounter(name: "u")
        upDown.add(3)
        upDown.add(-5)
        let metrics = reader.collect()
        #expect(try sum(metric("c", in: metrics)).points.first?.value == .double(2.5))
        let upDownSum = try sum(metric("u", in: metrics))
        #expect(upDownSum.points.first?.value == .int(-2) && !upDownSum.isMonotonic)
    }

    @Test("each reader has its own series and temporality: a delta reader never disturbs a cumulative one")
    func twoReaders() throws {
        let cumulative = ManualMetricReader()
        let delta = ManualMetricReader(temporality: .delta)
        let provider = provider(readers: [cumulative, delta])
        let counter = provider.meter(name: "m").makeCounter(name: "c")
        let bound = counter.bind(["bound": true])
        counter.add(1)
        bound.add(10)
        #expect(try sum(metric("c", in: delta.collect())).points.map(\.value).sorted(by: describe) == [.int(1), .int(10)])
        withExtendedLifetime(provider) {}
        counter.add(2)
        let deltaSum = try sum(metric("c", in: delta.collect()))
        #expect(deltaSum.temporality == .delta && deltaSum.points.map(\.value) == [.int(2)])
        let cumulativeSum = try sum(metric("c", in: cumulative.collect()))
        #expect(cumulativeSum.temporality == .cumulative)
        #expect(cumulativeSum.points.map(\.value).sorted(by: describe) == [.int(10), .int(3)])
    }

    func describe(_ lhs: NumberValue, _ rhs: NumberValue) -> Bool { "\(lhs)" < "\(rhs)" }

    @Test("observable counters report totals: with delta temporality the point is the change since the last collection")
    func observableCounterDelta() throws {
        let reader = ManualMetricReader(temporality: .delta)
        let meter = provider(readers: [reader]).meter(name: "m")
        let total = Mutex(100)
        meter.makeObservableCounter(name: "cpu.time") { $0.observe(Int64(total.withLock { $0 })) }
        #expect(try sum(metric("cpu.time", in: reader.collect())).points.map(\.value) == [.int(100)])
        total.withLock { $0 = 130 }
        let second = try sum(metric("cpu.time", in: reader.collect()))
        #expect(second.points.map(\.value) == [.int(30)] && second.isMonotonic && second.temporality == .delta)
    }

    @Test("an observable counter's delta after a missed collection is the change since it was last seen")
    func observableDeltaAfterGap() throws {
        let reader = ManualMetricReader(temporality: .delta)
        let provider = provider(readers: [reader])
        let total = Mutex<Int64?>(100)
        provider.meter(name: "m").makeObservableCounter(name: "bytes") { observations in
            guard let value = total.withLock({ $0 }) else { throw TestError() }
            observations.observe(value)
        }
        #expect(try sum(metric("bytes", in: reader.collect())).points.map(\.value) == [.int(100)])
        total.withLock { $0 = nil }
        #expect(reader.collect().isEmpty, "the callback failed: no point")
        total.withLock { $0 = 130 }
        #expect(try sum(metric("bytes", in: reader.collect())).points.map(\.value) == [.int(30)])
    }

    @Test("a stream's points start when the instrument was made, not when the provider was")
    func startTime() throws {
        let reader = ManualMetricReader()
        let provider = provider(readers: [reader])
        let afterProvider = DefaultTracerClock.now.nanosecondsSinceEpoch
        let counter = provider.meter(name: "m").makeCounter(name: "late")
        counter.add(1)
        let point = try #require(try sum(metric("late", in: reader.collect())).points.first)
        #expect(point.startTime > provider.state.startTime && point.startTime >= afterProvider)
        #expect(point.startTime <= point.time)
    }

    @Test("a throwing callback is reported once and skipped; the other callbacks and instruments go on; unregister stops one")
    func callbacks() throws {
        let capture = LogCapture()
        let reader = ManualMetricReader()
        let meter = provider(readers: [reader], capture: capture).meter(name: "m")
        let gauge = meter.makeObservableGauge(name: "temperature") { _ in throw TestError() }
        let registration = gauge.addCallback { $0.observe(21.5, attributes: ["room": "a"]) }
        meter.makeObservableUpDownCounter(name: "queue") { $0.observe(4) }
        for _ in 0..<3 {
            let metrics = reader.collect()
            guard case .gauge(let points) = try metric("temperature", in: metrics).points else { throw TestError() }
            #expect(points.map(\.value) == [.double(21.5)])
            #expect(try sum(metric("queue", in: metrics)).points.map(\.value) == [.int(4)])
        }
        #expect(capture.warnings.filter { $0.contains("callback failed") }.count == 1)
        registration.unregister()
        #expect(reader.collect().allSatisfy { $0.name != "temperature" })
    }

    @Test("a callback that overruns its time limit is reported once and its observations skipped; the others go on")
    func overrunningCallback() throws {
        let capture = LogCapture()
        let clock = TestClock()
        let reader = ManualMetricReader()
        let meter = MeterProvider(
            resource: Resource(attributes: ["service.name": "test"]), readers: [reader], clock: clock,
            logger: capture.logger()
        ).meter(name: "m")
        let gauge = meter.makeObservableGauge(name: "temperature") { observations in
            observations.observe(99, attributes: ["room": "slow"])
            clock.advance(by: .seconds(2))  // the callback takes two seconds, by the provider's clock
        }
        gauge.addCallback { $0.observe(21.5, attributes: ["room": "a"]) }
        gauge.addCallback { observations in
            observations.observe(20, attributes: ["room": "b"])
            clock.advance(by: .seconds(1))  // exactly the limit: still in time
        }
        for _ in 0..<2 {
            guard case .gauge(let points) = try metric("temperature", in: reader.collect()).points else { throw TestError() }
            #expect(Set(points.map { "\($0.attributes)=\($0.value)" }) == ["{room=a}=double(21.5)", "{room=b}=double(20.0)"])
        }
        let warnings = capture.warnings.filter { $0.contains("longer than its time limit") }
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("temperature") == true)
    }

    @Test("a bound instrument keeps its series while it lives; once it is gone, delta collections may forget the series")
    func boundInstrumentLifetime() throws {
        let reader = ManualMetricReader(temporality: .delta)
        let meter = provider(readers: [reader], cardinalityLimit: 3).meter(name: "m")
        let counter = meter.makeCounter(name: "requests")
        do {
            let bound = counter.bind(["route": "/a"])
            bound.add(1)
            _ = reader.collect()
            _ = reader.collect()  // idle, but bound: kept
            bound.add(1)
            #expect(try sum(metric("requests", in: reader.collect())).points.map(\.attributes) == [["route": "/a"]])
        }
        _ = reader.collect()  // idle and no longer bound: forgotten
        // With the limit of 3 (2 series and the overflow), two new sets fit only if /a was forgotten.
        counter.add(1, attributes: ["route": "/b"])
        counter.add(1, attributes: ["route": "/c"])
        let points = try sum(metric("requests", in: reader.collect())).points
        #expect(Set(points.map(\.attributes)) == [["route": "/b"], ["route": "/c"]])
    }

    @Test("histogram bucket advice applies; invalid advice is reported and the defaults apply")
    func histogramAdvice() throws {
        let capture = LogCapture()
        let reader = ManualMetricReader()
        let meter = provider(readers: [reader], capture: capture).meter(name: "m")
        meter.makeHistogram(name: "advised", explicitBucketBoundaries: [0.1, 1, 10]).record(5)
        meter.makeHistogram(name: "invalid", explicitBucketBoundaries: [10, 1]).record(5)
        let metrics = reader.collect()
        guard case .histogram(let advised) = try metric("advised", in: metrics).points,
            case .histogram(let invalid) = try metric("invalid", in: metrics).points
        else { throw TestError() }
        #expect(advised.points.first?.boundaries == [0.1, 1, 10])
        #expect(advised.points.first?.bucketCounts == [0, 0, 1, 0])
        #expect(invalid.points.first?.boundaries == ExplicitBucketHistogramState.defaultBoundaries)
        #expect(capture.warnings.count == 1 && capture.contains("bucket boundaries"))
    }

    @Test("a reader that asks for base-2 exponential histograms gets them, with its size and scale")
    func exponentialHistograms() throws {
        let exponential = ManualMetricReader(histogramAggregation: .base2Exponential(maxSize: 4, maxScale: 20))
        let explicit = ManualMetricReader()
        let provider = provider(readers: [exponential, explicit])
        let histogram = provider.meter(name: "m").makeHistogram(name: "latency", unit: "s")
        for value in [0.0, 1, 2, 4, 1_000_000] { histogram.record(value) }
        guard case .exponentialHistogram(let points) = try metric("latency", in: exponential.collect()).points,
            let point = points.points.first
        else { throw TestError() }
        #expect(point.count == 5 && point.zeroCount == 1 && point.sum == 1_000_007)
        #expect(point.positive.counts.count <= 4 && point.positive.counts.reduce(0, +) == 4)
        #expect(point.scale < 0, "1 and a million do not fit in 4 buckets at a fine scale")
        guard case .histogram = try metric("latency", in: explicit.collect()).points else {
            throw TestError()
        }
    }

    @Test("the cardinality limit applies to every instrument, overflow included")
    func cardinality() throws {
        let reader = ManualMetricReader()
        let meter = provider(readers: [reader], cardinalityLimit: 3).meter(name: "m")
        let counter = meter.makeCounter(name: "c")
        meter.makeObservableGauge(Int64.self, name: "g") { observations in
            for index in 0..<10 { observations.observe(Int64(index), attributes: ["i": .int(Int64(index))]) }
        }
        for index in 0..<10 { counter.add(1, attributes: ["i": .int(Int64(index))]) }
        let metrics = reader.collect()
        let counterPoints = try sum(metric("c", in: metrics)).points
        #expect(counterPoints.count == 3)
        #expect(counterPoints.first { $0.attributes == ["otel.metric.overflow": true] }?.value == .int(8))
        guard case .gauge(let gaugePoints) = try metric("g", in: metrics).points else { throw TestError() }
        #expect(gaugePoints.count == 3)
        #expect(gaugePoints.contains { $0.attributes == ["otel.metric.overflow": true] })
    }

    @Test("the temporality preferences follow the specification's table")
    func temporalityPreferences() {
        for kind in InstrumentKind.allCases {
            #expect(TemporalityPreference.cumulative.temporality(for: kind) == .cumulative)
        }
        #expect(TemporalityPreference.delta.temporality(for: .counter) == .delta)
        #expect(TemporalityPreference.delta.temporality(for: .observableCounter) == .delta)
        #expect(TemporalityPreference.delta.temporality(for: .histogram) == .delta)
        #expect(TemporalityPreference.delta.temporality(for: .upDownCounter) == .cumulative)
        #expect(TemporalityPreference.delta.temporality(for: .observableUpDownCounter) == .cumulative)
        #expect(TemporalityPreference.lowMemory.temporality(for: .counter) == .delta)
        #expect(TemporalityPreference.lowMemory.temporality(for: .histogram) == .delta)
        #expect(TemporalityPreference.lowMemory.temporality(for: .observableCounter) == .cumulative)
        #expect(TemporalityPreference.lowMemory.temporality(for: .upDownCounter) == .cumulative)
    }

    @Test("a provider without readers, and a reader without a provider, are harmless")
    func noReaders() {
        let meter = provider(readers: []).meter(name: "m")
        meter.makeCounter(name: "c").add(1)
        meter.makeHistogram(name: "h").bind(["k": 1]).record(1)
        #expect(ManualMetricReader().collect().isEmpty)
    }
}
