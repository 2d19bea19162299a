/// Counts of what happened to the items (spans, metric points, log records) a processor or exporter received.
///
/// Every processor reports the same shape through ``SpanProcessor/statistics``, so a tool can sum them without
/// knowing which processors it has.
public struct ExportStatistics: Sendable, Hashable {
    /// Items the exporter accepted.
    public var exported: Int = 0
    /// Items in exports that threw, timed out or were cancelled.
    public var failed: Int = 0
    /// Items dropped without an export attempt: the queue was full, the processor was shut down, or shutdown ran
    /// out of time before they could be exported.
    public var dropped: Int = 0
    /// Items waiting in the queue now.
    public var queued: Int = 0

    /// Creates statistics with every count at zero.
    public init() {}

    /// Creates statistics with the given counts.
    public init(exported: Int, failed: Int, dropped: Int, queued: Int) {
        self.exported = exported
        self.failed = failed
        self.dropped = dropped
        self.queued = queued
    }

    /// The sum of two sets of counts.
    public static func + (lhs: Self, rhs: Self) -> Self {
        Self(
            exported: lhs.exported + rhs.exported,
            failed: lhs.failed + rhs.failed,
            dropped: lhs.dropped + rhs.dropped,
            queued: lhs.queued + rhs.queued
        )
    }
}
