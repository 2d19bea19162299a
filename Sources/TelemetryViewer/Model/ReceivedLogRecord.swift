import Telemetry

/// A log record as the viewer received it over OTLP.
public struct ReceivedLogRecord: Sendable, Hashable {
    public var resource: ReceivedResource
    public var scope: ReceivedScope
    public var timeUnixNano: UInt64
    public var observedTimeUnixNano: UInt64
    /// OTLP's `SeverityNumber`: 0 unspecified, 1–4 trace, 5–8 debug, 9–12 info, 13–16 warn, 17–20 error, 21–24 fatal.
    public var severityNumber: Int32
    public var severityText: String
    public var body: TelemetryValue
    public var attributes: [KeyValue]
    public var droppedAttributesCount: UInt32
    public var flags: UInt32
    /// `TraceID.invalid` when the record was not emitted inside a span.
    public var traceID: TraceID
    /// `SpanID.invalid` when the record was not emitted inside a span.
    public var spanID: SpanID
    public var eventName: String

    public init(
        resource: ReceivedResource = ReceivedResource(),
        scope: ReceivedScope = ReceivedScope(),
        timeUnixNano: UInt64 = 0,
        observedTimeUnixNano: UInt64 = 0,
        severityNumber: Int32 = 0,
        severityText: String = "",
        body: TelemetryValue = .empty,
        attributes: [KeyValue] = [],
        droppedAttributesCount: UInt32 = 0,
        flags: UInt32 = 0,
        traceID: TraceID = .invalid,
        spanID: SpanID = .invalid,
        eventName: String = ""
    ) {
        self.resource = resource
        self.scope = scope
        self.timeUnixNano = timeUnixNano
        self.observedTimeUnixNano = observedTimeUnixNano
        self.severityNumber = severityNumber
        self.severityText = severityText
        self.body = body
        self.attributes = attributes
        self.droppedAttributesCount = droppedAttributesCount
        self.flags = flags
        self.traceID = traceID
        self.spanID = spanID
        self.eventName = eventName
    }

    /// The record's time: its own when set, else when it was observed, as the data model says.
    public var effectiveTimeUnixNano: UInt64 { timeUnixNano != 0 ? timeUnixNano : observedTimeUnixNano }
}
