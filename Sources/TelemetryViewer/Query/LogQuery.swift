/// A log search: records matching every given condition, newest first.
public struct LogQuery: Sendable, Hashable {
    /// The service (`service.name`) that emitted the record.
    public var service: String?
    /// The lowest `SeverityNumber` to include (9 for info and above, 17 for errors).
    public var minimumSeverity: Int32?
    /// Text the body contains, ignoring ASCII case.
    public var text: String?
    /// Earliest record time, Unix nanoseconds (inclusive).
    public var startUnixNano: UInt64?
    /// Latest record time, Unix nanoseconds (exclusive).
    public var endUnixNano: UInt64?
    /// The number of records to return.
    public var limit: Int

    /// Creates a search; with no conditions it returns the newest records.
    public init(
        service: String? = nil,
        minimumSeverity: Int32? = nil,
        text: String? = nil,
        startUnixNano: UInt64? = nil,
        endUnixNano: UInt64? = nil,
        limit: Int = 100
    ) {
        self.service = service
        self.minimumSeverity = minimumSeverity
        self.text = text
        self.startUnixNano = startUnixNano
        self.endUnixNano = endUnixNano
        self.limit = limit
    }
}
