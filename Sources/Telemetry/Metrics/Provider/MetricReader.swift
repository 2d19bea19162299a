import Logging
import Synchronization

/// Collects metrics from a ``MeterProvider``: on a schedule to push them to an exporter, or on demand, as a
/// Prometheus scrape or a test does.
///
/// A provider registers itself with each of its readers once, through ``register(_:)``; the reader then calls
/// ``MetricProducer/collect()`` whenever it wants the current points. Each reader has its own temporality and its
/// own series, so two readers never disturb each other's deltas. See the specification's
/// [MetricReader](https://opentelemetry.io/docs/specs/otel/metrics/sdk/#metricreader).
public protocol MetricReader: AnyObject, Sendable {
    /// The temporality this reader wants for instruments of `kind`.
    func temporality(for kind: InstrumentKind) -> AggregationTemporality

    /// The aggregation this reader wants for histograms. The default is ``HistogramAggregation/explicitBucket``.
    var histogramAggregation: HistogramAggregation { get }

    /// The most series a stream of an instrument of `kind` keeps for this reader, overflow included; `nil` for the
    /// provider's. A view's limit wins over it.
    func cardinalityLimit(for kind: InstrumentKind) -> Int?

    /// Called once by the provider that takes this reader, with what collects its metrics.
    func register(_ producer: MetricProducer)

    /// Does the reader's background work until ``shutdown()`` or cancellation. The default returns at once.
    func run() async throws

    /// Collects and delivers what has been recorded so far. The default does nothing.
    func forceFlush() async throws

    /// Collects and delivers a last time, then stops. The default does nothing.
    func shutdown() async throws

    /// Called when a shutdown ran out of time: count what is still waiting as dropped, and log it once. The default
    /// does nothing, for readers that hold nothing.
    func dropRemaining(reason: String)

    /// What happened to the collected streams so far. The default is all zeros, for readers that export nothing.
    var statistics: ExportStatistics { get }
}

extension MetricReader {
    public var histogramAggregation: HistogramAggregation { .explicitBucket }

    public func cardinalityLimit(for kind: InstrumentKind) -> Int? { nil }

    public func run() async throws {}

    public func forceFlush() async throws {}

    public func shutdown() async throws {}

    public func dropRemaining(reason: String) {}

    public var statistics: ExportStatistics { ExportStatistics() }
}

/// Makes a reader that `OTEL_METRICS_EXPORTER` names, for pull exporters such as Prometheus, which are readers
/// rather than exporters.
public protocol MetricReaderFactory: Sendable {
    /// The name in `OTEL_METRICS_EXPORTER`, for example `prometheus`.
    var name: String { get }

    /// Makes the reader from the process environment, following the specification's configuration rules.
    func makeMetricReader(environment: [String: String], isStrict: Bool, logger: Logger) throws -> any MetricReader
}

/// What a reader calls to collect the metrics of the provider it is registered with.
public struct MetricProducer: Sendable {
    private let body: @Sendable () -> [MetricData]

    init(_ body: @escaping @Sendable () -> [MetricData]) {
        self.body = body
    }

    /// Runs the observable instruments' callbacks and returns every stream's points, now.
    public func collect() -> [MetricData] {
        body()
    }
}

/// A reader that collects only when asked: for a Prometheus endpoint, for tests, and for exporting on your own
/// schedule.
///
/// ```swift
/// let reader = ManualMetricReader()
/// let provider = MeterProvider(readers: [reader])
/// // … record …
/// let metrics = reader.collect()
/// ```
public final class ManualMetricReader: MetricReader {
    private let preference: TemporalityPreference
    private let producer = Mutex<MetricProducer?>(nil)
    /// The aggregation this reader asks for histograms.
    public let histogramAggregation: HistogramAggregation
    private let cardinalityLimit: Int?

    /// Creates a reader.
    ///
    /// - Parameters:
    ///   - temporality: Which temporality it asks for; by default cumulative, as a pull reader wants.
    ///   - histogramAggregation: How histograms are aggregated; by default with explicit buckets.
    ///   - cardinalityLimit: The most series of each stream for this reader; by default the provider's.
    public init(
        temporality: TemporalityPreference = .cumulative,
        histogramAggregation: HistogramAggregation = .explicitBucket,
        cardinalityLimit: Int? = nil
    ) {
        self.preference = temporality
        self.histogramAggregation = histogramAggregation
        self.cardinalityLimit = cardinalityLimit
    }

    public func cardinalityLimit(for kind: InstrumentKind) -> Int? {
        cardinalityLimit
    }

    public func temporality(for kind: InstrumentKind) -> AggregationTemporality {
        preference.temporality(for: kind)
    }

    public func register(_ producer: MetricProducer) {
        self.producer.withLock { $0 = $0 ?? producer }
    }

    /// Collects the provider's metrics now; empty before a provider registers this reader.
    public func collect() -> [MetricData] {
        producer.withLock { $0 }?.collect() ?? []
    }
}
