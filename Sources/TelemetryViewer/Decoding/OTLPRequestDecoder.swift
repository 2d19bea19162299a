/// How an OTLP request body is encoded.
public enum OTLPEncoding: Sendable, Hashable {
    case protobuf
    case json
}

/// Why a request body could not be decoded; `reason` is safe to return to the sender.
public struct OTLPDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}

/// Decodes OTLP export requests (`ExportTraceServiceRequest`, `ExportMetricsServiceRequest`,
/// `ExportLogsServiceRequest`) into the viewer's model.
public enum OTLPRequestDecoder {
    /// Decodes one request body of `signal` in `encoding`.
    public static func decode(_ body: [UInt8], signal: Signal, encoding: OTLPEncoding) throws(OTLPDecodingError) -> ReceivedBatch {
        throw OTLPDecodingError("not implemented yet")
    }
}
