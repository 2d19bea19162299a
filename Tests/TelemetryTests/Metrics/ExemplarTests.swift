@testable import Telemetry
import TelemetryTesting
import Testing
import Tracing

@Suite("Exemplars: filters, reservoirs and what reaches the points")
struct ExemplarTests {
    func meter(_ reader: ManualMetricReader, filter: ExemplarFilter = .traceBased, views: [View] = []) -> Meter {
        MeterProvider(
            resource: Resource(attributes: ["service.name": "test"]), readers: [reader], views: views,
            exemplarFilter: filter
        ).meter(name: "exemplars")
    }

    func sumPoints(_ metrics: [MetricData], _ name: String) throws -> [NumberPoint] {
        guard case .sum(let sum) = try #require(metrics.first { $0.name == name }).points else { throw TestError() }
        return sum.points
    }

    func histogramPoints(_ metrics: [MetricData], _ name: String) throws -> [HistogramPoint] {
        guard case .histogram(let histogram) = try #require(metrics.first { $0.name == name }).points else {
            throw TestError()
        }
        return histogram.points
    }

    @Test("trace_based keeps a measurement made in a sampled span, with its trace and span ids and its value")
    func traceBased() throws {
        let reader = ManualMetricReader()
        let counter = meter(reader).makeCounter(name: "requests")
        var expected: SpanContext?
        TracerProvider(sampler: AlwaysOnSampler()).withSpan("request") { span in
            expected = span.spanContext
            counter.add(3, attributes: ["route": "/orders"])
        }
        let point = try #require(try sumPoints(reader.collect(), "requests").first)
        let exemplar = try #require(point.exemplars.first)
        #expect(point.exemplars.count == 1)
        #expect(exemplar.traceID == expected?.traceID && exemplar.spanID == expected?.spanID)
        #expect(exemplar.value == .int(3))
        #expect(exemplar.time > 0)
        #expect(exemplar.filteredAttributes.isEmpty, "the series has every attribute of the measurement")
    }

    @Test("trace_based turns away measurements outside any span and in unsampled spans")
    func traceBasedSkipsUnsampled() throws {
        let reader = ManualMetricReader()
        let counter = meter(reader).makeCounter(name: "requests")
        counter.add(1)
        TracerProvider(sampler: AlwaysOffSampler()).withSpan("unsampled") { _ in counter.add(1) }
        let point = try #require(try sumPoints(reader.collect(), "requests").first)
        #expect(point.value == .int(2))
        #expect(point.exemplars.isEmpty)
    }

    @Test("always_on keeps measurements without a span, with no ids; always_off keeps none, even in a sampled span")
    func alwaysOnAndOff() throws {
        let onReader = ManualMetricReader()
        let on = meter(onReader, filter: .alwaysOn).makeHistogram(name: "latency")
        on.record(12)
        let kept = try #require(try histogramPoints(onReader.collect(), "latency").first?.exemplars.first)
        #expect(kept.traceID == nil && kept.spanID == nil && kept.value == .double(12))

        let offReader = ManualMetricReader()
        let off = meter(offReader, filter: .alwaysOff).makeHistogram(name: "latency")
        TracerProvider(sampler: AlwaysOnSampler()).withSpan("request") { _ in off.record(12) }
        #expect(try histogramPoints(offReader.collect(), "latency").first?.exemplars.isEmpty == true)
    }

    @Test("an explicit histogram keeps at most one exemplar per bucket, each from its own bucket")
    func alignedHistogramReservoir() throws {
        let reader = ManualMetricReader()
        let histogram = meter(reader, filter: .alwaysOn).makeHistogram(name: "latency", explicitBucketBoundaries: [10, 100])
        for value in stride(from: 1.0, through: 300, by: 1) { histogram.record(value) }
        let point = try #require(try histogramPoints(reader.collect(), "latency").first)
        #expect(point.exemplars.count == 3, "one per bucket: (-inf, 10], (10, 100], (100, +inf)")
        let buckets = point.exemplars.map { ExplicitBucketHistogramState.bucketIndex(of: $0.value.doubleValue, in: [10, 100]) }
        #expect(Set(buckets) == [0, 1, 2])
    }

    @Test("a bucket's exemplar is drawn from all its measurements, not always the first or the last")
    func alignedReservoirIsUniform() {
        let reservoir = ExemplarReservoir(layout: .histogramBuckets([]), seed: 42)
        let candidate = ExemplarCandidate(traceID: nil, spanID: nil, attributes: .empty)
        var picks: [Double: Int] = [:]
        for _ in 0..<2000 {
            for value in 1...20 { reservoir.offer(.double(Double(value)), candidate: candidate) }
            let kept = reservoir.collect(seriesAttributes: .empty, start: 0, end: .max)
            #expect(kept.count == 1)
            for exemplar in kept { picks[exemplar.value.doubleValue, default: 0] += 1 }
        }
        // Uniform: each of the 20 values is kept about 100 times in 2000 rounds. Keeping the first or the last
        // would give one value 2000 times.
        #expect(picks.count == 20)
        #expect(picks.values.allSatisfy { (50...160).contains($0) }, "\(picks.sorted { $0.key < $1.key })")
    }

    @Test("an exemplar taken after the collection's end waits for the next one; one before its start is dropped")
    func exemplarInterval() throws {
        let reservoir = ExemplarReservoir(layout: .fixedSize(1), seed: 1)
        reservoir.offer(.int(1), candidate: ExemplarCandidate(traceID: nil, spanID: nil, attributes: .empty))
        let taken = try #require(reservoir.collect(seriesAttributes: .empty, start: 0, end: .max).first?.time)
        reservoir.offer(.int(2), candidate: ExemplarCandidate(traceID: nil, spanID: nil, attributes: .empty))
        #expect(reservoir.collect(seriesAttributes: .empty, start: 0, end: taken - 1).isEmpty, "taken after the end")
        #expect(reservoir.collect(seriesAttributes: .empty, start: 0, end: .max).map(\.value) == [.int(2)], "kept for the next")
        reservoir.offer(.int(3), candidate: ExemplarCandidate(traceID: nil, spanID: nil, attributes: .empty))
        #expect(reservoir.collect(seriesAttributes: .empty, start: .max, end: .max).isEmpty, "taken before the start")
        #expect(reservoir.collect(seriesAttributes: .empty, start: 0, end: .max).isEmpty, "and dropped, not kept")
    }

    @Test("exemplars report once: each collection has those of its own interval, even with cumulative temporality")
    func resetEachCollection() throws {
        let reader = ManualMetricReader()
        let counter = meter(reader, filter: .alwaysOn).makeCounter(Double.self, name: "work")
        counter.add(1.5)
        #expect(try sumPoints(reader.collect(), "work").first?.exemplars.map(\.value) == [.double(1.5)])
        counter.add(2.5)
        let second = try #require(try sumPoints(reader.collect(), "work").first)
        #expect(second.value == .double(4) && second.exemplars.map(\.value) == [.double(2.5)])
        let third = try #require(try sumPoints(reader.collect(), "work").first)
        #expect(third.exemplars.isEmpty)
    }

    @Test("attributes a view drops are kept on the exemplar as filtered attributes")
    func filteredAttributes() throws {
        let reader = ManualMetricReader()
        let view = View(.init(name: "requests"), attributeKeys: ["route"])
        let counter = meter(reader, filter: .alwaysOn, views: [view]).makeCounter(name: "requests")
        counter.add(1, attributes: ["route": "/orders", "user": "42"])
        let point = try #require(try sumPoints(reader.collect(), "requests").first)
        #expect(point.attributes == ["route": "/orders"])
        #expect(point.exemplars.first?.filteredAttributes == ["user": "42"])
    }

    @Test("a bound instrument offers exemplars too")
    func boundInstrument() throws {
        let reader = ManualMetricReader()
        let bound = meter(reader).makeCounter(name: "requests").bind(["route": "/orders"])
        var expected: SpanContext?
        TracerProvider(sampler: AlwaysOnSampler()).withSpan("request") { span in
            expected = span.spanContext
            bound.add(1)
        }
        let exemplar = try #require(try sumPoints(reader.collect(), "requests").first?.exemplars.first)
        #expect(exemplar.spanID == expected?.spanID)
    }

    @Test("a fixed size reservoir fills its slots, then keeps a uniform sample of its size")
    func fixedSizeReservoir() {
        let reservoir = ExemplarReservoir(layout: .fixedSize(4), seed: 7)
        let candidate = ExemplarCandidate(traceID: nil, spanID: nil, attributes: ["k": "v"])
        for value in 0..<3 { reservoir.offer(.int(Int64(value)), candidate: candidate) }
        #expect(reservoir.collect(seriesAttributes: .empty, start: 0, end: .max).map(\.value) == [.int(0), .int(1), .int(2)])
        var seen: Set<NumberValue> = []
        for _ in 0..<20 {
            for value in 0..<100 { reservoir.offer(.int(Int64(value)), candidate: candidate) }
            let kept = reservoir.collect(seriesAttributes: ["k": "v"], start: 0, end: .max)
            #expect(kept.count == 4)
            #expect(kept.allSatisfy { $0.filteredAttributes.isEmpty })
            seen.formUnion(kept.map(\.value))
        }
        #expect(seen.count > 20, "later measurements replace earlier ones")
        #expect(seen.contains { $0.doubleValue >= 50 }, "the second half of the interval is sampled too")
    }

    @Test("OTEL_METRICS_EXEMPLAR_FILTER picks the filter; a bad value warns, names the value, and trace_based applies")
    func environment() throws {
        #expect(try ExemplarFilter(environment: Environment([:])) == .traceBased)
        #expect(try ExemplarFilter(environment: Environment(["OTEL_METRICS_EXEMPLAR_FILTER": "always_on"])) == .alwaysOn)
        #expect(try ExemplarFilter(environment: Environment(["OTEL_METRICS_EXEMPLAR_FILTER": "ALWAYS_OFF"])) == .alwaysOff)
        let capture = LogCapture()
        let filter = try ExemplarFilter(
            environment: Environment(["OTEL_METRICS_EXEMPLAR_FILTER": "sometimes"], logger: capture.logger()))
        #expect(filter == .traceBased)
        #expect(capture.warnings.filter { $0.contains("OTEL_METRICS_EXEMPLAR_FILTER") && $0.contains("sometimes") }.count == 1)
        #expect(throws: TelemetryConfigurationError.self) {
            try ExemplarFilter(environment: Environment(["OTEL_METRICS_EXEMPLAR_FILTER": "sometimes"], isStrict: true))
        }
    }
}
