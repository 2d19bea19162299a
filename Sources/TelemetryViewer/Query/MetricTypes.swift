/// Which of OTLP's five metric data types a metric is.
public enum MetricKind: Int, Sendable, Hashable, CaseIterable {
    case gauge = 1, sum, histogram, exponentialHistogram, summary
}

/// A metric name as the store knows it, for a list of metrics to chart.
public struct MetricDescriptor: Sendable, Hashable {
    /// The metric's name, e.g. `http.server.request.duration`.
    public var name: String
    /// Its data type.
    public var kind: MetricKind
    /// Its unit as UCUM text, e.g. `s` or `By`; empty when the sender gave none.
    public var unit: String
    /// What it measures, as the instrument described it.
    public var description: String
    /// Distinct attribute sets (and resources) stored under this name.
    public var seriesCount: Int

    /// Creates a descriptor.
    public init(name: String, kind: MetricKind, unit: String, description: String, seriesCount: Int) {
        self.name = name
        self.kind = kind
        self.unit = unit
        self.description = description
        self.seriesCount = seriesCount
    }
}

/// One time series: a metric's points that share a resource, scope and attribute set.
public struct MetricSeries: Sendable, Hashable, Identifiable {
    /// The store's key for this series, to ask for its points.
    public var id: Int64
    /// The metric's name.
    public var name: String
    /// What the metric measures.
    public var description: String
    /// The metric's unit.
    public var unit: String
    /// The metric's data type.
    public var kind: MetricKind
    /// Whether points carry deltas or running totals (sums and histograms; `.unspecified` otherwise).
    public var temporality: ReceivedMetric.Temporality
    /// Whether a sum only ever grows, which makes a drop a counter reset.
    public var isMonotonic: Bool
    /// The entity that reported the series.
    public var resource: ReceivedResource
    /// The instrumentation scope that recorded it.
    public var scope: ReceivedScope
    /// The metric's OTLP metadata.
    public var metadata: [KeyValue]
    /// The attribute set that tells this series from the metric's others.
    public var attributes: [KeyValue]

    /// Creates a series description.
    public init(
        id: Int64,
        name: String,
        description: String,
        unit: String,
        kind: MetricKind,
        temporality: ReceivedMetric.Temporality,
        isMonotonic: Bool,
        resource: ReceivedResource,
        scope: ReceivedScope,
        metadata: [KeyValue],
        attributes: [KeyValue]
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.unit = unit
        self.kind = kind
        self.temporality = temporality
        self.isMonotonic = isMonotonic
        self.resource = resource
        self.scope = scope
        self.metadata = metadata
        self.attributes = attributes
    }
}

/// One value of a computed series (a rate, a quantile) at the end of its step.
public struct MetricSample: Sendable, Hashable {
    /// The end of the step the value summarises, Unix nanoseconds.
    public var timeUnixNano: UInt64
    /// The computed value: per second for rates, in the metric's unit for quantiles.
    public var value: Double

    /// Creates a sample.
    public init(timeUnixNano: UInt64, value: Double) {
        self.timeUnixNano = timeUnixNano
        self.value = value
    }
}

/// A time range cut into equal steps, for charting computed series.
public struct StepRange: Sendable, Hashable {
    /// Start of the first step, Unix nanoseconds (inclusive).
    public var startUnixNano: UInt64
    /// End of the last step, Unix nanoseconds (exclusive).
    public var endUnixNano: UInt64
    /// Length of each step in nanoseconds; zero is taken as one step over the whole range.
    public var stepNanoseconds: UInt64

    /// Creates a range of steps.
    public init(startUnixNano: UInt64, endUnixNano: UInt64, stepNanoseconds: UInt64) {
        self.startUnixNano = startUnixNano
        self.endUnixNano = endUnixNano
        self.stepNanoseconds = stepNanoseconds
    }
}
