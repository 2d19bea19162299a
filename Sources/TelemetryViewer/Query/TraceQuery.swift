import Telemetry

/// A Jaeger-style trace search: traces having at least one span that matches every given condition.
public struct TraceQuery: Sendable, Hashable {
    /// The service (`service.name`) of the matching span.
    public var service: String?
    /// The matching span's name.
    public var operation: String?
    /// Attribute values the matching span (or its resource) has, compared as text, so `http.status_code` = `500`
    /// matches the integer 500. `error` = `true` means the span's status is error; `span.kind` and
    /// `otel.status_code` match the span's kind and status as Jaeger shows them.
    public var tags: [String: String]
    /// Shortest duration of the matching span, nanoseconds.
    public var minimumDurationNanoseconds: UInt64?
    /// Longest duration of the matching span, nanoseconds.
    public var maximumDurationNanoseconds: UInt64?
    /// Earliest start of the matching span, Unix nanoseconds.
    public var startTimeMinimumUnixNano: UInt64?
    /// Latest start of the matching span, Unix nanoseconds.
    public var startTimeMaximumUnixNano: UInt64?
    /// The number of traces to return, newest matching span first.
    public var limit: Int

    /// Creates a search; with no conditions it returns the newest traces.
    public init(
        service: String? = nil,
        operation: String? = nil,
        tags: [String: String] = [:],
        minimumDurationNanoseconds: UInt64? = nil,
        maximumDurationNanoseconds: UInt64? = nil,
        startTimeMinimumUnixNano: UInt64? = nil,
        startTimeMaximumUnixNano: UInt64? = nil,
        limit: Int = 20
    ) {
        self.service = service
        self.operation = operation
        self.tags = tags
        self.minimumDurationNanoseconds = minimumDurationNanoseconds
        self.maximumDurationNanoseconds = maximumDurationNanoseconds
        self.startTimeMinimumUnixNano = startTimeMinimumUnixNano
        self.startTimeMaximumUnixNano = startTimeMaximumUnixNano
        self.limit = limit
    }
}

/// All stored spans of one trace, in start order.
public struct StoredTrace: Sendable, Hashable {
    /// The trace's id.
    public var traceID: TraceID
    /// Its stored spans, each with its resource and scope, ordered by start time.
    public var spans: [ReceivedSpan]

    /// Creates a trace.
    public init(traceID: TraceID, spans: [ReceivedSpan]) {
        self.traceID = traceID
        self.spans = spans
    }
}

/// A span name a service reported, with its kind: Jaeger's "operation".
public struct StoredOperation: Sendable, Hashable {
    /// The span name.
    public var name: String
    /// The kind of the spans that carry it.
    public var kind: ReceivedSpan.Kind

    /// Creates an operation.
    public init(name: String, kind: ReceivedSpan.Kind) {
        self.name = name
        self.kind = kind
    }
}
