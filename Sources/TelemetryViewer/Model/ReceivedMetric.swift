import Telemetry

/// A metric as the viewer received it over OTLP: one named stream of data points under a resource and scope.
public struct ReceivedMetric: Sendable, Hashable {
    /// OTLP's `AggregationTemporality`, numbered as on the wire.
    public enum Temporality: Int, Sendable, Hashable {
        case unspecified = 0, delta, cumulative
    }

    public enum Data: Sendable, Hashable {
        case gauge([NumberPoint])
        case sum([NumberPoint], temporality: Temporality, isMonotonic: Bool)
        case histogram([HistogramPoint], temporality: Temporality)
        case exponentialHistogram([ExponentialHistogramPoint], temporality: Temporality)
        case summary([SummaryPoint])
    }

    public enum Number: Sendable, Hashable {
        case int(Int64)
        case double(Double)

        public var doubleValue: Double {
            switch self {
            case .int(let value): Double(value)
            case .double(let value): value
            }
        }
    }

    public struct Exemplar: Sendable, Hashable {
        public var filteredAttributes: [KeyValue]
        public var timeUnixNano: UInt64
        public var value: Number
        public var traceID: TraceID
        public var spanID: SpanID

        public init(
            filteredAttributes: [KeyValue] = [],
            timeUnixNano: UInt64,
            value: Number,
            traceID: TraceID = .invalid,
            spanID: SpanID = .invalid
        ) {
            self.filteredAttributes = filteredAttributes
            self.timeUnixNano = timeUnixNano
            self.value = value
            self.traceID = traceID
            self.spanID = spanID
        }
    }

    public struct NumberPoint: Sendable, Hashable {
        public var attributes: [KeyValue]
        public var startTimeUnixNano: UInt64
        public var timeUnixNano: UInt64
        public var value: Number
        public var exemplars: [Exemplar]
        public var flags: UInt32

        public init(
            attributes: [KeyValue] = [],
            startTimeUnixNano: UInt64 = 0,
            timeUnixNano: UInt64,
            value: Number,
            exemplars: [Exemplar] = [],
            flags: UInt32 = 0
        ) {
            self.attributes = attributes
            self.startTimeUnixNano = startTimeUnixNano
            self.timeUnixNano = timeUnixNano
            self.value = value
            self.exemplars = exemplars
            self.flags = flags
        }
    }

    public struct HistogramPoint: Sendable, Hashable {
        public var attributes: [KeyValue]
        public var startTimeUnixNano: UInt64
        public var timeUnixNano: UInt64
        public var count: UInt64
        public var sum: Double?
        /// One more count than bounds: the last bucket is everything above the last bound.
        public var bucketCounts: [UInt64]
        public var explicitBounds: [Double]
        public var exemplars: [Exemplar]
        public var flags: UInt32
        public var min: Double?
        public var max: Double?

        public init(
            attributes: [KeyValue] = [],
            startTimeUnixNano: UInt64 = 0,
            timeUnixNano: UInt64,
            count: UInt64,
            sum: Double? = nil,
            bucketCounts: [UInt64] = [],
            explicitBounds: [Double] = [],
            exemplars: [Exemplar] = [],
            flags: UInt32 = 0,
            min: Double? = nil,
            max: Double? = nil
        ) {
            self.attributes = attributes
            self.startTimeUnixNano = startTimeUnixNano
            self.timeUnixNano = timeUnixNano
            self.count = count
            self.sum = sum
            self.bucketCounts = bucketCounts
            self.explicitBounds = explicitBounds
            self.exemplars = exemplars
            self.flags = flags
            self.min = min
            self.max = max
        }
    }

    public struct ExponentialHistogramPoint: Sendable, Hashable {
        public struct Buckets: Sendable, Hashable {
            public var offset: Int32
            public var bucketCounts: [UInt64]

            public init(offset: Int32 = 0, bucketCounts: [UInt64] = []) {
                self.offset = offset
                self.bucketCounts = bucketCounts
            }
        }

        public var attributes: [KeyValue]
        public var startTimeUnixNano: UInt64
        public var timeUnixNano: UInt64
        public var count: UInt64
        public var sum: Double?
        public var scale: Int32
        public var zeroCount: UInt64
        public var positive: Buckets
        public var negative: Buckets
        public var flags: UInt32
        public var exemplars: [Exemplar]
        public var min: Double?
        public var max: Double?
        public var zeroThreshold: Double

        public init(
            attributes: [KeyValue] = [],
            startTimeUnixNano: UInt64 = 0,
            timeUnixNano: UInt64,
            count: UInt64,
            sum: Double? = nil,
            scale: Int32 = 0,
            zeroCount: UInt64 = 0,
            positive: Buckets = Buckets(),
            negative: Buckets = Buckets(),
            flags: UInt32 = 0,
            exemplars: [Exemplar] = [],
            min: Double? = nil,
            max: Double? = nil,
            zeroThreshold: Double = 0
        ) {
            self.attributes = attributes
            self.startTimeUnixNano = startTimeUnixNano
            self.timeUnixNano = timeUnixNano
            self.count = count
            self.sum = sum
            self.scale = scale
            self.zeroCount = zeroCount
            self.positive = positive
            self.negative = negative
            self.flags = flags
            self.exemplars = exemplars
            self.min = min
            self.max = max
            self.zeroThreshold = zeroThreshold
        }
    }

    public struct SummaryPoint: Sendable, Hashable {
        public struct Quantile: Sendable, Hashable {
            public var quantile: Double
            public var value: Double

            public init(quantile: Double, value: Double) {
                self.quantile = quantile
                self.value = value
            }
        }

        public var attributes: [KeyValue]
        public var startTimeUnixNano: UInt64
        public var timeUnixNano: UInt64
        public var count: UInt64
        public var sum: Double
        public var quantiles: [Quantile]
        public var flags: UInt32

        public init(
            attributes: [KeyValue] = [],
            startTimeUnixNano: UInt64 = 0,
            timeUnixNano: UInt64,
            count: UInt64,
            sum: Double,
            quantiles: [Quantile] = [],
            flags: UInt32 = 0
        ) {
            self.attributes = attributes
            self.startTimeUnixNano = startTimeUnixNano
            self.timeUnixNano = timeUnixNano
            self.count = count
            self.sum = sum
            self.quantiles = quantiles
            self.flags = flags
        }
    }

    public var resource: ReceivedResource
    public var scope: ReceivedScope
    public var name: String
    public var description: String
    public var unit: String
    public var metadata: [KeyValue]
    public var data: Data

    public init(
        resource: ReceivedResource = ReceivedResource(),
        scope: ReceivedScope = ReceivedScope(),
        name: String,
        description: String = "",
        unit: String = "",
        metadata: [KeyValue] = [],
        data: Data
    ) {
        self.resource = resource
        self.scope = scope
        self.name = name
        self.description = description
        self.unit = unit
        self.metadata = metadata
        self.data = data
    }
}
