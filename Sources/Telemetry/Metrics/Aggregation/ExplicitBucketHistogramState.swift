/// The accumulator of the explicit bucket histogram aggregation, for one series.
///
/// It follows the OpenTelemetry metrics SDK specification ("Explicit Bucket Histogram Aggregation"):
/// - `boundaries` are strictly increasing finite numbers, and there is one bucket more than boundaries. Buckets
///   include their upper boundary: bucket 0 is `(-infinity, b[0]]`, bucket `i` is `(b[i-1], b[i]]`, and the last is
///   `(b[last], +infinity)`. No boundaries at all is allowed, and gives a single bucket.
/// - NaN and ±infinity are dropped, as the Go SDK does for histograms: a NaN has no bucket, and an infinity would
///   turn the sum into infinity or NaN for the rest of a cumulative series. `record(_:)` returns false for them so
///   that the caller can report it.
/// - Min and max can be turned off (the specification's `RecordMinMax`).
///
/// The bucket array is allocated once, in `init`; recording and `reset()` never allocate. The type holds no lock;
/// the storage that owns it serializes access.
///
/// See <https://opentelemetry.io/docs/specs/otel/metrics/sdk/#explicit-bucket-histogram-aggregation>.
struct ExplicitBucketHistogramState: Sendable {
    /// The specification's default boundaries.
    static let defaultBoundaries: [Double] = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000]

    /// The upper boundaries of every bucket but the last.
    let boundaries: [Double]
    /// Whether `min` and `max` are tracked.
    let recordsMinMax: Bool

    /// The count of each bucket; `boundaries.count + 1` of them.
    private(set) var bucketCounts: [UInt64]
    /// The number of values recorded (NaN and infinities are not recorded).
    private(set) var count: UInt64 = 0
    /// The sum of the values recorded.
    private(set) var sum: Double = 0
    /// The smallest value recorded; `+infinity` while empty.
    private(set) var min: Double = .infinity
    /// The largest value recorded; `-infinity` while empty.
    private(set) var max: Double = -.infinity

    /// Creates an empty histogram, or nil when `boundaries` are not strictly increasing finite numbers.
    init?(boundaries: [Double] = defaultBoundaries, recordsMinMax: Bool = true) {
        guard Self.areValid(boundaries) else { return nil }
        self.init(validBoundaries: boundaries, recordsMinMax: recordsMinMax)
    }

    /// Creates an empty histogram with `boundaries` if they are valid, and with the default boundaries otherwise.
    init(boundariesOrDefault boundaries: [Double]?, recordsMinMax: Bool = true) {
        let chosen = boundaries.flatMap { Self.areValid($0) ? $0 : nil } ?? Self.defaultBoundaries
        self.init(validBoundaries: chosen, recordsMinMax: recordsMinMax)
    }

    private init(validBoundaries boundaries: [Double], recordsMinMax: Bool) {
        self.boundaries = boundaries
        self.recordsMinMax = recordsMinMax
        bucketCounts = Array(repeating: 0, count: boundaries.count + 1)
    }

    /// Whether `boundaries` can configure a histogram: all finite, each greater than the one before.
    static func areValid(_ boundaries: [Double]) -> Bool {
        guard boundaries.allSatisfy(\.isFinite) else { return false }
        return zip(boundaries, boundaries.dropFirst()).allSatisfy { $0 < $1 }
    }

    /// The bucket that holds `value`: the first whose upper boundary is at least `value`.
    func bucketIndex(of value: Double) -> Int {
        Self.bucketIndex(of: value, in: boundaries)
    }

    /// The bucket of `boundaries` that holds `value`, found by binary search.
    static func bucketIndex(of value: Double, in boundaries: [Double]) -> Int {
        boundaries.withUnsafeBufferPointer { bounds in
            var low = 0
            var high = bounds.count
            // Invariant: every boundary below `low` is less than `value`, every one from `high` on is at least `value`.
            while low < high {
                let middle = low + (high - low) / 2
                if bounds[middle] < value {
                    low = middle + 1
                } else {
                    high = middle
                }
            }
            return low
        }
    }

    /// Records one measurement. Returns false when the value is NaN or infinite and so was dropped.
    @discardableResult
    mutating func record(_ value: Double) -> Bool {
        guard value.isFinite else { return false }
        bucketCounts[bucketIndex(of: value)] &+= 1
        count &+= 1
        sum += value
        if recordsMinMax {
            if value < min { min = value }
            if value > max { max = value }
        }
        return true
    }

    /// Empties the histogram for the next delta interval. The bucket array is zeroed in place, not reallocated.
    mutating func reset() {
        bucketCounts.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        count = 0
        sum = 0
        min = .infinity
        max = -.infinity
    }

    /// A copy of the current value, for export. The counts are copied into new storage, so that recording after the
    /// snapshot does not have to copy the live array on write.
    func snapshot() -> ExplicitBucketHistogramSnapshot {
        var result = ExplicitBucketHistogramSnapshot(boundaries: boundaries)
        snapshot(into: &result)
        return result
    }

    /// Writes the current value into `snapshot`, reusing its count array's storage.
    func snapshot(into snapshot: inout ExplicitBucketHistogramSnapshot) {
        snapshot.boundaries = boundaries
        snapshot.bucketCounts.removeAll(keepingCapacity: true)
        snapshot.bucketCounts.append(contentsOf: bucketCounts)
        snapshot.count = count
        snapshot.sum = sum
        snapshot.min = recordsMinMax && count > 0 ? min : nil
        snapshot.max = recordsMinMax && count > 0 ? max : nil
    }
}

/// The value of an explicit bucket histogram at one collection, shaped like OTLP's `HistogramDataPoint`.
struct ExplicitBucketHistogramSnapshot: Sendable, Equatable {
    /// The upper boundaries (OTLP `explicit_bounds`); shared with the histogram, not copied.
    var boundaries: [Double]
    /// The count of each bucket, `boundaries.count + 1` of them.
    var bucketCounts: [UInt64] = []
    /// The number of values.
    var count: UInt64 = 0
    /// The sum of the values.
    var sum: Double = 0
    /// The smallest value, nil when empty or not recorded.
    var min: Double?
    /// The largest value, nil when empty or not recorded.
    var max: Double?
}
