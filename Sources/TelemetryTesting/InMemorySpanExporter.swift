import Telemetry

/// Keeps exported spans in memory, for your tests.
///
/// Await ``waitForSpans(count:timeout:)`` instead of sleeping: it returns as soon as enough spans have arrived.
public final class InMemorySpanExporter: SpanExporter {
    private let store = InMemoryStore<SpanData>()

    /// Creates an empty exporter.
    public init() {}

    /// Every span exported so far, in export order.
    public var spans: [SpanData] { store.items }

    /// How many times ``export(_:)`` was called.
    public var exportCount: Int { store.exportCount }

    /// Whether ``shutdown()`` was called.
    public var isShutdown: Bool { store.isShutdown }

    /// Forgets every span exported so far.
    public func reset() { store.reset() }

    public func export(_ batch: [SpanData]) async throws { store.append(batch) }

    public func shutdown() async { store.shutdown() }

    /// Returns when at least `count` spans have been exported, or when `timeout` has passed; then returns them.
    @discardableResult
    public func waitForSpans(count: Int, timeout: Duration = .seconds(10)) async -> [SpanData] {
        await store.wait(count: count, timeout: timeout)
    }
}
