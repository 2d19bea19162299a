/// How an OTLP request body is encoded.
public enum OTLPEncoding: Sendable, Hashable {
    /// Binary protobuf (`application/x-protobuf`, and gRPC).
    case protobuf
    /// OTLP/JSON (`application/json`).
    case json
}

/// Why a request body could not be decoded; `reason` is safe to return to the sender.
public struct OTLPDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong and where, such as "Span: field 5 before byte 120 is varint where length-delimited was expected".
    public var reason: String

    /// An error with `reason`.
    public init(_ reason: String) {
        self.reason = reason
    }

    /// The reason.
    public var description: String { reason }
}

/// Decodes OTLP export requests (`ExportTraceServiceRequest`, `ExportMetricsServiceRequest`,
/// `ExportLogsServiceRequest`) into the viewer's model.
///
/// Protobuf follows opentelemetry-proto v1; JSON follows the OTLP specification's JSON encoding (lowerCamelCase
/// or the original snake_case names, ids in hex, 64-bit integers as strings or numbers, enums as numbers or names,
/// unknown fields ignored).
///
/// What it refuses, and how:
/// - A body that is not a well-formed request (truncated, a wrong wire type for a known field, a length past the
///   end, messages or JSON nested more than 64 deep, invalid JSON) throws, and nothing of it is kept.
/// - Items that decode but cannot be used are left out and counted in ``ReceivedBatch/rejected``, with the first
///   reason in ``ReceivedBatch/rejectionReason``, for OTLP's partial success: a span whose trace or span id is
///   absent, all zeros or of the wrong size, or whose parent's or a link's id has the wrong size; a log record
///   whose ids have the wrong size; a metric data point whose exemplar's ids have the wrong size, or a histogram
///   point whose bucket counts are neither absent nor one more than its bounds. A metric with no data is dropped.
/// - Strings that are not valid UTF-8 are kept with U+FFFD in place of the bad bytes rather than refused: one
///   mis-encoded attribute should not cost a sender its whole batch, and the viewer only displays them.
/// - Enum values it does not know (a span kind of 9, say) read as the unspecified value.
public enum OTLPRequestDecoder {
    /// Decodes one request body of `signal` in `encoding`.
    ///
    /// It never traps, whatever `body` holds: what cannot be decoded throws, and what decodes but cannot be used
    /// is counted in the batch's ``ReceivedBatch/rejected``.
    public static func decode(_ body: [UInt8], signal: Signal, encoding: OTLPEncoding) throws(OTLPDecodingError) -> ReceivedBatch {
        let result: Result<ReceivedBatch, OTLPDecodingError> = body.withUnsafeBytes { bytes in
            do throws(OTLPDecodingError) {
                return .success(try decode(bytes, signal: signal, encoding: encoding))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Decodes one request body of `signal` in `encoding` from bytes the caller owns, such as a received buffer's,
    /// without copying them; nothing in the result refers to them afterwards.
    public static func decode(
        _ body: UnsafeRawBufferPointer,
        signal: Signal,
        encoding: OTLPEncoding
    ) throws(OTLPDecodingError) -> ReceivedBatch {
        switch (encoding, signal) {
        case (.protobuf, .traces): try ProtobufOTLPDecoder.traces(body)
        case (.protobuf, .metrics): try ProtobufOTLPDecoder.metrics(body)
        case (.protobuf, .logs): try ProtobufOTLPDecoder.logs(body)
        case (.json, .traces): try JSONOTLPDecoder.traces(body)
        case (.json, .metrics): try JSONOTLPDecoder.metrics(body)
        case (.json, .logs): try JSONOTLPDecoder.logs(body)
        }
    }
}
