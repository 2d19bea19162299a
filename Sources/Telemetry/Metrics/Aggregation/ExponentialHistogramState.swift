/// The accumulator of the base-2 exponential bucket histogram aggregation, for one series.
///
/// It follows the OpenTelemetry metrics SDK specification ("Base2 Exponential Bucket Histogram Aggregation") and the
/// data model's `ExponentialHistogram` point:
/// - Configuration: `maxSize` buckets per range (default 160), `maxScale` (default 20), and whether to record min
///   and max. The scale itself is not configured: it starts at `maxScale`, so a histogram holding a single value has
///   the finest resolution, and drops only as far as needed for the values seen to fit in `maxSize` buckets. That is
///   the specification's "ideal scale", and the scale shared by the positive and the negative range.
/// - Zero and `-0.0` go to the zero bucket; the zero threshold is always 0.
/// - NaN and ±infinity are dropped: they have no bucket, and the specification says not to fold them into sum, min
///   or max. `record(_:)` returns false for them so that the caller can report it. The Go and Java SDKs drop them
///   too.
/// - Subnormal values are counted in the bucket of the smallest normal value, as the specification allows.
///
/// Memory is fixed at creation: two circular buffers of `maxSize` counters each (2.5 KiB at the default), and
/// recording never allocates. The type holds no lock; the storage that owns it serializes access.
///
/// See <https://opentelemetry.io/docs/specs/otel/metrics/sdk/#base2-exponential-bucket-histogram-aggregation>.
struct ExponentialHistogramState: Sendable {
    /// The specification's default number of buckets per range.
    static let defaultMaxSize = 160
    /// The specification's default maximum scale.
    static let defaultMaxScale = 20

    /// The most buckets in each of the positive and negative ranges.
    let maxSize: Int
    /// The scale an empty histogram starts at.
    let maxScale: Int
    /// Whether `min` and `max` are tracked.
    let recordsMinMax: Bool

    /// The current scale, shared by both ranges.
    private(set) var scale: Int
    /// The buckets of positive values.
    private(set) var positive: ExponentialHistogramBuckets
    /// The buckets of negative values, indexed by their absolute value.
    private(set) var negative: ExponentialHistogramBuckets
    /// The number of values equal to zero.
    private(set) var zeroCount: UInt64 = 0
    /// The number of values recorded (NaN and infinities are not recorded).
    private(set) var count: UInt64 = 0
    /// The sum of the values recorded.
    private(set) var sum: Double = 0
    /// The smallest value recorded; `+infinity` while empty.
    private(set) var min: Double = .infinity
    /// The largest value recorded; `-infinity` while empty.
    private(set) var max: Double = -.infinity

    /// Creates an empty histogram, or nil when the configuration is outside what the specification allows:
    /// `maxSize` must be at least 2 (at the minimum scale, -10, normal values need two buckets) and `maxScale` within
    /// -10...20.
    init?(maxSize: Int = defaultMaxSize, maxScale: Int = defaultMaxScale, recordsMinMax: Bool = true) {
        guard maxSize >= 2, (Base2ExponentialMapping.minScale...Base2ExponentialMapping.maxScale).contains(maxScale) else {
            return nil
        }
        self.maxSize = maxSize
        self.maxScale = maxScale
        self.recordsMinMax = recordsMinMax
        scale = maxScale
        positive = ExponentialHistogramBuckets(maxSize: maxSize)
        negative = ExponentialHistogramBuckets(maxSize: maxSize)
    }

    /// Records one measurement. Returns false when the value is NaN or infinite and so was dropped.
    @discardableResult
    mutating func record(_ value: Double) -> Bool {
        guard value.isFinite else { return false }
        if value == 0 {
            zeroCount &+= 1
        } else if value > 0 {
            guard Self.insert(value, into: &positive, other: &negative, scale: &scale) else { return false }
        } else {
            guard Self.insert(-value, into: &negative, other: &positive, scale: &scale) else { return false }
        }
        count &+= 1
        sum += value
        if recordsMinMax {
            if value < min { min = value }
            if value > max { max = value }
        }
        return true
    }

