extension SpanLimits {
    /// Reads the `OTEL_*LIMIT` variables; a span-specific variable wins over the general one.
    init(environment: Environment) throws {
        let defaults = SpanLimits()
        let generalCount = try environment.integer("OTEL_ATTRIBUTE_COUNT_LIMIT")
        let generalLength = try environment.integer("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT")
        self.init(
            attributeCountLimit: try environment.integer("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT") ?? generalCount
                ?? defaults.attributeCountLimit,
            attributeValueLengthLimit: try environment.integer("OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT") ?? generalLength,
            eventCountLimit: try environment.integer("OTEL_SPAN_EVENT_COUNT_LIMIT") ?? defaults.eventCountLimit,
            linkCountLimit: try environment.integer("OTEL_SPAN_LINK_COUNT_LIMIT") ?? defaults.linkCountLimit,
            attributePerEventCountLimit: try environment.integer("OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT")
                ?? generalCount ?? defaults.attributePerEventCountLimit,
            attributePerLinkCountLimit: try environment.integer("OTEL_LINK_ATTRIBUTE_COUNT_LIMIT")
                ?? generalCount ?? defaults.attributePerLinkCountLimit
        )
    }
}
