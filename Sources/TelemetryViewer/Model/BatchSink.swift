/// Where the receiver hands what it decoded: the store, or a test's collector.
public protocol BatchSink: Sendable {
    /// Takes `batch` for storage. Once this returns, the batch is acknowledged to its sender and must survive an
    /// orderly stop; throwing tells the receiver to answer with a retryable error instead.
    func submit(_ batch: ReceivedBatch) async throws(IngestError)
}

/// Why a sink would not take a batch. Both are retryable for the sender.
public enum IngestError: Error, Sendable, Hashable {
    /// The write queue is full: the sender should back off (HTTP 503 with `Retry-After`, gRPC `UNAVAILABLE`).
    case overloaded
    /// The viewer is stopping.
    case closed
}
