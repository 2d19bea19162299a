import Telemetry

/// A trace or span id as the sender encoded it, before the decoder decides whether the item carrying it is usable.
///
/// Both encodings end here: protobuf's `bytes` and OTLP/JSON's hex strings, so both reject the same things.
enum IdentifierBytes: Equatable {
    /// Zero bytes (or an empty hex string): the id was not set.
    case absent
    /// Eight or sixteen bytes, read as big-endian words; `high` is zero for eight.
    case value(high: UInt64, low: UInt64, count: Int)
    /// A size no id has: `count` bytes, or hex digits when `hex` is set.
    case wrongLength(count: Int, hex: Bool)
    /// A JSON id with a character that is not a hex digit.
    case notHexadecimal

    /// Reads raw id bytes as protobuf carries them.
    init(_ raw: UnsafeRawBufferPointer) {
        switch raw.count {
        case 0:
            self = .absent
        case 8:
            self = .value(high: 0, low: Self.bigEndianWord(raw, at: 0), count: 8)
        case 16:
            self = .value(high: Self.bigEndianWord(raw, at: 0), low: Self.bigEndianWord(raw, at: 8), count: 16)
        default:
            self = .wrongLength(count: raw.count, hex: false)
        }
    }

    /// Reads an id as OTLP/JSON writes it: hex digits, in either case.
    init(hex: UnsafeRawBufferPointer) {
        guard hex.count == 16 || hex.count == 32 else {
            self = hex.isEmpty ? .absent : .wrongLength(count: hex.count, hex: true)
            return
        }
        var words: (UInt64, UInt64) = (0, 0)
        for index in 0..<hex.count {
            guard let nibble = Self.nibble(hex[index]) else {
                self = .notHexadecimal
                return
            }
            if index < hex.count - 16 {
                words.0 = words.0 << 4 | UInt64(nibble)
            } else {
                words.1 = words.1 << 4 | UInt64(nibble)
            }
        }
        self = .value(high: words.0, low: words.1, count: hex.count / 2)
    }

    /// The trace id, `TraceID.invalid` when absent, or `nil` when this is not 16 bytes.
    var traceID: TraceID? {
        switch self {
        case .absent: .invalid
        case .value(let high, let low, let count): count == 16 ? TraceID(high: high, low: low) : nil
        case .wrongLength, .notHexadecimal: nil
        }
    }

    /// The span id, `SpanID.invalid` when absent, or `nil` when this is not 8 bytes.
    var spanID: SpanID? {
        switch self {
        case .absent: .invalid
        case .value(_, let low, let count): count == 8 ? SpanID(low) : nil
        case .wrongLength, .notHexadecimal: nil
        }
    }

    /// Why this is not a usable id of `expectedBytes`, for a rejection reason.
    func problem(expectedBytes: Int) -> String {
        switch self {
        case .absent: "is empty"
        case .value(_, _, let count): count == expectedBytes ? "is all zeros" : "is \(count) bytes long, not \(expectedBytes)"
        case .wrongLength(let count, hex: false): "is \(count) bytes long, not \(expectedBytes)"
        case .wrongLength(let count, hex: true): "is \(count) hex digits long, not \(expectedBytes * 2)"
        case .notHexadecimal: "is not hexadecimal"
        }
    }

    private static func bigEndianWord(_ raw: UnsafeRawBufferPointer, at offset: Int) -> UInt64 {
        UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte &- UInt8(ascii: "A") &+ 10
        default: nil
        }
    }
}

/// What the decoder refused from a request that it otherwise accepted: OTLP's partial success.
struct Rejections {
    private(set) var count: Int64 = 0
    private(set) var firstReason = ""

    /// Counts `items` rejected items; the first reason is the one reported, since a sender's bug usually repeats.
    mutating func reject(_ reason: @autoclosure () -> String, count items: Int64 = 1) {
        guard items > 0 else { return }
        if count == 0 { firstReason = reason() }
        count += items
    }

    var reason: String {
        count > 1 ? "\(firstReason) (the first of \(count) rejected)" : firstReason
    }
}

/// The checks that make a span, log record or exemplar unusable, shared by both encodings.
enum ItemValidation {
    /// How much of a sender's name a rejection reason quotes: enough to find the item, without echoing a
    /// megabyte-long name back in every response and log line.
    static let quotedNameLimit = 128

    /// `name` in quotes, cut to ``quotedNameLimit`` characters.
    static func quoted(_ name: String) -> String {
        guard name.count > quotedNameLimit else { return "\"\(name)\"" }
        return "\"\(name.prefix(quotedNameLimit))…\""
    }

    /// Why a span with these ids must be rejected, or `nil`. Both its own ids must be present and non-zero
    /// (the specification calls anything else invalid); its parent's and links' must at least have the right size.
    static func spanProblem(
        traceID: IdentifierBytes,
        spanID: IdentifierBytes,
        parentSpanID: IdentifierBytes,
        linkProblem: String?
    ) -> String? {
        if traceID.traceID?.isValid != true { return "trace_id \(traceID.problem(expectedBytes: 16))" }
        if spanID.spanID?.isValid != true { return "span_id \(spanID.problem(expectedBytes: 8))" }
        if parentSpanID.spanID == nil { return "parent_span_id \(parentSpanID.problem(expectedBytes: 8))" }
        return linkProblem
    }

    /// Why a link, log record or exemplar with these ids must be rejected, or `nil`: they may be absent or zero
    /// (a log outside any span, a link kept for its attributes), but not of the wrong size.
    static func optionalIDsProblem(traceID: IdentifierBytes, spanID: IdentifierBytes) -> String? {
        if traceID.traceID == nil { return "trace_id \(traceID.problem(expectedBytes: 16))" }
        if spanID.spanID == nil { return "span_id \(spanID.problem(expectedBytes: 8))" }
        return nil
    }
}
