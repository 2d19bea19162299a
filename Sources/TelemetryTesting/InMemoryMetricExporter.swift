import Telemetry

/// Keeps exported metrics in memory, for your tests: put it behind a `PeriodicExportingMetricReader`, or read a
/// `ManualMetricReader` directly instead.
///
/// Await ``waitForMetrics(count:timeout:)`` instead of sleeping: it returns as soon as enough streams have arrived.
public final class InMemoryMetricExporter: MetricExporter {
    private let store = InMemoryStore<MetricData>()
    private let preference: TemporalityPreference

    /// Creates an empty exporter that asks for `temporality`.
    public init(temporality: TemporalityPreference = .cumulative) {
        self.preference = temporality
    }

    /// Every stream exported so far, in export order; a stream appears once per collection.
    public var metrics: [MetricData] { store.items }

    /// How many times ``export(_:)`` was called.
    public var exportCount: Int { store.exportCount }

    /// Whether ``shutdown()`` was called.
    public var isShutdown: Bool { store.isShutdown }

    /// Forgets every stream exported so far.
    public func reset() { store.reset() }

    public func temporality(for kind: InstrumentKind) -> AggregationTemporality {
        preference.temporality(for: kind)
    }

    public func export(_ batch: [MetricData]) async throws { store.append(batch) }

    public func shutdown() async { store.shutdown() }

    /// Returns when at least `count` streams have been exported, or when `timeout` has passed; then returns them.
    @discardableResult
    public func waitForMetrics(count: Int, timeout: Duration = .seconds(10)) async -> [MetricData] {
        await store.wait(count: count, timeout: timeout)
    }
}
