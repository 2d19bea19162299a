/// Carries one encoded OTLP request to the collector: the seam between the exporter (encoding, retries, counts) and
/// a protocol (gRPC or HTTP).
protocol OTLPTransport: Sendable {
    /// Keeps connections alive until ``shutdown()``; the exporter's `run()` calls it.
    func run() async throws
    /// Sends one request and classifies the outcome. Never throws: every failure is a ``OTLPSendResult``, whose
    /// reason is built from ``OTLPFailureDescription`` so that it holds no header value.
    ///
    /// - Parameter timeout: How long the attempt may take; `nil` for no limit.
    func send(_ body: [UInt8], timeout: Duration?) async -> OTLPSendResult
    /// Closes connections. Sends after shutdown fail.
    func shutdown() async
}

/// What happened to one request.
enum OTLPSendResult: Sendable, Hashable {
    /// The collector accepted it; the bytes are the response message.
    case accepted([UInt8])
    /// A failure worth retrying, after `retryAfter` when the collector said how long to wait.
    case retryable(reason: String, retryAfter: Duration?)
    /// A failure that retrying will not fix.
    case rejected(reason: String)
}
