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
            defer { previous = point }
            guard point.bucketCounts.count == point.explicitBounds.count + 1 else { continue }
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

    /// An exponential histogram's positive buckets as explicit bounds, so the same quantile applies: bucket `i`
    /// covers `(base^i, base^(i+1)]` with `base = 2^(2^-scale)`; the zero bucket becomes a bucket ending at zero.
    static func explicit(_ point: ReceivedMetric.ExponentialHistogramPoint) -> ReceivedMetric.HistogramPoint {
        let base = pow(2, pow(2, -Double(point.scale)))
        var bounds: [Double] = [0]
        var counts: [UInt64] = [point.zeroCount &+ point.negative.bucketCounts.reduce(0, &+)]
        let offset = Double(point.positive.offset)
        if !point.positive.bucketCounts.isEmpty {
            bounds.append(pow(base, offset))
            counts.append(0)
        }
        for (index, count) in point.positive.bucketCounts.enumerated() {
            bounds.append(pow(base, offset + Double(index) + 1))
            counts.append(count)
        }
        counts.append(0)
        return ReceivedMetric.HistogramPoint(
            startTimeUnixNano: point.startTimeUnixNano,
            timeUnixNano: point.timeUnixNano,
            count: point.count,
            sum: point.sum,
            bucketCounts: counts,
            explicitBounds: bounds
        )
    }
}
