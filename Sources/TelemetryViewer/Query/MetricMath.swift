import Foundation

/// The arithmetic of counter rates and histogram quantiles over stored points, kept apart from SQL so it can be
/// tested on its own.
enum MetricMath {
    /// How much a counter increased up to each point: for delta points their value, for cumulative ones the
    /// difference from the previous point, or the whole value after a reset (a lower value or a new start time).
    /// A first cumulative point counts only when its counter started inside the range.
    static func increases(
        of points: [ReceivedMetric.NumberPoint],
        temporality: ReceivedMetric.Temporality,
        isMonotonic: Bool,
        rangeStart: UInt64
    ) -> [(time: UInt64, increase: Double)] {
        var result: [(time: UInt64, increase: Double)] = []
        var previous: ReceivedMetric.NumberPoint?
        for point in points {
            defer { previous = point }
            let value = point.value.doubleValue
            if temporality == .delta {
                result.append((point.timeUnixNano, value))
                continue
            }
            guard let previous else {
                if point.startTimeUnixNano != 0, point.startTimeUnixNano >= rangeStart {
                    result.append((point.timeUnixNano, value))
                }
                continue
            }
            let restarted = point.startTimeUnixNano != previous.startTimeUnixNano && point.startTimeUnixNano != 0
            let previousValue = previous.value.doubleValue
            if restarted || (isMonotonic && value < previousValue) {
                result.append((point.timeUnixNano, value))
            } else {
                result.append((point.timeUnixNano, value - previousValue))
            }
        }
        return result
    }

    /// The bucket counts each histogram point adds: delta points as they are, cumulative ones as the difference
    /// from the previous point with the same bounds and start (else as they are, after a reset).
    static func bucketIncreases(
        of points: [ReceivedMetric.HistogramPoint],
        temporality: ReceivedMetric.Temporality,
        rangeStart: UInt64
    ) -> [(time: UInt64, bounds: [Double], counts: [UInt64])] {
        var result: [(time: UInt64, bounds: [Double], counts: [UInt64])] = []
        var previous: ReceivedMetric.HistogramPoint?
        for point in points {
            // A malformed point is skipped before it can become the baseline: differencing the next point
            // against it would turn a normal step into a spurious reset.
            guard point.bucketCounts.count == point.explicitBounds.count + 1 else { continue }
            defer { previous = point }
            if temporality == .delta {
                result.append((point.timeUnixNano, point.explicitBounds, point.bucketCounts))
                continue
            }
            guard let previous else {
                if point.startTimeUnixNano != 0, point.startTimeUnixNano >= rangeStart {
                    result.append((point.timeUnixNano, point.explicitBounds, point.bucketCounts))
                }
                continue
            }
            let comparable = previous.explicitBounds == point.explicitBounds
                && previous.bucketCounts.count == point.bucketCounts.count
                && (point.startTimeUnixNano == previous.startTimeUnixNano || point.startTimeUnixNano == 0)
                && zip(point.bucketCounts, previous.bucketCounts).allSatisfy { $0 >= $1 }
            if comparable {
                result.append((point.timeUnixNano, point.explicitBounds, zip(point.bucketCounts, previous.bucketCounts).map { $0 - $1 }))
            } else {
                result.append((point.timeUnixNano, point.explicitBounds, point.bucketCounts))
            }
        }
        return result
    }

    /// The `q` quantile of a histogram with `counts` (one more than `bounds`), interpolating linearly inside the
    /// bucket it falls in, as Prometheus' `histogram_quantile` does: the first bucket starts at zero (when its bound
    /// is positive) and a quantile in the overflow bucket is the highest bound. `nil` for an empty histogram.
    static func quantile(_ q: Double, bounds: [Double], counts: [UInt64]) -> Double? {
        guard counts.count == bounds.count + 1, !q.isNaN else { return nil }
        let total = counts.reduce(0, &+)
        guard total > 0 else { return nil }
        if q < 0 { return -.infinity }
        if q > 1 { return .infinity }
        let rank = q * Double(total)
        var below: UInt64 = 0
        for (index, count) in counts.enumerated() {
            let through = below &+ count
            if Double(through) >= rank, count > 0 {
                guard index < bounds.count else { return bounds.last ?? .nan }
                let upper = bounds[index]
                let lower: Double
                if index == 0 {
                    guard upper > 0 else { return upper }
                    lower = 0
                } else {
                    lower = bounds[index - 1]
                }
                return lower + (upper - lower) * (rank - Double(below)) / Double(count)
            }
            below = through
        }
        return bounds.last
    }

