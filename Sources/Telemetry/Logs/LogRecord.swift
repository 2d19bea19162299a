/// A log record as you emit it through ``TelemetryLogger/emit(_:context:)``: what happened, how severe it is, and
/// its details. The logger adds the trace context, the resource and the instrumentation scope.
///
/// Most applications do not build records themselves: they log through swift-log with ``TelemetryLogHandler``. Use
/// this to bridge another logging library, or to emit events.
public struct LogRecord: Sendable {
    /// When the event happened, in nanoseconds since the Unix epoch, or `nil` when unknown.
    public var timestamp: UInt64?
    /// When the SDK saw the event, in nanoseconds since the Unix epoch; `nil` means now.
    public var observedTimestamp: UInt64?
    /// How severe the event is.
    public var severity: LogSeverity?
    /// The severity as the source named it, for example `warning`.
    public var severityText: String?
    /// The message, or a structured value.
    public var body: LogValue?
    /// Details of the event. The provider's ``LogRecordLimits`` apply.
    public var attributes: [String: LogValue]
    /// The name of the event's kind, for records that are events, for example `browser.page_view`.
    public var eventName: String?

    /// Creates a record.
    public init(
        timestamp: UInt64? = nil,
        observedTimestamp: UInt64? = nil,
        severity: LogSeverity? = nil,
        severityText: String? = nil,
        body: LogValue? = nil,
        attributes: [String: LogValue] = [:],
        eventName: String? = nil
    ) {
        self.timestamp = timestamp
        self.observedTimestamp = observedTimestamp
        self.severity = severity
        self.severityText = severityText
        self.body = body
        self.attributes = attributes
        self.eventName = eventName
    }
}
