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
///   end, invalid JSON) throws, and nothing of it is kept.
/// - Items that decode but cannot be used are left out and counted in ``ReceivedBatch/rejected``, with the first
///   reason in ``ReceivedBatch/rejectionReason``, for OTLP's partial success: a span whose trace or span id is
///   absent, all zeros or of the wrong size, or whose parent's or a link's id has the wrong size; a log record
///   whose ids have the wrong size; a metric data point whose exemplar's ids have the wrong size, or a histogram
///   point whose bucket counts are neither absent nor one more than its bounds. A metric with no data is dropped.
/// - Strings that are not valid UTF-8 are kept with U+FFFD in place of the bad bytes rather than refused: one
///   mis-encoded attribute should not cost a sender its whole batch, and the viewer only displays them.
/// - Enum values it does not know (a span kind of 9, or a name it has never seen in JSON) read as the unspecified
///   value.
/// - `AnyValue`s nested more than ``maximumValueDepth`` levels deep throw, in both encodings alike.
/// - A request that holds more than `maxItems` items throws, so that what it decodes to stays bounded whatever the
///   body: every nested message, JSON array element and repeated number costs one item, and spans, events, links,
///   log records, metrics, data points and exemplars one item per 32 bytes they take in the model.
public enum OTLPRequestDecoder {
    /// How many items a request may hold unless the caller says otherwise. An item stands for at most about 32 bytes
    /// of decoded model (a span costs eight, a log record seven, an attribute two), so a request decodes to at most
    /// about 64 MB here, and twice that while arrays grow, besides the text copied out of its body. Real requests
    /// cost roughly one item per 5 to 10 bytes of protobuf (an attribute with short strings is some 15 bytes and
    /// two items), so this admits 10 to 20 MB of them: more than any SDK or Collector batch.
    public static let defaultMaxItems = 2_000_000

    /// How deeply `AnyValue`s may nest inside one another (an attribute's value is level 1, a value in its array or
    /// map level 2, and so on): the same in protobuf and JSON, and far more than any instrumentation produces.
    public static let maximumValueDepth = 32

    /// Decodes one request body of `signal` in `encoding`.
    ///
    /// It never traps, whatever `body` holds: what cannot be decoded throws, and what decodes but cannot be used
    /// is counted in the batch's ``ReceivedBatch/rejected``. A body holding more than `maxItems` items (see above)
    /// throws.
    public static func decode(
        _ body: [UInt8],
        signal: Signal,
        encoding: OTLPEncoding,
        maxItems: Int = defaultMaxItems
    ) throws(OTLPDecodingError) -> ReceivedBatch {
        let result: Result<ReceivedBatch, OTLPDecodingError> = body.withUnsafeBytes { bytes in
            do throws(OTLPDecodingError) {
                return .success(try decode(bytes, signal: signal, encoding: encoding, maxItems: maxItems))
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
        encoding: OTLPEncoding,
        maxItems: Int = defaultMaxItems
    ) throws(OTLPDecodingError) -> ReceivedBatch {
        switch (encoding, signal) {
        case (.protobuf, .traces): try ProtobufOTLPDecoder.traces(body, maxItems: maxItems)
        case (.protobuf, .metrics): try ProtobufOTLPDecoder.metrics(body, maxItems: maxItems)
        case (.protobuf, .logs): try ProtobufOTLPDecoder.logs(body, maxItems: maxItems)
        case (.json, .traces): try JSONOTLPDecoder.traces(body, maxItems: maxItems)
        case (.json, .metrics): try JSONOTLPDecoder.metrics(body, maxItems: maxItems)
        case (.json, .logs): try JSONOTLPDecoder.logs(body, maxItems: maxItems)
        }
    }
}

extension OTLPRequestDecoder {
    static func checkValueDepth(_ level: Int) throws(OTLPDecodingError) {
        guard level <= maximumValueDepth else {
            throw OTLPDecodingError("AnyValue: values are nested deeper than \(maximumValueDepth) levels")
        }
    }
}
