@testable import Telemetry
import TelemetryTesting
import Testing

@Suite("Views")
struct ViewTests {
    func collect(views: [View], readers: [ManualMetricReader] = [ManualMetricReader()], record: (Meter) -> Void) -> [MetricData] {
        let provider = MeterProvider(readers: readers, views: views)
        record(provider.meter(name: "orders", version: "2.0"))
        return withExtendedLifetime(provider) { readers[0].collect() }
    }

    @Test("name selectors take * and ?, without case")
    func glob() {
        #expect(View.Selector.glob("http.*", matches: "http.server.duration"))
        #expect(View.Selector.glob("*duration", matches: "http.server.duration"))
        #expect(View.Selector.glob("http.?erver.*", matches: "http.server.duration"))
        #expect(View.Selector.glob("*", matches: ""))
        #expect(View.Selector.glob("a*b*c", matches: "aXbYbZc"))
        #expect(!View.Selector.glob("http.*", matches: "rpc.server.duration"))
        #expect(!View.Selector.glob("a?c", matches: "ac"))
        #expect(!View.Selector.glob("abc", matches: "abcd"))
        let descriptor = InstrumentDescriptor(name: "HTTP.Server.Duration", kind: .histogram, unit: "ms")
        let scope = InstrumentationScope(name: "orders", version: "2.0")
        #expect(View.Selector(name: "http.server.*").matches(descriptor, scope: scope))
        #expect(View.Selector(kind: .histogram, unit: "ms", meterName: "orders", meterVersion: "2.0").matches(descriptor, scope: scope))
        #expect(!View.Selector(kind: .counter).matches(descriptor, scope: scope))
        #expect(!View.Selector(unit: "s").matches(descriptor, scope: scope))
        #expect(!View.Selector(meterName: "payments").matches(descriptor, scope: scope))
    }

    @Test("a view renames and redescribes a stream, and keeps only the attribute keys it allows")
    func renameAndFilter() throws {
        let metrics = collect(views: [
            View(.init(name: "requests"), name: "http.server.requests", description: "Served", attributeKeys: ["method"]),
        ]) { meter in
            let counter = meter.makeCounter(name: "requests")
            counter.add(1, attributes: ["method": "GET", "user": "a"])
            counter.add(2, attributes: ["method": "GET", "user": "b"])
            counter.bind(["method": "POST", "user": "c"]).add(4)
        }
        #expect(metrics.map(\.name) == ["http.server.requests"])
        let metric = try #require(metrics.first)
        #expect(metric.description == "Served")
        guard case .sum(let sum) = metric.points else { throw TestError() }
        #expect(Dictionary(uniqueKeysWithValues: sum.points.map { ($0.attributes, $0.value) }) == [
            ["method": "GET"]: .int(3), ["method": "POST"]: .int(4),
        ])
    }

    @Test("a drop view removes the instrument; other instruments keep their default streams")
    func drop() {
        let metrics = collect(views: [View(.init(name: "debug.*"), aggregation: .drop)]) { meter in
            meter.makeCounter(name: "debug.allocations").add(1)
            meter.makeObservableGauge(name: "debug.depth") { $0.observe(1) }
            meter.makeCounter(name: "jobs").add(1)
        }
        #expect(metrics.map(\.name) == ["jobs"])
    }

    @Test("views change the aggregation: bucket boundaries, exponential buckets, sum and last value")
    func aggregations() throws {
        let metrics = collect(views: [
            View(.init(name: "latency"), aggregation: .explicitBucketHistogram(boundaries: [1, 2], recordsMinMax: false)),
            View(.init(name: "size"), aggregation: .base2ExponentialBucketHistogram(maxSize: 8, maxScale: 4)),
            View(.init(name: "total"), aggregation: .sum),
            View(.init(name: "level"), aggregation: .lastValue),
        ]) { meter in
            meter.makeHistogram(name: "latency", explicitBucketBoundaries: [10, 20]).record(1.5)
            meter.makeHistogram(name: "size").record(100)
            meter.makeHistogram(name: "total").record(2.5)
            meter.makeHistogram(name: "total").record(3)
            meter.makeUpDownCounter(name: "level").add(7)
        }
        func points(_ name: String) throws -> MetricPoints {
            try #require(metrics.first { $0.name == name }).points
        }
        guard case .histogram(let latency) = try points("latency"),
            case .exponentialHistogram(let size) = try points("size"),
            case .sum(let total) = try points("total"),
            case .gauge(let level) = try points("level")
        else { throw TestError() }
        #expect(latency.points.first?.boundaries == [1, 2], "the view wins over the advice")
        #expect(latency.points.first?.bucketCounts == [0, 1, 0])
        #expect(latency.points.first?.min == nil && latency.points.first?.max == nil)
        #expect(size.points.first?.scale == 4 && size.points.first?.count == 1)
        #expect(total.points.first?.value == .double(5.5) && total.isMonotonic)
        #expect(level.first?.value == .int(7))
    }

    @Test("two views that select one instrument make two streams from the same measurements")
    func twoStreams() throws {
        let metrics = collect(views: [
            View(.init(name: "requests"), name: "requests.by_method", attributeKeys: ["method"]),
            View(.init(name: "requests"), name: "requests.total", attributeKeys: []),
        ]) { meter in
            let counter = meter.makeCounter(name: "requests")
            counter.add(1, attributes: ["method": "GET"])
            counter.add(1, attributes: ["method": "POST"])
        }
        #expect(Set(metrics.map(\.name)) == ["requests.by_method", "requests.total"])
        guard case .sum(let total) = try #require(metrics.first { $0.name == "requests.total" }).points else {
            throw TestError()
        }
        #expect(total.points.map(\.attributes) == [.empty] && total.points.map(\.value) == [.int(2)])
    }

    @Test("the cardinality limit of a view wins over the reader's, which wins over the provider's")
    func cardinalityLimits() throws {
        let readers = [ManualMetricReader(cardinalityLimit: 3)]
        let metrics = collect(views: [View(.init(name: "limited"), cardinalityLimit: 2)], readers: readers) { meter in
            for index in 0..<10 {
                meter.makeCounter(name: "limited").add(1, attributes: ["i": .int(Int64(index))])
                meter.makeCounter(name: "reader").add(1, attributes: ["i": .int(Int64(index))])
            }
        }
        func count(_ name: String) throws -> Int {
            guard case .sum(let sum) = try #require(metrics.first { $0.name == name }).points else { throw TestError() }
            return sum.points.count
        }
        #expect(try count("limited") == 2)
        #expect(try count("reader") == 3)
    }

    @Test("a view filters the attributes of observations too, adding the totals that coincide")
    func observableFilter() throws {
        let metrics = collect(views: [View(.init(name: "queue.depth"), attributeKeys: ["queue"])]) { meter in
            meter.makeObservableUpDownCounter(name: "queue.depth") { observations in
                observations.observe(3, attributes: ["queue": "a", "shard": 1])
                observations.observe(4, attributes: ["queue": "a", "shard": 2])
                observations.observe(5, attributes: ["queue": "b", "shard": 1])
            }
        }
        guard case .sum(let sum) = try #require(metrics.first).points else { throw TestError() }
        #expect(Dictionary(uniqueKeysWithValues: sum.points.map { ($0.attributes, $0.value) }) == [
            ["queue": "a"]: .int(7), ["queue": "b"]: .int(5),
        ])
    }
}