    /// The counts each exponential histogram point adds, in bucket-index space: delta points as they are,
    /// cumulative ones as the difference from the previous point after both are brought to the coarser scale (an
    /// SDK lowers the scale whenever the range of values grows, which must not read as a reset). A new start time,
    /// a lower count or any bucket that shrank is a reset, after which the point counts whole. Points with a scale
    /// outside OTLP's range are skipped and never become the baseline. A first cumulative point counts only when
    /// its histogram started inside the range.
    static func exponentialIncreases(
        of points: [ReceivedMetric.ExponentialHistogramPoint],
        temporality: ReceivedMetric.Temporality,
        rangeStart: UInt64
    ) -> [(time: UInt64, buckets: ExponentialBuckets)] {
        var result: [(time: UInt64, buckets: ExponentialBuckets)] = []
        var previous: (point: ReceivedMetric.ExponentialHistogramPoint, buckets: ExponentialBuckets)?
        for point in points {
            guard let buckets = ExponentialBuckets(point) else { continue }
            defer { previous = (point, buckets) }
            if temporality == .delta {
                result.append((point.timeUnixNano, buckets))
                continue
            }
            guard let previous else {
                if point.startTimeUnixNano != 0, point.startTimeUnixNano >= rangeStart {
                    result.append((point.timeUnixNano, buckets))
                }
                continue
            }
            let restarted = point.startTimeUnixNano != previous.point.startTimeUnixNano && point.startTimeUnixNano != 0
            if !restarted, point.count >= previous.point.count, let increase = buckets.subtracting(previous.buckets) {
                result.append((point.timeUnixNano, increase))
            } else {
                result.append((point.timeUnixNano, buckets))
            }
        }
        return result
    }
}

/// An exponential histogram's counts keyed by absolute bucket index at one scale. Points are subtracted and
/// added in this form, because their scale, offset and bucket count change from point to point while the
/// index space stays comparable; only the final merged counts are turned into value bounds.
struct ExponentialBuckets: Equatable, Sendable {
    /// The scales OTLP allows; a point outside them is malformed, and the bounds of its buckets would overflow.
    static let scales: ClosedRange<Int32> = -10...20

    /// Bucket `i` holds values whose magnitude is in `(base^i, base^(i+1)]`, `base = 2^(2^-scale)`.
    var scale: Int32
    /// Values within `zeroThreshold` of zero.
    var zeroCount: UInt64
    /// The zero bucket's half-width; 0 means exact zeros only.
    var zeroThreshold: Double
    /// Counts of positive values by bucket index; empty buckets are absent.
    var positive: [Int: UInt64]
    /// Counts of negative values by the bucket index of their magnitude; empty buckets are absent.
    var negative: [Int: UInt64]

    /// The point's counts, or `nil` when its scale is outside OTLP's range.
    init?(_ point: ReceivedMetric.ExponentialHistogramPoint) {
        guard Self.scales.contains(point.scale) else { return nil }
        scale = point.scale
        zeroCount = point.zeroCount
        // A NaN or negative threshold says nothing usable about the zero bucket's width.
        zeroThreshold = point.zeroThreshold.isFinite && point.zeroThreshold > 0 ? point.zeroThreshold : 0
        positive = Self.indexed(point.positive)
        negative = Self.indexed(point.negative)
    }

    init(scale: Int32, zeroCount: UInt64, zeroThreshold: Double, positive: [Int: UInt64], negative: [Int: UInt64]) {
        self.scale = scale
        self.zeroCount = zeroCount
        self.zeroThreshold = zeroThreshold
        self.positive = positive
        self.negative = negative
    }

    private static func indexed(_ buckets: ReceivedMetric.ExponentialHistogramPoint.Buckets) -> [Int: UInt64] {
        var counts: [Int: UInt64] = [:]
        for (index, count) in buckets.bucketCounts.enumerated() where count > 0 {
            counts[Int(buckets.offset) + index, default: 0] &+= count
        }
        return counts
    }

    /// All observations, zero bucket included.
    var total: UInt64 {
        positive.values.reduce(zeroCount, &+) &+ negative.values.reduce(0, &+)
    }

