@testable import Telemetry
import TelemetryTesting
import Testing

/// The explicit bucket histogram's numbers alone: no instruments, no locks, no export.
@Suite("ExplicitBucketHistogramState")
struct ExplicitBucketHistogramStateTests {

    func histogram(_ boundaries: [Double] = ExplicitBucketHistogramState.defaultBoundaries, minMax: Bool = true) throws -> ExplicitBucketHistogramState {
        try #require(ExplicitBucketHistogramState(boundaries: boundaries, recordsMinMax: minMax))
    }

    @Test("the default boundaries are the specification's fifteen, giving sixteen buckets")
    func defaultBoundaries() throws {
        #expect(ExplicitBucketHistogramState.defaultBoundaries == [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000])
        let state = try histogram()
        #expect(state.bucketCounts.count == 16)
        #expect(state.bucketCounts.allSatisfy { $0 == 0 })
    }

    @Test("a value equal to a boundary goes below it, the next double above goes above it")
    func upperInclusiveBuckets() throws {
        var state = try histogram()
        for (index, boundary) in ExplicitBucketHistogramState.defaultBoundaries.enumerated() {
            #expect(state.bucketIndex(of: boundary) == index, "\(boundary)")
            #expect(state.bucketIndex(of: boundary.nextDown) == index, "\(boundary.nextDown)")
            #expect(state.bucketIndex(of: boundary.nextUp) == index + 1, "\(boundary.nextUp)")
        }
        #expect(state.bucketIndex(of: -1_000_000) == 0)
        #expect(state.bucketIndex(of: -0.0) == 0)
        #expect(state.bucketIndex(of: 1e300) == 15)
        #expect(state.bucketIndex(of: -.greatestFiniteMagnitude) == 0)
        #expect(state.bucketIndex(of: .greatestFiniteMagnitude) == 15)

        for value in [0.0, 0.0.nextUp, 5, 5.000001, 7, 10000, 10001, -3] { state.record(value) }
        var expected = [UInt64](repeating: 0, count: 16)
        expected[0] = 2  // 0 and -3
        expected[1] = 2  // the smallest positive double and 5
        expected[2] = 2  // 5.000001 and 7
        expected[14] = 1  // 10000
        expected[15] = 1  // 10001
        #expect(state.bucketCounts == expected)
    }

    @Test("binary search agrees with a linear scan over random boundaries and values")
    func binarySearchMatchesLinearScan() throws {
        var random = SeededGenerator(seed: 11)
        for _ in 0..<200 {
            let size = Int(random.next() % 20)
            var boundaries: [Double] = []
            var next = Double(Int(random.next() % 200)) - 100
            for _ in 0..<size {
                boundaries.append(next)
                next += Double(1 + random.next() % 30) / 4
            }
            let state = try histogram(boundaries)
            for _ in 0..<50 {
                // Quarter steps so that values often hit a boundary exactly.
                let value = Double(Int(random.next() % 1200)) / 4 - 150
                let linear = boundaries.firstIndex { $0 >= value } ?? boundaries.count
                #expect(state.bucketIndex(of: value) == linear, "\(value) in \(boundaries)")
            }
        }
    }

    @Test("count, sum, min and max follow the values; min and max can be turned off")
    func statistics() throws {
        var state = try histogram()
        let values = [12.5, -4, 0, 9000, 3.25]
        for value in values {
            let recorded = state.record(value)
            #expect(recorded)
        }
        let snapshot = state.snapshot()
        #expect(snapshot.count == 5)
        #expect(snapshot.sum == values.reduce(0, +))
        #expect(snapshot.min == -4)
        #expect(snapshot.max == 9000)
        #expect(snapshot.bucketCounts.reduce(0, +) == 5)
        #expect(snapshot.boundaries == ExplicitBucketHistogramState.defaultBoundaries)

        var withoutMinMax = try histogram(minMax: false)
        for value in values { withoutMinMax.record(value) }
        #expect(withoutMinMax.snapshot().min == nil)
        #expect(withoutMinMax.snapshot().max == nil)
        #expect(withoutMinMax.snapshot().count == 5)

        #expect(try histogram().snapshot().min == nil, "an empty histogram has no min")
    }

    @Test("NaN and infinities are dropped and leave count, sum, min, max and buckets untouched")
    func nonFiniteValues() throws {
        var state = try histogram()
        state.record(7)
        for value in [Double.nan, .infinity, -.infinity, -Double.nan, Double.signalingNaN] {
            let recorded = state.record(value)
            #expect(recorded == false, "\(value)")
        }
        let snapshot = state.snapshot()
        #expect(snapshot.count == 1)
        #expect(snapshot.sum == 7)
        #expect(snapshot.min == 7)
        #expect(snapshot.max == 7)
        #expect(snapshot.bucketCounts.reduce(0, +) == 1)
    }

    @Test("boundaries must be finite and strictly increasing; none at all gives one bucket")
    func boundaryValidation() throws {
        #expect(ExplicitBucketHistogramState(boundaries: [1, 1]) == nil)
        #expect(ExplicitBucketHistogramState(boundaries: [2, 1]) == nil)
        #expect(ExplicitBucketHistogramState(boundaries: [0, .nan]) == nil)
        #expect(ExplicitBucketHistogramState(boundaries: [0, .infinity]) == nil)
        #expect(ExplicitBucketHistogramState(boundaries: [-.infinity, 0]) == nil)
        var single = try histogram([])
        single.record(-5)
        single.record(1e12)
        #expect(single.bucketCounts == [2])
    }

    @Test("reset empties everything and keeps the same bucket storage")
    func resetKeepsStorage() throws {
        var state = try histogram()
        for value in [1.0, 30, 30, 20000] { state.record(value) }
        let before = state.bucketCounts.withUnsafeBufferPointer { $0.baseAddress }
        let snapshot = state.snapshot()
        // Recording after a snapshot must not copy the live array: the snapshot has storage of its own.
        state.record(2)
        #expect(state.bucketCounts.withUnsafeBufferPointer { $0.baseAddress } == before)
        #expect(snapshot.bucketCounts[1] == 1, "the snapshot does not see later records")
        #expect(snapshot.count == 4)

        state.reset()
        #expect(state.bucketCounts.withUnsafeBufferPointer { $0.baseAddress } == before)
        #expect(state.bucketCounts == [UInt64](repeating: 0, count: 16))
        #expect(state.count == 0)
        #expect(state.sum == 0)
        #expect(state.snapshot().min == nil)
        state.record(-1)
        #expect(state.snapshot().min == -1)
        #expect(state.snapshot().max == -1)
        #expect(state.bucketCounts[0] == 1)
    }

    @Test("snapshot(into:) reuses the destination's storage")
    func snapshotIntoReuses() throws {
        var state = try histogram()
        state.record(3)
        var destination = state.snapshot()
        let storage = destination.bucketCounts.withUnsafeBufferPointer { $0.baseAddress }
        state.record(60)
        state.snapshot(into: &destination)
        #expect(destination.bucketCounts.withUnsafeBufferPointer { $0.baseAddress } == storage)
        #expect(destination.count == 2)
        #expect(destination.bucketCounts[1] == 1)
        #expect(destination.bucketCounts[5] == 1)
    }
}
