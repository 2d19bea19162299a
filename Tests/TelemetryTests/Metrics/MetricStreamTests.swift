import Synchronization
@testable import Telemetry
import Testing

@Suite("Metric stream storage")
struct MetricStreamTests {
    func sumStream(
        isDouble: Bool = false,
        temporality: AggregationTemporality = .cumulative,
        limit: Int = 2000
    ) -> MetricStream<SumCell> {
        MetricStream(temporality: temporality, cardinalityLimit: limit, startTime: 100) { SumCell(isDouble: isDouble) }
    }

    func values(_ points: [MetricStream<SumCell>.Point]) -> [AttributeSet: NumberValue] {
        Dictionary(uniqueKeysWithValues: points.map { ($0.attributes, $0.snapshot) })
    }

    @Test("cumulative sums keep growing, per attribute set, from the stream's start time")
    func cumulative() {
        let stream = sumStream()
        let get: AttributeSet = ["method": "GET"]
        let post: AttributeSet = ["method": "POST"]
        stream.record(2, attributes: get)
        stream.record(3, attributes: AttributeSet([("method", "GET")]))
        stream.record(1, attributes: post)
        let first = stream.collect(at: 200)
        #expect(values(first) == [get: 5, post: 1])
        #expect(first.allSatisfy { $0.startTime == 100 && $0.time == 200 })
        stream.record(4, attributes: get)
        let second = stream.collect(at: 300)
        #expect(values(second) == [get: 9, post: 1])
        #expect(second.allSatisfy { $0.startTime == 100 && $0.time == 300 })
    }

    @Test("delta sums start over at each collection, report only what changed, and start where the last interval ended")
    func delta() {
        let stream = sumStream(temporality: .delta)
        let get: AttributeSet = ["method": "GET"]
        let post: AttributeSet = ["method": "POST"]
        stream.record(2, attributes: get)
        stream.record(1, attributes: post)
        let first = stream.collect(at: 200)
        #expect(values(first) == [get: 2, post: 1])
        #expect(first.allSatisfy { $0.startTime == 100 })
        stream.record(4, attributes: get)
        let second = stream.collect(at: 300)
        #expect(values(second) == [get: 4], "POST saw nothing in this interval")
        #expect(second.allSatisfy { $0.startTime == 200 && $0.time == 300 })
        #expect(stream.collect(at: 400).isEmpty)
    }

    @Test("with delta temporality, idle series are forgotten, so memory stays bounded by what is in use")
    func deltaForgetsIdleSeries() {
        let stream = sumStream(temporality: .delta, limit: 100)
        for interval in 0..<100 {
            for index in 0..<100 {
                stream.record(1, attributes: ["id": .int(Int64(interval * 100 + index))])
            }
            #expect(stream.seriesCount <= 100)
            let points = stream.collect(at: UInt64(1000 + interval))
            #expect(points.reduce(0) { $0 + $1.snapshot.integerValue } == 100, "every measurement is counted, overflow included")
        }
        _ = stream.collect(at: 5000)
        #expect(stream.seriesCount == 0)
    }

    @Test("a bound series survives idle delta intervals and records without the stream's lock")
    func boundSeries() {
        let stream = sumStream(temporality: .delta)
        let bound = stream.bind(["route": "/orders"]).cell
        bound.record(1, exemplar: nil)
        #expect(values(stream.collect(at: 200)) == [["route": "/orders"]: 1])
        #expect(stream.collect(at: 300).isEmpty)
        #expect(stream.seriesCount == 1, "a bound series is never forgotten")
        bound.record(5, exemplar: nil)
        #expect(values(stream.collect(at: 400)) == [["route": "/orders"]: 5])
    }

    @Test("once every binding of a series ends, delta collections forget it again when idle")
    func unbind() {
        let stream = sumStream(temporality: .delta)
        let first = stream.bind(["route": "/orders"])
        let second = stream.bind(["route": "/orders"])
        first.cell.record(1, exemplar: nil)
        _ = stream.collect(at: 200)
        stream.unbind(first)
        _ = stream.collect(at: 300)
        #expect(stream.seriesCount == 1, "the second binding still holds the series")
        stream.unbind(second)
        _ = stream.collect(at: 400)
        #expect(stream.seriesCount == 0)
    }