    /// The same counts at `scale`, which must not be finer than this one: each run of `2^(self.scale - scale)`
    /// buckets merges into one, the index shifting right (flooring, so negative indexes merge correctly too).
    func downscaled(to scale: Int32) -> ExponentialBuckets {
        let shift = Int(self.scale) - Int(scale)
        guard shift > 0 else { return self }
        func merge(_ counts: [Int: UInt64]) -> [Int: UInt64] {
            var merged: [Int: UInt64] = [:]
            for (index, count) in counts { merged[index >> shift, default: 0] &+= count }
            return merged
        }
        return ExponentialBuckets(
            scale: scale,
            zeroCount: zeroCount,
            zeroThreshold: zeroThreshold,
            positive: merge(positive),
            negative: merge(negative)
        )
    }

    /// Both histograms' observations together, at the coarser of the two scales.
    func adding(_ other: ExponentialBuckets) -> ExponentialBuckets {
        let scale = min(self.scale, other.scale)
        var sum = downscaled(to: scale)
        let addend = other.downscaled(to: scale)
        sum.zeroCount &+= addend.zeroCount
        // The wider zero bucket is the one that still holds every zero-bucket observation of both.
        sum.zeroThreshold = max(sum.zeroThreshold, addend.zeroThreshold)
        sum.positive.merge(addend.positive, uniquingKeysWith: &+)
        sum.negative.merge(addend.negative, uniquingKeysWith: &+)
        return sum
    }

    /// What was observed since `earlier`, at the coarser of the two scales; `nil` when any count shrank,
    /// which only a reset explains.
    func subtracting(_ earlier: ExponentialBuckets) -> ExponentialBuckets? {
        let scale = min(self.scale, earlier.scale)
        let later = downscaled(to: scale)
        let base = earlier.downscaled(to: scale)
        guard later.zeroCount >= base.zeroCount else { return nil }
        func difference(_ now: [Int: UInt64], _ before: [Int: UInt64]) -> [Int: UInt64]? {
            var result: [Int: UInt64] = [:]
            guard before.allSatisfy({ index, count in count <= (now[index] ?? 0) }) else { return nil }
            for (index, count) in now {
                let increase = count - (before[index] ?? 0)
                if increase > 0 { result[index] = increase }
            }
            return result
        }
        guard let positive = difference(later.positive, base.positive),
            let negative = difference(later.negative, base.negative)
        else { return nil }
        return ExponentialBuckets(
            scale: scale,
            zeroCount: later.zeroCount - base.zeroCount,
            zeroThreshold: later.zeroThreshold,
            positive: positive,
            negative: negative
        )
    }

    /// The `q` quantile, interpolating linearly inside the bucket it falls in as Prometheus'
    /// `histogram_quantile` does for explicit buckets. Negative buckets come first (by magnitude, largest first),
    /// then the zero bucket, which spans `[-threshold, threshold]` when there are negative observations and
    /// `[0, threshold]` otherwise, then the positive buckets. `nil` for an empty histogram.
    func quantile(_ q: Double) -> Double? {
        guard !q.isNaN else { return nil }
        let total = self.total
        guard total > 0 else { return nil }
        if q < 0 { return -.infinity }
        if q > 1 { return .infinity }
        let width = exp2(-Double(scale))
        func bound(_ index: Int) -> Double { exp2(Double(index) * width) }
        var buckets: [(lower: Double, upper: Double, count: UInt64)] = []
        for index in negative.keys.sorted(by: >) {
            buckets.append((-bound(index + 1), -bound(index), negative[index] ?? 0))
        }
        if zeroCount > 0 {
            buckets.append((negative.isEmpty ? 0 : -zeroThreshold, zeroThreshold, zeroCount))
        }
        for index in positive.keys.sorted() {
            buckets.append((bound(index), bound(index + 1), positive[index] ?? 0))
        }
        let rank = q * Double(total)
        var below: UInt64 = 0
        for bucket in buckets {
            let through = below &+ bucket.count
            if Double(through) >= rank, bucket.count > 0 {
                // At the extremes of the scale a bound overflows; interpolating between infinities gives NaN.
                guard bucket.lower.isFinite, bucket.upper.isFinite else { return bucket.upper }
                return bucket.lower + (bucket.upper - bucket.lower) * (rank - Double(below)) / Double(bucket.count)
            }
            below = through
        }
        return buckets.last?.upper
    }
}
