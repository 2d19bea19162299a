/// An emitted log record as processors and exporters see it: the record, its trace context, and where it came from.
///
/// A processor's ``LogRecordProcessor/onEmit(_:context:)`` may change it; later processors see the change.
public struct LogRecordData: Sendable {
    /// When the event happened, in nanoseconds since the Unix epoch, or `nil` when unknown.
    public var timestamp: UInt64?
    /// When the SDK saw the event, in nanoseconds since the Unix epoch.
    public var observedTimestamp: UInt64
    /// How severe the event is.
    public var severity: LogSeverity?
    /// The severity as the source named it.
    public var severityText: String?
    /// The message, or a structured value.
    public var body: LogValue?
    /// Details of the event, after limits.
    public var attributes: [String: LogValue]
    /// How many attributes the limits dropped.
    public var droppedAttributeCount: Int
    /// The name of the event's kind, for records that are events.
    public var eventName: String?
    /// The trace of the span the record was emitted in, or `nil` outside a span.
    public var traceID: TraceID?
    /// The span the record was emitted in, or `nil` outside a span.
    public var spanID: SpanID?
    /// That span's W3C trace flags; empty outside a span.
    public var traceFlags: TraceFlags
    /// The resource of the provider that emitted the record.
    public var resource: Resource {
        get { origin.resource }
        set { origin = LogRecordOrigin(resource: newValue, scope: origin.scope) }
    }
    /// The instrumentation scope of the logger that emitted the record.
    public var instrumentationScope: InstrumentationScope {
        get { origin.scope }
        set { origin = LogRecordOrigin(resource: origin.resource, scope: newValue) }
    }
    /// The resource and the scope, shared by every record of one logger: a record is copied into the queue and out
    /// again, and one reference costs one retain where the two values' fields would cost several.
    var origin: LogRecordOrigin

    /// Creates record data, for exporter tests and bridges.
    public init(
        timestamp: UInt64? = nil,
        observedTimestamp: UInt64,
        severity: LogSeverity? = nil,
        severityText: String? = nil,
        body: LogValue? = nil,
        attributes: [String: LogValue] = [:],
        droppedAttributeCount: Int = 0,
        eventName: String? = nil,
        traceID: TraceID? = nil,
        spanID: SpanID? = nil,
        traceFlags: TraceFlags = [],
        resource: Resource = Resource(),
        instrumentationScope: InstrumentationScope
    ) {
        self.timestamp = timestamp
        self.observedTimestamp = observedTimestamp
        self.severity = severity
        self.severityText = severityText
        self.body = body
        self.attributes = attributes
        self.droppedAttributeCount = droppedAttributeCount
        self.eventName = eventName
        self.traceID = traceID
        self.spanID = spanID
        self.traceFlags = traceFlags
        self.origin = LogRecordOrigin(resource: resource, scope: instrumentationScope)
    }

    init(timestamp: UInt64?, observedTimestamp: UInt64, origin: LogRecordOrigin) {
        self.timestamp = timestamp
        self.observedTimestamp = observedTimestamp
        self.attributes = [:]
        self.droppedAttributeCount = 0
        self.traceFlags = []
        self.origin = origin
    }
}

/// Where log records come from: a provider's resource and a logger's scope.
final class LogRecordOrigin: Sendable {
    let resource: Resource
    let scope: InstrumentationScope

    init(resource: Resource, scope: InstrumentationScope) {
        self.resource = resource
        self.scope = scope
    }
}
