import Foundation
import GRDB
import Logging
import ServiceLifecycle

/// Where received telemetry is kept and searched: SQLite through GRDB, in a file or in memory.
///
/// `submit` only checks capacity, encodes rows and queues them, so receivers never wait for the disk; one writer
/// task commits everything queued in a single transaction at a time. A full queue answers `.overloaded` instead of
/// growing. `close()` writes everything acknowledged before it returns. Retention by age and by size runs from
/// `run()` (the store is a `Service`) or whenever `enforceRetention(now:)` is called.
public final class TelemetryStore: BatchSink, Service {
    let database: any DatabaseWriter
    /// The limits this store enforces.
    public let configuration: StoreConfiguration
    private let queue: IngestQueue
    private let rowWriter: RowWriter
    private let writerTask: Task<Void, Never>
    private let clock: any Clock<Duration>
    private let logger: Logger

    /// Opens (or creates) the database file at `path`, in WAL mode so that searches never wait for the writer.
    public convenience init(
        path: String,
        configuration: StoreConfiguration = StoreConfiguration(),
        clock: any Clock<Duration> = ContinuousClock(),
        logger: Logger = Logger(label: "telemetry-viewer.store")
    ) throws {
        let pool = try DatabasePool(path: path, configuration: Self.databaseConfiguration())
        try self.init(database: pool, configuration: configuration, clock: clock, logger: logger)
    }

    /// A store kept in memory only, gone when the store is.
    public static func inMemory(
        configuration: StoreConfiguration = StoreConfiguration(),
        clock: any Clock<Duration> = ContinuousClock(),
        logger: Logger = Logger(label: "telemetry-viewer.store")
    ) throws -> TelemetryStore {
        let queue = try DatabaseQueue(configuration: databaseConfiguration())
        return try TelemetryStore(database: queue, configuration: configuration, clock: clock, logger: logger)
    }

    private init(
        database: any DatabaseWriter,
        configuration: StoreConfiguration,
        clock: any Clock<Duration>,
        logger: Logger
    ) throws {
        try database.writeWithoutTransaction { db in
            // Only takes effect on a file without tables, and (as WAL mode already wrote the header) after a
            // VACUUM of the still empty file; which is why it is not in a migration.
            if try !db.tableExists("spans") {
                try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
                try db.execute(sql: "VACUUM")
            }
        }
        try StoreSchema.migrator.migrate(database)
        self.database = database
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        let queue = IngestQueue(capacity: configuration.queueCapacity)
        let rowWriter = RowWriter()
        self.queue = queue
        self.rowWriter = rowWriter
        self.writerTask = Task {
            await Self.drain(queue, into: database, with: rowWriter, logger: logger)
        }
    }

    deinit {
        // Without this, a store released without `close()` would leave its writer waiting for batches forever.
        queue.close()
    }

    private static func databaseConfiguration() -> Configuration {
        var configuration = Configuration()
        configuration.label = "telemetry-viewer.store"
        configuration.prepareDatabase { db in
            // A crash may lose the last commits but never corrupts the file; an orderly stop loses nothing.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // The writer's cache holds the hot ends of the indexes it appends to; readers lean on the OS page cache,
            // so that memory stays bounded with every reader of the pool open.
            try db.execute(sql: db.configuration.readonly ? "PRAGMA cache_size = -16384" : "PRAGMA cache_size = -65536")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        return configuration
    }

    private static func drain(_ queue: IngestQueue, into database: any DatabaseWriter, with writer: RowWriter, logger: Logger) async {
        while let batches = await queue.next() {
            let count = batches.reduce(0) { $0 + $1.itemCount }
            do {
                try await database.write { db in try writer.write(batches, in: db) }
                queue.finished(written: count, failed: 0)
            } catch {
                // The transaction rolled back, possibly at its commit, after the writer had cached the ids of rows it
                // inserted: none of them can be trusted now.
                writer.forgetAll()
                logger.error("telemetry could not be written", metadata: ["items": "\(count)", "error": "\(error)"])
                queue.finished(written: 0, failed: count)
            }
        }
    }

    /// Queues `batch` for writing; throws `.overloaded` when the queue is full and `.closed` once `close()` began.
    public func submit(_ batch: ReceivedBatch) async throws(IngestError) {
        let count = batch.storedItemCount
        try queue.reserve(count)
        queue.enqueue(BatchEncoder.encode(batch))
    }

    /// Refuses further batches and returns once everything acknowledged is committed.
    public func close() async {
        queue.close()
        await writerTask.value
        do {
            try await database.writeWithoutTransaction { db in _ = try db.checkpoint(.passive) }
        } catch {
            logger.debug("checkpoint on close failed", metadata: ["error": "\(error)"])
        }
    }

    /// Returns once everything acknowledged before the call is committed (or failed to be), for callers that
    /// must read what they just submitted.
    public func flush() async {
        await queue.flush()
    }

    /// Counters since the store opened.
    public var statistics: StoreStatistics { queue.statistics }

    /// Enforces retention (against the wall clock) every `configuration.retentionInterval` on the store's clock until
    /// graceful shutdown, then closes the store, writing everything acknowledged. In a `ServiceGroup`, list the
    /// store before the receivers: services stop in reverse order, so the receivers stop submitting first.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await self.clock.sleep(for: self.configuration.retentionInterval)
                } catch {
                    break
                }
                do {
                    try await self.enforceRetention(now: Self.wallClockNanoseconds())
                } catch {
                    self.logger.error("retention failed", metadata: ["error": "\(error)"])
                }
            }
        }
        await close()
    }

    /// A duration in nanoseconds, saturating instead of overflowing for absurd configurations.
    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return .max }
        let (total, overflowAgain) = whole.addingReportingOverflow(UInt64(max(0, attoseconds / 1_000_000_000)))
        return overflowAgain ? .max : total
    }

    static func wallClockNanoseconds() -> UInt64 {
        UInt64(max(0, Date().timeIntervalSince1970 * 1e9))
    }

    /// Deletes data older than `configuration.maximumAge` before `now` (Unix nanoseconds), then the oldest data
    /// until the file is below `configuration.maximumSizeBytes`, and gives the freed pages back to the file system.
    /// Returns how many spans, log records and data points it deleted.
    @discardableResult
    public func enforceRetention(now: UInt64) async throws -> Int {
        let retention = Retention(database: database, rowWriter: rowWriter)
        var deleted = 0
        if let maximumAge = configuration.maximumAge {
            let cutoff = now &- min(now, Self.nanoseconds(maximumAge))
            deleted += try await retention.deleteOlderThan(Int64(stored: cutoff))
        }
        if let maximumSize = configuration.maximumSizeBytes {
            deleted += try await retention.shrink(below: maximumSize)
        }
        queue.recordDeleted(deleted)
        return deleted
    }

    /// The database's size in bytes as SQLite counts it (pages times page size), which retention keeps bounded.
    public func databaseSize() async throws -> Int64 {
        try await database.read { db in try Retention.size(db) }
    }
}
