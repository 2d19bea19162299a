import Telemetry

/// Keeps exported log records in memory, for your tests.
///
/// Await ``waitForRecords(count:timeout:)`` instead of sleeping: it returns as soon as enough log records have arrived.
public final class InMemoryLogRecordExporter: LogRecordExporter {
    private let store = InMemoryStore<LogRecordData>()

    /// Creates an empty exporter.
    public init() {}

    /// Every log record exported so far, in export order.
    public var records: [LogRecordData] { store.items }

    /// How many times ``export(_:)`` was called.
    public var exportCount: Int { store.exportCount }

    /// Whether ``shutdown()`` was called.
    public var isShutdown: Bool { store.isShutdown }

    /// Forgets every log record exported so far.
    public func reset() { store.reset() }

    public func export(_ batch: [LogRecordData]) async throws { store.append(batch) }

    public func shutdown() async { store.shutdown() }

    /// Returns when at least `count` log records have been exported, or when `timeout` has passed; then returns them.
    @discardableResult
    public func waitForRecords(count: Int, timeout: Duration = .seconds(10)) async -> [LogRecordData] {
        await store.wait(count: count, timeout: timeout)
    }
}
