/// What one OTLP export request carried, after decoding, and what the decoder had to reject from it.
///
/// A request whose bytes cannot be decoded at all is an error (HTTP 400, gRPC `INVALID_ARGUMENT`); one whose
/// envelope decodes but some of whose items are unusable (a span with a trace id that is not 16 bytes, say) is
/// accepted with `rejected` items and a `rejectionReason`, which the receiver returns as OTLP's partial success.
public struct ReceivedBatch: Sendable, Hashable {
    public var spans: [ReceivedSpan]
    public var metrics: [ReceivedMetric]
    public var logRecords: [ReceivedLogRecord]
    /// Spans, data points or log records dropped, as OTLP's partial success counts them.
    public var rejected: Int64
    public var rejectionReason: String

    public init(
        spans: [ReceivedSpan] = [],
        metrics: [ReceivedMetric] = [],
        logRecords: [ReceivedLogRecord] = [],
        rejected: Int64 = 0,
        rejectionReason: String = ""
    ) {
        self.spans = spans
        self.metrics = metrics
        self.logRecords = logRecords
        self.rejected = rejected
        self.rejectionReason = rejectionReason
    }
}

/// The three OTLP signals.
public enum Signal: String, Sendable, Hashable, CaseIterable {
    case traces, metrics, logs
}
