/// One metric stream as readers and exporters see it after a collection: its identity and its points.
///
/// The shapes follow the OpenTelemetry metrics data model, so an OTLP exporter writes them field for field and a
/// Prometheus exporter reads them without guessing.
public struct MetricData: Sendable {
    /// The stream's name, for example `http.server.request.duration`.
    public var name: String
    /// What the stream measures, for people.
    public var description: String
    /// The unit, in UCUM, for example `s`, `ms` or `By`; empty when it has none.
    public var unit: String
    /// The resource of the provider that made the stream.
    public var resource: Resource
    /// The instrumentation scope of the meter that made the stream.
    public var instrumentationScope: InstrumentationScope
    /// The points, of one of the data model's kinds.
    public var points: MetricPoints

    /// Creates metric data.
    public init(
        name: String,
        description: String = "",
        unit: String = "",
        resource: Resource,
        instrumentationScope: InstrumentationScope,
        points: MetricPoints
    ) {
        self.name = name
        self.description = description
        self.unit = unit
        self.resource = resource
        self.instrumentationScope = instrumentationScope
        self.points = points
    }
}

/// The points of one metric stream, by the data model's kind.
public enum MetricPoints: Sendable {
    /// A sum, such as a counter's.
    case sum(SumPoints)
    /// The last value of each series, such as a gauge's.
    case gauge([NumberPoint])
    /// Explicit-bucket histograms.
    case histogram(HistogramPoints)
    /// Base-2 exponential bucket histograms.
    case exponentialHistogram(ExponentialHistogramPoints)
}

/// Whether a point covers the time since the previous collection or since the stream started.
public enum AggregationTemporality: Sendable, Hashable {
    /// Since the previous collection.
    case delta
    /// Since the stream started.
    case cumulative
}

/// A measured number: an integer or a double, as the instrument recorded it.
public enum NumberValue: Sendable, Hashable {
    /// An integer.
    case int(Int64)
    /// A double.
    case double(Double)

    /// The value as a double.
    public var doubleValue: Double {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        }
    }
}

/// The points of a sum stream.
public struct SumPoints: Sendable {
    /// The points, one per series.
    public var points: [NumberPoint]
    /// Whether each point covers one collection interval or everything since the start.
    public var temporality: AggregationTemporality
    /// Whether the sum only ever grows, as a counter's does.
    public var isMonotonic: Bool

    /// Creates sum points.
    public init(points: [NumberPoint], temporality: AggregationTemporality, isMonotonic: Bool) {
        self.points = points
        self.temporality = temporality
        self.isMonotonic = isMonotonic
    }
}

/// One series' number at one collection.
public struct NumberPoint: Sendable {
    /// The attributes that identify the series.
    public var attributes: AttributeSet
    /// When the interval the point covers began, in nanoseconds since the Unix epoch.
    public var startTime: UInt64
    /// When the point was collected, in nanoseconds since the Unix epoch.
    public var time: UInt64
    /// The value.
    public var value: NumberValue
    /// Measurements that stood out, with the trace they were recorded in.
    public var exemplars: [Exemplar]

    /// Creates a point.
    public init(attributes: AttributeSet, startTime: UInt64, time: UInt64, value: NumberValue, exemplars: [Exemplar] = []) {
        self.attributes = attributes
        self.startTime = startTime
        self.time = time
        self.value = value
        self.exemplars = exemplars
    }
}

/// The points of an explicit-bucket histogram stream.
public struct HistogramPoints: Sendable {
    /// The points, one per series.
    public var points: [HistogramPoint]
    /// Whether each point covers one collection interval or everything since the start.
    public var temporality: AggregationTemporality

    /// Creates histogram points.
    public init(points: [HistogramPoint], temporality: AggregationTemporality) {
        self.points = points
        self.temporality = temporality
    }
}

/// One series' explicit-bucket histogram at one collection.
public struct HistogramPoint: Sendable {
    /// The attributes that identify the series.
    public var attributes: AttributeSet
    /// When the interval the point covers began, in nanoseconds since the Unix epoch.
    public var startTime: UInt64
    /// When the point was collected, in nanoseconds since the Unix epoch.
    public var time: UInt64
    /// How many values were recorded.
    public var count: UInt64
    /// Their sum, or `nil` when it is not meaningful (an instrument that may record negative values).
    public var sum: Double?
    /// The smallest value, or `nil` when none was recorded or min and max are not kept.
    public var min: Double?
    /// The largest value, or `nil` when none was recorded or min and max are not kept.
    public var max: Double?
    /// The upper bounds of every bucket but the last, increasing.
    public var boundaries: [Double]
    /// The count of each bucket, one more than `boundaries`: bucket `i` holds values in
    /// `(boundaries[i-1], boundaries[i]]`.
    public var bucketCounts: [UInt64]
    /// Measurements that stood out, with the trace they were recorded in.
    public var exemplars: [Exemplar]