    @Test("a handle bound past the limit records into the overflow series, which delta collections then keep")
    func boundOverflow() {
        let stream = sumStream(temporality: .delta, limit: 2)
        stream.record(1, attributes: ["id": 0])
        let bound = stream.bind(["id": 1]).cell
        bound.record(1, exemplar: nil)
        #expect(values(stream.collect(at: 200)) == [["id": 0]: 1, ["otel.metric.overflow": true]: 1])
        #expect(stream.collect(at: 300).isEmpty)
        bound.record(5, exemplar: nil)
        #expect(values(stream.collect(at: 400)) == [["otel.metric.overflow": true]: 5], "the bound overflow was kept")
    }

    @Test("past the cardinality limit, measurements go to the overflow series, which counts inside the limit")
    func cardinalityLimit() {
        let stream = sumStream(limit: 3)
        for index in 0..<10 {
            stream.record(1, attributes: ["id": .int(Int64(index))])
        }
        let points = values(stream.collect(at: 200))
        #expect(points.count == 3)
        #expect(points[["id": 0]] == 1 && points[["id": 1]] == 1)
        #expect(points[["otel.metric.overflow": true]] == 8)
        #expect(stream.seriesCount == 3)
        stream.record(1, attributes: ["id": 0])
        #expect(values(stream.collect(at: 300))[["id": 0]] == 2, "a series that exists keeps its own point")
    }

