/// Bounds on what one log record may hold, so that a misbehaving caller cannot grow a record without limit.
///
/// Attributes over the count limit are dropped and counted in ``LogRecordData/droppedAttributeCount``, which OTLP
/// exports; strings over the length limit are cut, also inside arrays and maps. The defaults are the
/// specification's; ``TelemetrySystem`` reads `OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT` and
/// `OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT`, then the general `OTEL_ATTRIBUTE_*` ones.
public struct LogRecordLimits: Sendable, Hashable {
    /// The most attributes a record keeps (default 128).
    public var attributeCountLimit: Int
    /// The longest string attribute value, in characters, or `nil` for no limit (default none).
    public var attributeValueLengthLimit: Int?

    /// Creates limits, with the specification's defaults for anything not given.
    public init(attributeCountLimit: Int = 128, attributeValueLengthLimit: Int? = nil) {
        self.attributeCountLimit = attributeCountLimit
        self.attributeValueLengthLimit = attributeValueLengthLimit
    }
}