    /// Creates a point.
    public init(
        attributes: AttributeSet,
        startTime: UInt64,
        time: UInt64,
        count: UInt64,
        sum: Double?,
        min: Double?,
        max: Double?,
        boundaries: [Double],
        bucketCounts: [UInt64],
        exemplars: [Exemplar] = []
    ) {
        self.attributes = attributes
        self.startTime = startTime
        self.time = time
        self.count = count
        self.sum = sum
        self.min = min
        self.max = max
        self.boundaries = boundaries
        self.bucketCounts = bucketCounts
        self.exemplars = exemplars
    }
}

/// The points of a base-2 exponential histogram stream.
public struct ExponentialHistogramPoints: Sendable {
    /// The points, one per series.
    public var points: [ExponentialHistogramPoint]
    /// Whether each point covers one collection interval or everything since the start.
    public var temporality: AggregationTemporality

    /// Creates exponential histogram points.
    public init(points: [ExponentialHistogramPoint], temporality: AggregationTemporality) {
        self.points = points
        self.temporality = temporality
    }
}

/// One series' base-2 exponential histogram at one collection.
public struct ExponentialHistogramPoint: Sendable {
    /// A run of consecutive buckets: the count of bucket `offset + i` is `counts[i]`.
    public struct Buckets: Sendable, Hashable {
        /// The index of the first bucket.
        public var offset: Int32
        /// The counts, from bucket `offset` on.
        public var counts: [UInt64]

        /// Creates buckets.
        public init(offset: Int32, counts: [UInt64]) {
            self.offset = offset
            self.counts = counts
        }
    }

    /// The attributes that identify the series.
    public var attributes: AttributeSet
    /// When the interval the point covers began, in nanoseconds since the Unix epoch.
    public var startTime: UInt64
    /// When the point was collected, in nanoseconds since the Unix epoch.
    public var time: UInt64
    /// How many values were recorded.
    public var count: UInt64
    /// Their sum, or `nil` when it is not meaningful.
    public var sum: Double?
    /// The smallest value, or `nil` when none was recorded or min and max are not kept.
    public var min: Double?
    /// The largest value, or `nil` when none was recorded or min and max are not kept.
    public var max: Double?
    /// The resolution: bucket `i` holds values in `(2^(i·2^-scale), 2^((i+1)·2^-scale)]`.
    public var scale: Int32
    /// How many values were zero.
    public var zeroCount: UInt64
    /// The width of the zero bucket; 0 means only exact zeros.
    public var zeroThreshold: Double
    /// The buckets of positive values.
    public var positive: Buckets
    /// The buckets of negative values, by absolute value.
    public var negative: Buckets
    /// Measurements that stood out, with the trace they were recorded in.
    public var exemplars: [Exemplar]

    /// Creates a point.
    public init(
        attributes: AttributeSet,
        startTime: UInt64,
        time: UInt64,
        count: UInt64,
        sum: Double?,
        min: Double?,
        max: Double?,
        scale: Int32,
        zeroCount: UInt64,
        zeroThreshold: Double = 0,
        positive: Buckets,
        negative: Buckets,
        exemplars: [Exemplar] = []
    ) {
        self.attributes = attributes
        self.startTime = startTime
        self.time = time
        self.count = count
        self.sum = sum
        self.min = min
        self.max = max
        self.scale = scale
        self.zeroCount = zeroCount
        self.zeroThreshold = zeroThreshold
        self.positive = positive
        self.negative = negative
        self.exemplars = exemplars
    }
}

/// A measurement kept as an example of a point, with the span it was recorded in.
public struct Exemplar: Sendable {
    /// The measurement's attributes that the series' attributes leave out.
    public var filteredAttributes: AttributeSet
    /// When it was recorded, in nanoseconds since the Unix epoch.
    public var time: UInt64
    /// The measured value.
    public var value: NumberValue
    /// The trace it was recorded in, if any.
    public var traceID: TraceID?
    /// The span it was recorded in, if any.
    public var spanID: SpanID?

    /// Creates an exemplar.
    public init(
        filteredAttributes: AttributeSet = .empty,
        time: UInt64,
        value: NumberValue,
        traceID: TraceID? = nil,
        spanID: SpanID? = nil
    ) {
        self.filteredAttributes = filteredAttributes
        self.time = time
        self.value = value
        self.traceID = traceID
        self.spanID = spanID
    }
}
