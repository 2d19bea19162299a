/// `OTEL_ATTRIBUTE_COUNT_LIMIT` and `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`, which every signal's limits fall back to. They
/// are read once, so that an unusable value is reported once.
struct GeneralAttributeLimits {
    var count: Int?
    var length: Int?

    init(environment: Environment) throws {
        count = try environment.integer("OTEL_ATTRIBUTE_COUNT_LIMIT")
        length = try environment.integer("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT")
    }
}

extension SpanLimits {
    /// Reads the `OTEL_*LIMIT` variables; a span-specific variable wins over the general one.
    init(environment: Environment, general: GeneralAttributeLimits) throws {
        let defaults = SpanLimits()
        let generalCount = general.count
        self.init(
            attributeCountLimit: try environment.integer("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT") ?? generalCount
                ?? defaults.attributeCountLimit,
            attributeValueLengthLimit: try environment.integer("OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT") ?? general.length,
            eventCountLimit: try environment.integer("OTEL_SPAN_EVENT_COUNT_LIMIT") ?? defaults.eventCountLimit,
            linkCountLimit: try environment.integer("OTEL_SPAN_LINK_COUNT_LIMIT") ?? defaults.linkCountLimit,
            attributePerEventCountLimit: try environment.integer("OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT")
                ?? generalCount ?? defaults.attributePerEventCountLimit,
            attributePerLinkCountLimit: try environment.integer("OTEL_LINK_ATTRIBUTE_COUNT_LIMIT")
                ?? generalCount ?? defaults.attributePerLinkCountLimit
        )
    }
}
