/// Sends collected metrics somewhere: a collector, the console, memory.
///
/// A ``PeriodicExportingMetricReader`` calls ``export(_:)`` for one batch at a time, never concurrently. An export
/// that outlives the reader's timeout is cancelled, so an implementation must honour task cancellation. See the
/// specification's [MetricExporter](https://opentelemetry.io/docs/specs/otel/metrics/sdk/#metricexporter).
public protocol MetricExporter: Sendable {
    /// Exports one batch. Throwing means the batch is lost; the reader counts it as failed.
    func export(_ batch: [MetricData]) async throws

    /// The temporality this exporter wants for instruments of `kind`. The default is cumulative.
    func temporality(for kind: InstrumentKind) -> AggregationTemporality

    /// The aggregation this exporter wants for histograms. The default is ``HistogramAggregation/explicitBucket``.
    var histogramAggregation: HistogramAggregation { get }

    /// Does the exporter's background work, such as keeping a connection open, until ``shutdown()`` completes or
    /// the task is cancelled. The default returns at once.
    func run() async throws

    /// Delivers anything the exporter buffers itself. The default does nothing.
    func forceFlush() async throws

    /// Releases the exporter's resources. Exports after shutdown fail. The default does nothing.
    func shutdown() async
}

extension MetricExporter {
    public func temporality(for kind: InstrumentKind) -> AggregationTemporality { .cumulative }

    public var histogramAggregation: HistogramAggregation { .explicitBucket }

    public func run() async throws {}

    public func forceFlush() async throws {}

    public func shutdown() async {}
}
