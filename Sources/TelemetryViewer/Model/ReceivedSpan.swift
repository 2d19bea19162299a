import Telemetry

/// A span as the viewer received it over OTLP, with the resource and scope it came under.
public struct ReceivedSpan: Sendable, Hashable {
    /// OTLP's `Span.SpanKind`, numbered as on the wire.
    public enum Kind: Int, Sendable, Hashable {
        case unspecified = 0, `internal`, server, client, producer, consumer
    }

    /// OTLP's `Status.StatusCode`, numbered as on the wire.
    public enum StatusCode: Int, Sendable, Hashable {
        case unset = 0, ok, error
    }

    public struct Event: Sendable, Hashable {
        public var timeUnixNano: UInt64
        public var name: String
        public var attributes: [KeyValue]
        public var droppedAttributesCount: UInt32

        public init(timeUnixNano: UInt64, name: String, attributes: [KeyValue] = [], droppedAttributesCount: UInt32 = 0) {
            self.timeUnixNano = timeUnixNano
            self.name = name
            self.attributes = attributes
            self.droppedAttributesCount = droppedAttributesCount
        }
    }

    public struct Link: Sendable, Hashable {
        public var traceID: TraceID
        public var spanID: SpanID
        public var traceState: String
        public var attributes: [KeyValue]
        public var droppedAttributesCount: UInt32
        public var flags: UInt32

        public init(
            traceID: TraceID,
            spanID: SpanID,
            traceState: String = "",
            attributes: [KeyValue] = [],
            droppedAttributesCount: UInt32 = 0,
            flags: UInt32 = 0
        ) {
            self.traceID = traceID
            self.spanID = spanID
            self.traceState = traceState
            self.attributes = attributes
            self.droppedAttributesCount = droppedAttributesCount
            self.flags = flags
        }
    }

    public var resource: ReceivedResource
    public var scope: ReceivedScope
    public var traceID: TraceID
    public var spanID: SpanID
    /// `SpanID.invalid` for a root span.
    public var parentSpanID: SpanID
    public var traceState: String
    public var flags: UInt32
    public var name: String
    public var kind: Kind
    public var startTimeUnixNano: UInt64
    public var endTimeUnixNano: UInt64
    public var attributes: [KeyValue]
    public var droppedAttributesCount: UInt32
    public var events: [Event]
    public var droppedEventsCount: UInt32
    public var links: [Link]
    public var droppedLinksCount: UInt32
    public var statusCode: StatusCode
    public var statusMessage: String

    public init(
        resource: ReceivedResource = ReceivedResource(),
        scope: ReceivedScope = ReceivedScope(),
        traceID: TraceID,
        spanID: SpanID,
        parentSpanID: SpanID = .invalid,
        traceState: String = "",
        flags: UInt32 = 0,
        name: String,
        kind: Kind = .internal,
        startTimeUnixNano: UInt64,
        endTimeUnixNano: UInt64,
        attributes: [KeyValue] = [],
        droppedAttributesCount: UInt32 = 0,
        events: [Event] = [],
        droppedEventsCount: UInt32 = 0,
        links: [Link] = [],
        droppedLinksCount: UInt32 = 0,
        statusCode: StatusCode = .unset,
        statusMessage: String = ""
    ) {
        self.resource = resource
        self.scope = scope
        self.traceID = traceID
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.traceState = traceState
        self.flags = flags
        self.name = name
        self.kind = kind
        self.startTimeUnixNano = startTimeUnixNano
        self.endTimeUnixNano = endTimeUnixNano
        self.attributes = attributes
        self.droppedAttributesCount = droppedAttributesCount
        self.events = events
        self.droppedEventsCount = droppedEventsCount
        self.links = links
        self.droppedLinksCount = droppedLinksCount
        self.statusCode = statusCode
        self.statusMessage = statusMessage
    }

    /// The span's duration in nanoseconds; zero when the sender's end precedes its start.
    public var durationNanoseconds: UInt64 {
        endTimeUnixNano >= startTimeUnixNano ? endTimeUnixNano - startTimeUnixNano : 0
    }
}
