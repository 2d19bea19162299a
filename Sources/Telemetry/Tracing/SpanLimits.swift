/// Bounds on what one span may hold, so that a misbehaving caller cannot grow a span without limit.
///
/// What goes over a count limit is dropped and counted in ``SpanData``'s dropped counts; a string over the length
/// limit is truncated. The defaults are the specification's; ``TelemetrySystem`` reads the `OTEL_*LIMIT` variables.
public struct SpanLimits: Sendable, Hashable {
    /// The most attributes a span keeps (`OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT`, default 128).
    public var attributeCountLimit: Int
    /// The longest string attribute value, in characters, or `nil` for no limit
    /// (`OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT`, default none).
    public var attributeValueLengthLimit: Int?
    /// The most events a span keeps (`OTEL_SPAN_EVENT_COUNT_LIMIT`, default 128).
    public var eventCountLimit: Int
    /// The most links a span keeps (`OTEL_SPAN_LINK_COUNT_LIMIT`, default 128).
    public var linkCountLimit: Int
    /// The most attributes an event keeps (`OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT`, default 128).
    public var attributePerEventCountLimit: Int
    /// The most attributes a link keeps (`OTEL_LINK_ATTRIBUTE_COUNT_LIMIT`, default 128).
    public var attributePerLinkCountLimit: Int

    /// Creates limits, with the specification's defaults for anything not given.
    public init(
        attributeCountLimit: Int = 128,
        attributeValueLengthLimit: Int? = nil,
        eventCountLimit: Int = 128,
        linkCountLimit: Int = 128,
        attributePerEventCountLimit: Int = 128,
        attributePerLinkCountLimit: Int = 128
    ) {
        self.attributeCountLimit = attributeCountLimit
        self.attributeValueLengthLimit = attributeValueLengthLimit
        self.eventCountLimit = eventCountLimit
        self.linkCountLimit = linkCountLimit
        self.attributePerEventCountLimit = attributePerEventCountLimit
        self.attributePerLinkCountLimit = attributePerLinkCountLimit
    }
}
