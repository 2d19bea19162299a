@testable import Telemetry
import TelemetryTesting
import Testing

/// The base-2 exponential histogram's numbers alone: the index mapping, the circular buckets and the scale.
@Suite("ExponentialHistogramState")
struct ExponentialHistogramStateTests {
    typealias Mapping = Base2ExponentialMapping

    func histogram(maxSize: Int = 160, maxScale: Int = 20, minMax: Bool = true) throws -> ExponentialHistogramState {
        try #require(ExponentialHistogramState(maxSize: maxSize, maxScale: maxScale, recordsMinMax: minMax))
    }

    func power(_ exponent: Int) -> Double { Double(sign: .plus, exponent: exponent, significand: 1) }

    // MARK: - Index mapping

    @Test("indices at scales 0, 1, -1 and -2 put exact powers of the base in the bucket below")
    func indexMappingByHand() {
        // Scale 0, base 2: (1, 2] is 0, (2, 4] is 1, (0.5, 1] is -1.
        let scaleZero: [(Double, Int)] = [(1, -1), (1.5, 0), (2, 0), (3, 1), (4, 1), (4.5, 2), (0.5, -2), (0.75, -1)]
        for (value, index) in scaleZero { #expect(Mapping.index(of: value, scale: 0) == index, "\(value)") }
        // Scale 1, base √2: (1, √2] is 0, (√2, 2] is 1, (2, 2√2] is 2.
        let scaleOne: [(Double, Int)] = [(1, -1), (1.2, 0), (1.5, 1), (2, 1), (2.5, 2), (3, 3), (4, 3), (0.9, -1), (0.7, -2)]
        for (value, index) in scaleOne { #expect(Mapping.index(of: value, scale: 1) == index, "\(value)") }
        // Scale -1, base 4: (1, 4] is 0, (4, 16] is 1, (1/4, 1] is -1.
        let minusOne: [(Double, Int)] = [(1, -1), (2, 0), (4, 0), (5, 1), (16, 1), (17, 2), (0.25, -2), (0.3, -1)]
        for (value, index) in minusOne { #expect(Mapping.index(of: value, scale: -1) == index, "\(value)") }
        // Scale -2, base 16.
        let minusTwo: [(Double, Int)] = [(1, -1), (16, 0), (17, 1), (256, 1), (257, 2), (0.5, -1), (1.0 / 16, -2)]
        for (value, index) in minusTwo { #expect(Mapping.index(of: value, scale: -2) == index, "\(value)") }
        // Scale -10: two buckets hold every normal value.
        #expect(Mapping.index(of: 1, scale: -10) == -1)
        #expect(Mapping.index(of: 2, scale: -10) == 0)
        #expect(Mapping.index(of: .greatestFiniteMagnitude, scale: -10) == 0)
        #expect(Mapping.index(of: .leastNormalMagnitude, scale: -10) == -1)
    }

    @Test("every power of two from 2^-1022 to 2^1023 is the upper boundary of its bucket at every scale")
    func powersOfTwo() {
        for scale in Mapping.minScale...Mapping.maxScale {
            for exponent in -1022...1023 {
                let value = power(exponent)
                let index = Mapping.index(of: value, scale: scale)
                let expected = scale >= 0 ? (exponent << scale) - 1 : (exponent - 1) >> -scale
                #expect(index == expected, "2^\(exponent) at scale \(scale)")
                // Where the value is a bucket boundary, the next bucket starts exactly at it and holds the next double.
                if scale >= 0 || exponent % (1 << -scale) == 0 {
                    #expect(Mapping.lowerBoundary(index: index + 1, scale: scale) == value, "2^\(exponent) at scale \(scale)")
                    // The exponent method is exact down to the next double. The logarithm method (scale > 0) can keep
                    // a value a few ulps above a large power of two in the bucket below, as the data model warns and
                    // the Python SDK does too, so there the check starts a billionth above.
                    let above = scale <= 0 ? value.nextUp : value * (1 + 1e-9)
                    #expect(Mapping.index(of: above, scale: scale) == index + 1, "above 2^\(exponent) at scale \(scale)")
                }
            }
        }
    }

    @Test("random values lie inside the bounds of their bucket at every scale")
    func valuesWithinBucketBounds() {
        var random = SeededGenerator(seed: 99)
        for _ in 0..<3000 {
            let value = Double(bitPattern: random.next() & 0x7FEF_FFFF_FFFF_FFFF)  // positive, finite
            guard value >= .leastNormalMagnitude else { continue }
            for scale in Mapping.minScale...Mapping.maxScale {
                let index = Mapping.index(of: value, scale: scale)
                let lower = Mapping.lowerBoundary(index: index, scale: scale)
                let upper = Mapping.lowerBoundary(index: index + 1, scale: scale)
                // The logarithm method may land a few ulps off a boundary; that is all the slack allowed.
                #expect(lower <= value * (1 + 1e-12), "\(value) at scale \(scale): lower \(lower)")
                #expect(value <= upper * (1 + 1e-12), "\(value) at scale \(scale): upper \(upper)")
            }
        }
    }

    @Test("subnormal values map with the smallest normal value; the largest double maps to the last bucket")
    func extremeValues() {
        for scale in Mapping.minScale...Mapping.maxScale {
            let smallest = Mapping.index(of: .leastNormalMagnitude, scale: scale)
            #expect(Mapping.index(of: .leastNonzeroMagnitude, scale: scale) == smallest, "scale \(scale)")
            #expect(Mapping.index(of: Double.leastNormalMagnitude.nextDown, scale: scale) == smallest, "scale \(scale)")
            #expect(Mapping.index(of: .greatestFiniteMagnitude, scale: scale) == Mapping.maxIndex(scale: scale), "scale \(scale)")
        }
        #expect(Mapping.index(of: .leastNormalMagnitude, scale: 20) == (-1022 << 20) - 1)
        #expect(Mapping.maxIndex(scale: 20) == (1024 << 20) - 1)
        #expect(Mapping.maxIndex(scale: 20) <= Int(Int32.max), "indices fit OTLP's sint32 offset")
        #expect(Mapping.index(of: .leastNonzeroMagnitude, scale: 20) >= Int(Int32.min))
    }

    // MARK: - Recording

    @Test("a single value keeps the maximum scale")
    func singleValueAtMaxScale() throws {
        var state = try histogram()
        state.record(1234.5)
        #expect(state.scale == 20)
        let snapshot = state.snapshot()
        #expect(snapshot.positiveCounts == [1])
        #expect(snapshot.positiveOffset == Mapping.index(of: 1234.5, scale: 20))
        var small = try histogram(maxScale: 3)
        small.record(1234.5)
        #expect(small.scale == 3, "the configured maximum scale wins")
    }

    @Test("1 and 2^100 with max size 4 downscale to -6, where they are three buckets apart")
    func downscaleToFit() throws {
        var state = try histogram(maxSize: 4)
        state.record(1)
        state.record(power(100))
        #expect(state.scale == -6)
        let snapshot = state.snapshot()
        #expect(snapshot.positiveOffset == -1)
        #expect(snapshot.positiveCounts == [1, 0, 1])
        #expect(snapshot.count == 2)
        #expect(snapshot.sum == 1 + power(100))
    }

    @Test("1, 2 and 4 with max size 4 end at scale 0 in any order")
    func orderIndependence() throws {
        for order in [[1.0, 2, 4], [4, 2, 1], [2, 1, 4], [2, 4, 1]] {
            var state = try histogram(maxSize: 4)
            for value in order { state.record(value) }
            let snapshot = state.snapshot()
            #expect(snapshot.scale == 0, "\(order)")
            #expect(snapshot.positiveOffset == -1, "\(order)")
            #expect(snapshot.positiveCounts == [1, 1, 1], "\(order)")
        }
    }

    @Test("max size 2 reaches the minimum scale and still holds the whole double range")
    func minimumScale() throws {
        var state = try histogram(maxSize: 2)
        for value in [Double.leastNonzeroMagnitude, .leastNormalMagnitude, 1, 3, .greatestFiniteMagnitude] {
            let recorded = state.record(value)
            #expect(recorded, "\(value)")
        }
        #expect(state.scale == -10)
        let snapshot = state.snapshot()
        #expect(snapshot.positiveOffset == -1)
        #expect(snapshot.positiveCounts == [3, 2])
        #expect(snapshot.count == 5)
    }

    @Test("negative values go to the negative range, by magnitude, sharing the scale with the positive range")
    func negativeValues() throws {
        var state = try histogram(maxSize: 4)
        for value in [-1.0, -2, -4] { state.record(value) }
        var snapshot = state.snapshot()
        #expect(snapshot.scale == 0)
        #expect(snapshot.negativeOffset == -1)
        #expect(snapshot.negativeCounts == [1, 1, 1])
        #expect(snapshot.positiveCounts.isEmpty)
        #expect(snapshot.min == -4)
        #expect(snapshot.max == -1)

        // A positive range that needs a lower scale merges the negative buckets too.
        state.record(1)
        state.record(power(100))
        snapshot = state.snapshot()
        #expect(snapshot.scale == -6)
        #expect(snapshot.negativeOffset == -1)
        #expect(snapshot.negativeCounts == [1, 2], "(2^-64, 1] and (1, 2^64] at scale -6")
        #expect(snapshot.positiveOffset == -1)
        #expect(snapshot.positiveCounts == [1, 0, 1])
        #expect(snapshot.sum == -6 + power(100))
    }

    @Test("zero and negative zero go to the zero bucket")
    func zeros() throws {
        var state = try histogram()
        state.record(0)
        state.record(-0.0)
        state.record(3)
        let snapshot = state.snapshot()
        #expect(snapshot.zeroCount == 2)
        #expect(snapshot.zeroThreshold == 0)
        #expect(snapshot.count == 3)
        #expect(snapshot.positiveCounts == [1])
        #expect(snapshot.min == 0)
        #expect(snapshot.max == 3)
        #expect(state.scale == 20, "zeros do not lower the scale")
    }

    @Test("NaN and infinities are dropped: no bucket, no count, no sum, min or max")
    func nonFiniteValues() throws {
        var state = try histogram()
        state.record(-2)
        for value in [Double.nan, .infinity, -.infinity, Double.signalingNaN] {
            let recorded = state.record(value)
            #expect(recorded == false, "\(value)")
        }
        let snapshot = state.snapshot()
        #expect(snapshot.count == 1)
        #expect(snapshot.sum == -2)
        #expect(snapshot.min == -2)
        #expect(snapshot.max == -2)
        #expect(snapshot.negativeCounts == [1])
        #expect(snapshot.positiveCounts.isEmpty)
        #expect(snapshot.zeroCount == 0)
        #expect(state.scale == 20)
    }

    @Test("min and max can be turned off, and an empty histogram has none")
    func minMaxOption() throws {
        var state = try histogram(minMax: false)
        state.record(5)
        #expect(state.snapshot().min == nil)
        #expect(state.snapshot().max == nil)
        #expect(state.snapshot().sum == 5)
        #expect(try histogram().snapshot().min == nil)
    }

    @Test("configurations outside the specification's limits are refused")
    func configurationLimits() {
        #expect(ExponentialHistogramState(maxSize: 1) == nil)
        #expect(ExponentialHistogramState(maxSize: 0) == nil)
        #expect(ExponentialHistogramState(maxScale: 21) == nil)
        #expect(ExponentialHistogramState(maxScale: -11) == nil)
        #expect(ExponentialHistogramState(maxSize: 2, maxScale: -10) != nil)
        #expect(ExponentialHistogramState()?.maxSize == 160)
        #expect(ExponentialHistogramState()?.maxScale == 20)
    }

    @Test("reset empties the histogram and returns to the maximum scale")
    func reset() throws {
        var state = try histogram(maxSize: 4)
        for value in [1.0, power(100), -3, 0] { state.record(value) }
        #expect(state.scale < 20)
        state.reset()
        #expect(state.scale == 20)
        let empty = state.snapshot()
        #expect(empty == ExponentialHistogramSnapshot(scale: 20))
        state.record(6)
        let snapshot = state.snapshot()
        #expect(snapshot.scale == 20)
        #expect(snapshot.count == 1)
        #expect(snapshot.positiveCounts == [1])
        #expect(snapshot.positiveOffset == Mapping.index(of: 6, scale: 20))
        #expect(snapshot.negativeCounts.isEmpty)
        #expect(snapshot.min == 6)
    }

    // MARK: - Circular buckets

    @Test("buckets wrap around their buffer and merge correctly on downscale, checked against a dictionary")
    func bucketsAgainstModel() {
        var random = SeededGenerator(seed: 5)
        for round in 0..<300 {
            let maxSize = 2 + Int(random.next() % 11)
            var buckets = ExponentialHistogramBuckets(maxSize: maxSize)
            var model: [Int: UInt64] = [:]
            for _ in 0..<60 {
                if random.next() % 10 == 0 {
                    let reduction = 1 + Int(random.next() % 3)
                    buckets.downscale(by: reduction)
                    var merged: [Int: UInt64] = [:]
                    for (index, count) in model { merged[index >> reduction, default: 0] += count }
                    model = merged
                } else {
                    let index = Int(random.next() % 40) - 20
                    let fits = buckets.scaleReduction(toInclude: index) == 0
                    let incremented = buckets.increment(index)
                    #expect(incremented == fits, "round \(round)")
                    if fits { model[index, default: 0] += 1 }
                }
                #expect(buckets.length <= maxSize)
                if let low = model.keys.min(), let high = model.keys.max() {
                    #expect(buckets.lowestIndex == low, "round \(round)")
                    #expect(buckets.highestIndex == high, "round \(round)")
                    for index in low...high { #expect(buckets.count(at: index) == model[index, default: 0], "round \(round) index \(index)") }
                }
                #expect(buckets.totalCount == model.values.reduce(0, +))
            }
            buckets.reset()
            #expect(buckets.isEmpty)
            #expect(buckets.totalCount == 0, "reset zeroes every counter")
        }
    }

    // MARK: - Properties

    @Test("random values: counts conserved, each value in its bucket at the final scale, ideal scale, bounded size", arguments: [2, 4, 20, 160])
    func randomInvariants(maxSize: Int) throws {
        var random = SeededGenerator(seed: UInt64(maxSize) * 7919)
        for trial in 0..<40 {
            var state = try histogram(maxSize: maxSize)
            // Each trial draws from its own log-uniform range, from a narrow one to the whole exponent range.
            let width = Int(random.next() % 200) + 1
            let center = Int(random.next() % 400) - 200
            var values: [Double] = []
            for _ in 0..<(1 + Int(random.next() % 300)) {
                let exponent = center + Int(random.next() % UInt64(width)) - width / 2
                let significand = 1 + Double(random.next() >> 11) / Double(1 << 53)
                var value = Double(sign: .plus, exponent: exponent, significand: significand)
                switch random.next() % 10 {
                case 0: value = 0
                case 1, 2: value = -value
                default: break
                }
                values.append(value)
                let recorded = state.record(value)
                #expect(recorded)
            }
            let snapshot = state.snapshot()
            let scale = snapshot.scale
            let context = "max size \(maxSize), trial \(trial), scale \(scale)"

            #expect(snapshot.count == UInt64(values.count), "\(context)")
            #expect(snapshot.positiveCounts.reduce(0, +) + snapshot.negativeCounts.reduce(0, +) + snapshot.zeroCount == snapshot.count, "\(context)")
            #expect(snapshot.positiveCounts.count <= maxSize, "\(context)")
            #expect(snapshot.negativeCounts.count <= maxSize, "\(context)")
            #expect(snapshot.min == values.min())
            #expect(snapshot.max == values.max())

            // Every value, mapped at the final scale, is counted in that bucket, and lies within its bounds.
            var positive: [Int: UInt64] = [:]
            var negative: [Int: UInt64] = [:]
            for value in values where value != 0 {
                let index = Mapping.index(of: value.magnitude, scale: scale)
                if value > 0 { positive[index, default: 0] += 1 } else { negative[index, default: 0] += 1 }
                let lower = Mapping.lowerBoundary(index: index, scale: scale)
                let upper = Mapping.lowerBoundary(index: index + 1, scale: scale)
                #expect(lower <= value.magnitude * (1 + 1e-12) && value.magnitude <= upper * (1 + 1e-12), "\(value), \(context)")
            }
            for (index, count) in snapshot.positiveCounts.enumerated() {
                #expect(count == positive[snapshot.positiveOffset + index, default: 0], "positive \(snapshot.positiveOffset + index), \(context)")
            }
            for (index, count) in snapshot.negativeCounts.enumerated() {
                #expect(count == negative[snapshot.negativeOffset + index, default: 0], "negative \(snapshot.negativeOffset + index), \(context)")
            }
            #expect(positive.values.reduce(0, +) == snapshot.positiveCounts.reduce(0, +), "\(context)")

            // The scale is ideal: one finer and some range would need more than max size buckets.
            if scale < 20 {
                let finer = values.filter { $0 != 0 }.map { ($0 > 0, Mapping.index(of: $0.magnitude, scale: scale + 1)) }
                let positiveSpan = finer.filter(\.0).map(\.1)
                let negativeSpan = finer.filter { !$0.0 }.map(\.1)
                let needed = [positiveSpan, negativeSpan].map { span in
                    guard let low = span.min(), let high = span.max() else { return 0 }
                    return high - low + 1
                }.max() ?? 0
                #expect(needed > maxSize, "\(context)")
            }
        }
    }
}
