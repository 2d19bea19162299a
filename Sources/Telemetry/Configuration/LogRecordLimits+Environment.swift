extension LogRecordLimits {
    /// Reads `OTEL_LOGRECORD_ATTRIBUTE_*_LIMIT`; a log-specific variable wins over the general `OTEL_ATTRIBUTE_*` one.
    init(environment: Environment, general: GeneralAttributeLimits) throws {
        self.init(
            attributeCountLimit: try environment.integer("OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT") ?? general.count
                ?? LogRecordLimits().attributeCountLimit,
            attributeValueLengthLimit: try environment.integer("OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT")
                ?? general.length
        )
    }
}