    /// Counts `magnitude` in `range`, first lowering the scale of both ranges as far as needed for it to fit.
    ///
    /// A static function over `inout` parts, so the two ranges are mutated in place without copying `self`.
    @inline(__always)
    private static func insert(
        _ magnitude: Double,
        into range: inout ExponentialHistogramBuckets,
        other: inout ExponentialHistogramBuckets,
        scale: inout Int
    ) -> Bool {
        var index = Base2ExponentialMapping.index(of: magnitude, scale: scale)
        // One pass nearly always suffices. A second covers the logarithm method landing one bucket away from
        // `index >> reduction` at the new scale. At the minimum scale every normal value fits in two buckets, so
        // with `maxSize >= 2` the loop ends; the bound only guards against that reasoning being wrong.
        for _ in 0...(Base2ExponentialMapping.maxScale - Base2ExponentialMapping.minScale) {
            if range.increment(index) { return true }
            let reduction = Swift.min(range.scaleReduction(toInclude: index), scale - Base2ExponentialMapping.minScale)
            guard reduction > 0 else { return false }
            range.downscale(by: reduction)
            other.downscale(by: reduction)
            scale -= reduction
            index = Base2ExponentialMapping.index(of: magnitude, scale: scale)
        }
        return false
    }

    /// Empties the histogram for the next delta interval, keeping both buffers.
    ///
    /// The scale returns to `maxScale`. The specification asks for the maximum scale while a histogram holds at most
    /// one value per range, and a fresh interval starts empty; Java resets to the maximum scale and Go starts each
    /// interval with a new point at the maximum scale. (The Python SDK keeps the last scale instead.) Downscaling
    /// again during the next interval costs at most a pass over `maxSize` counters.
    mutating func reset() {
        scale = maxScale
        positive.reset()
        negative.reset()
        zeroCount = 0
        count = 0
        sum = 0
        min = .infinity
        max = -.infinity
    }

    /// A copy of the current value, for export. It allocates the two count arrays; `snapshot(into:)` reuses them.
    func snapshot() -> ExponentialHistogramSnapshot {
        var result = ExponentialHistogramSnapshot()
        snapshot(into: &result)
        return result
    }

    /// Writes the current value into `snapshot`, reusing its arrays' storage.
    func snapshot(into snapshot: inout ExponentialHistogramSnapshot) {
        snapshot.scale = scale
        snapshot.count = count
        snapshot.sum = sum
        snapshot.zeroCount = zeroCount
        snapshot.min = recordsMinMax && count > 0 ? min : nil
        snapshot.max = recordsMinMax && count > 0 ? max : nil
        snapshot.positiveOffset = positive.offset
        positive.copyCounts(into: &snapshot.positiveCounts)
        snapshot.negativeOffset = negative.offset
        negative.copyCounts(into: &snapshot.negativeCounts)
    }
}

/// The value of an exponential histogram at one collection, shaped like OTLP's `ExponentialHistogramDataPoint`.
struct ExponentialHistogramSnapshot: Sendable, Equatable {
    /// The scale of both ranges: the base is `2^(2^-scale)`.
    var scale = 0
    /// The number of values.
    var count: UInt64 = 0
    /// The sum of the values.
    var sum: Double = 0
    /// The number of zeros.
    var zeroCount: UInt64 = 0
    /// The zero bucket's threshold; always 0 here.
    var zeroThreshold: Double { 0 }
    /// The smallest value, nil when empty or not recorded.
    var min: Double?
    /// The largest value, nil when empty or not recorded.
    var max: Double?
    /// The index of `positiveCounts[0]`.
    var positiveOffset = 0
    /// The counts of consecutive positive buckets, starting at `positiveOffset`.
    var positiveCounts: [UInt64] = []
    /// The index of `negativeCounts[0]`.
    var negativeOffset = 0
    /// The counts of consecutive negative buckets (by absolute value), starting at `negativeOffset`.
    var negativeCounts: [UInt64] = []
}
