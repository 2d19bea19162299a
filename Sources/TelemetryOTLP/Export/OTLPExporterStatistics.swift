/// What happened to the items, spans, log records or metric data points, an OTLP exporter was given. Later work exports these as the
/// SDK's own metrics.
public struct OTLPExporterStatistics: Sendable, Hashable {
    /// Items the collector accepted.
    public var exported = 0
    /// Items lost: rejected by the collector, or still failing when the batch's time ran out.
    public var failed = 0
    /// Items the collector reported as rejected in a partial success; they are also counted in ``failed``.
    public var rejected = 0
    /// Attempts that were retried.
    public var retries = 0
    /// Batches whose export failed.
    public var failedExports = 0
    /// Batches the exporter could not encode and so never sent; they are also counted in ``failedExports`` and
    /// their items in ``failed``. Anything but zero is a bug in the encoder.
    public var encodingErrors = 0

    /// Creates statistics with every count at zero.
    public init() {}
}
