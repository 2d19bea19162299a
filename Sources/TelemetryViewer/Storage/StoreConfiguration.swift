/// How a `TelemetryStore` bounds its queue and its file.
public struct StoreConfiguration: Sendable, Hashable {
    /// Spans, log records and metric data points accepted but not yet written; beyond this `submit` answers
    /// `.overloaded` so that memory stays bounded whatever the ingest rate.
    public var queueCapacity: Int
    /// Data older than this (by span start, log time or point time) is deleted; `nil` keeps it forever.
    public var maximumAge: Duration?
    /// The database file is kept below this many bytes by deleting the oldest data; `nil` lets it grow.
    public var maximumSizeBytes: Int64?
    /// How often `run()` enforces retention.
    public var retentionInterval: Duration

    /// Creates a configuration; the defaults keep one day of data in at most 1 GiB, with 100,000 items queued.
    public init(
        queueCapacity: Int = 100_000,
        maximumAge: Duration? = .seconds(24 * 3600),
        maximumSizeBytes: Int64? = 1 << 30,
        retentionInterval: Duration = .seconds(60)
    ) {
        self.queueCapacity = queueCapacity
        self.maximumAge = maximumAge
        self.maximumSizeBytes = maximumSizeBytes
        self.retentionInterval = retentionInterval
    }
}

/// What a store has done since it opened.
public struct StoreStatistics: Sendable, Hashable {
    /// Items (spans, log records, data points) `submit` acknowledged.
    public var accepted: Int64
    /// Acknowledged items committed to the database.
    public var written: Int64
    /// Items refused with `.overloaded` because the queue was full.
    public var rejectedOverloaded: Int64
    /// Items refused with `.closed` because the store was stopping.
    public var rejectedClosed: Int64
    /// Items whose write failed (a full disk, say): acknowledged but lost, and logged.
    public var failedWrites: Int64
    /// Items deleted by retention, by age or by size.
    public var deletedByRetention: Int64
    /// Items acknowledged and waiting to be written.
    public var queued: Int64

    /// Creates statistics, all zero by default.
    public init(
        accepted: Int64 = 0,
        written: Int64 = 0,
        rejectedOverloaded: Int64 = 0,
        rejectedClosed: Int64 = 0,
        failedWrites: Int64 = 0,
        deletedByRetention: Int64 = 0,
        queued: Int64 = 0
    ) {
        self.accepted = accepted
        self.written = written
        self.rejectedOverloaded = rejectedOverloaded
        self.rejectedClosed = rejectedClosed
        self.failedWrites = failedWrites
        self.deletedByRetention = deletedByRetention
        self.queued = queued
    }
}