    @Test("concurrent adds from 8 tasks are all counted, for integer and double sums")
    func concurrentAdds() async {
        let integers = sumStream(isDouble: false)
        let doubles = sumStream(isDouble: true)
        let boundDoubles = doubles.bind(["bound": true]).cell
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for _ in 0..<10_000 {
                        integers.record(1, attributes: ["task": .int(Int64(task % 2))])
                        boundDoubles.record(0.5, exemplar: nil)
                    }
                }
            }
        }
        #expect(values(integers.collect(at: 200)).values.map(\.integerValue).reduce(0, +) == 80_000)
        #expect(values(doubles.collect(at: 200)) == [["bound": true]: 40_000.0])
    }

    @Test("last value keeps the newest measurement; with delta, only series measured in the interval report")
    func lastValue() {
        let cumulative = MetricStream(temporality: .cumulative, cardinalityLimit: 10, startTime: 0) { LastValueCell(isDouble: true) }
        cumulative.record(1.5, attributes: .empty)
        cumulative.record(-2.5, attributes: .empty)
        #expect(cumulative.collect(at: 1).map(\.snapshot) == [-2.5])
        #expect(cumulative.collect(at: 2).map(\.snapshot) == [-2.5])
        let delta = MetricStream(temporality: .delta, cardinalityLimit: 10, startTime: 0) { LastValueCell(isDouble: false) }
        delta.record(7, attributes: .empty)
        #expect(delta.collect(at: 1).map(\.snapshot) == [7])
        #expect(delta.collect(at: 2).isEmpty)
    }

    @Test("a histogram stream snapshots each series, starts over with delta, and counts what it cannot take")
    func histogram() throws {
        let state = try #require(ExplicitBucketHistogramState(boundaries: [10, 100]))
        let stream = MetricStream(temporality: .delta, cardinalityLimit: 10, startTime: 0) { HistogramCell(state: state) }
        for value in [5.0, 50, 500, .nan, .infinity] {
            stream.record(.double(value), attributes: .empty)
        }
        let first = try #require(stream.collect(at: 1).first?.snapshot)
        #expect(first.bucketCounts == [1, 1, 1])
        #expect(first.count == 3 && first.sum == 555 && first.min == 5 && first.max == 500)
        #expect(stream.rejectedCount == 2)
        stream.record(20, attributes: .empty)
        let second = try #require(stream.collect(at: 2).first?.snapshot)
        #expect(second.bucketCounts == [0, 1, 0] && second.count == 1)
    }

    @Test("a NaN or an infinity in a new attribute set of a cumulative histogram makes no series: it is only counted")
    func rejectedValueMakesNoSeries() throws {
        let state = try #require(ExplicitBucketHistogramState(boundaries: [10]))
        let stream = MetricStream(temporality: .cumulative, cardinalityLimit: 3, startTime: 0) { HistogramCell(state: state) }
        stream.record(.double(.nan), attributes: ["route": "/nan"])
        stream.record(.double(.infinity), attributes: ["route": "/infinity"])
        #expect(stream.seriesCount == 0)
        #expect(stream.rejectedCount == 2)
        // The limit is still whole for series that report: two of them and no overflow.
        stream.record(1, attributes: ["route": "/a"])
        stream.record(2, attributes: ["route": "/b"])
        let points = stream.collect(at: 1)
        #expect(Set(points.map(\.attributes)) == [["route": "/a"], ["route": "/b"]])
    }

    @Test("8 tasks record into one histogram series while delta collections run: every count and sum is kept")
    func concurrentHistogram() async throws {
        let state = try #require(ExplicitBucketHistogramState(boundaries: [0.5, 1.5]))
        let stream = MetricStream(temporality: .delta, cardinalityLimit: 10, startTime: 0) { HistogramCell(state: state) }
        let bound = stream.bind(["bound": true]).cell
        let recording = Recorders(8)
        let collected = await withTaskGroup(of: [MetricStream<HistogramCell>.Point].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<10_000 { bound.record(1, exemplar: nil) }
                    recording.count.subtract(1, ordering: .releasing)
                    return []
                }
            }
            group.addTask {
                // Collects for as long as anyone records, so collections interleave with the measurements.
                var points: [MetricStream<HistogramCell>.Point] = []
                var time: UInt64 = 1
                while recording.count.load(ordering: .acquiring) > 0 {
                    points += stream.collect(at: time)
                    time += 1
                    await Task.yield()
                }
                return points
            }
            var all: [MetricStream<HistogramCell>.Point] = []
            for await points in group { all += points }
            return all + stream.collect(at: 1_000_000)
        }
        let snapshots = collected.map(\.snapshot)
        #expect(snapshots.reduce(0) { $0 + $1.count } == 80_000)
        #expect(snapshots.reduce(0) { $0 + $1.sum } == 80_000)
        #expect(snapshots.allSatisfy { $0.count == $0.bucketCounts.reduce(0, +) })
        #expect(snapshots.allSatisfy { $0.bucketCounts[0] == 0 && $0.bucketCounts[2] == 0 })
    }

    @Test("cumulative series found without the lock: tasks adding new series while others record lose nothing")
    func lockFreeIndexUnderGrowth() async {
        let stream = sumStream()
        // 8 tasks over 600 attribute sets, built anew each time so lookups compare by value, not by identity: the
        // index grows from 16 slots several times while the others read it.
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for round in 0..<5 {
                        for id in 0..<600 {
                            stream.record(.int(1), attributes: ["id": .int(Int64((id + task * 75 + round) % 600))])
                        }
                    }
                }
            }
        }
        let points = values(stream.collect(at: 200))
        #expect(points.count == 600)
        #expect(points.values.allSatisfy { $0 == .int(40) }, "each set: 8 tasks × 5 rounds")
        #expect(stream.seriesCount == 600)
        #expect((0..<600).allSatisfy { stream.isIndexed(["id": .int(Int64($0))]) }, "every series is found without the lock")
        #expect(!sumStream(temporality: .delta).isIndexed(["id": 0]))
    }

    @Test("an exponential histogram stream collects its cells' snapshots")
    func exponentialHistogram() throws {
        let state = try #require(ExponentialHistogramState(maxSize: 160, maxScale: 20))
        let stream = MetricStream(temporality: .cumulative, cardinalityLimit: 10, startTime: 0) {
            ExponentialHistogramCell(state: state)
        }
        for value: NumberValue in [1, 2, 4, 0] {
            stream.record(value, attributes: ["k": "v"])
        }
        let snapshot = try #require(stream.collect(at: 1).first?.snapshot)
        #expect(snapshot.count == 4 && snapshot.zeroCount == 1 && snapshot.sum == 7)
        #expect(snapshot.positiveCounts.reduce(0, +) == 3)
    }
}

/// How many tasks are still recording.
private final class Recorders: Sendable {
    let count: Atomic<Int>
    init(_ count: Int) { self.count = Atomic(count) }
}

extension NumberValue: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral {
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
}
