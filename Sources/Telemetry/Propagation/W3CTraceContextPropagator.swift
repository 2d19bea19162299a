import Tracing

/// Propagates the span context as W3C Trace Context: the `traceparent` and `tracestate` headers.
///
/// Parsing follows the W3C grammar: lowercase hex only, version `ff` rejected, version `00` of exactly 55 characters,
/// later versions accepted when their first four fields parse. Of the trace flags only `sampled` (0x01) and `random`
/// (0x02) are read and written; other bits are zeroed. An invalid `tracestate` is dropped while a valid `traceparent`
/// is kept. See [Trace Context Level 2](https://www.w3.org/TR/trace-context-2/).
public struct W3CTraceContextPropagator: TextMapPropagator {
    /// Creates the propagator.
    public init() {}

    public var fields: [String] { ["traceparent", "tracestate"] }

    public func inject<Carrier, Inject: Injector>(_ context: ServiceContext, into carrier: inout Carrier, using injector: Inject)
    where Inject.Carrier == Carrier {
        guard let spanContext = context.spanContext, spanContext.isValid else { return }
        injector.inject(Self.traceparent(spanContext), forKey: "traceparent", into: &carrier)
        if !spanContext.traceState.isEmpty {
            injector.inject(spanContext.traceState.header, forKey: "tracestate", into: &carrier)
        }
    }

    public func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout ServiceContext, using extractor: Extract)
    where Extract.Carrier == Carrier {
        guard let header = extractor.extract(key: "traceparent", from: carrier),
            var spanContext = Self.parseTraceparent(header)
        else { return }
        if let stateHeader = extractor.extract(key: "tracestate", from: carrier),
            let traceState = TraceState(header: stateHeader)
        {
            spanContext.traceState = traceState
        }
        context.spanContext = spanContext
    }

    /// The `traceparent` value for `spanContext`.
    static func traceparent(_ spanContext: SpanContext) -> String {
        String(unsafeUninitializedCapacity: 55) { buffer in
            buffer[0] = UInt8(ascii: "0")
            buffer[1] = UInt8(ascii: "0")
            buffer[2] = UInt8(ascii: "-")
            Hex.write(spanContext.traceID.high, into: buffer, at: 3)
            Hex.write(spanContext.traceID.low, into: buffer, at: 19)
            buffer[35] = UInt8(ascii: "-")
            Hex.write(spanContext.spanID.value, into: buffer, at: 36)
            buffer[52] = UInt8(ascii: "-")
            let flags = spanContext.traceFlags.intersection(.defined).rawValue
            buffer[53] = Hex.digits[Int(flags >> 4)]
            buffer[54] = Hex.digits[Int(flags & 0xF)]
            return 55
        }
    }

    /// Parses a `traceparent` value into a remote span context, or returns `nil`.
    static func parseTraceparent(_ header: String) -> SpanContext? {
        let bytes = header.trimmedOWSBytes
        guard bytes.count >= 55 else { return nil }
        let start = bytes.startIndex
        func byte(_ offset: Int) -> UInt8 { bytes[start + offset] }
        guard byte(2) == UInt8(ascii: "-"), byte(35) == UInt8(ascii: "-"), byte(52) == UInt8(ascii: "-"),
            let version = Hex.parseUInt64(bytes[start..<(start + 2)]), version != 0xFF
        else { return nil }
        if version == 0 {
            guard bytes.count == 55 else { return nil }
        } else if bytes.count > 55, byte(55) != UInt8(ascii: "-") {
            return nil
        }
        guard let traceID = TraceID(hex: bytes[(start + 3)..<(start + 35)], allowUppercase: false),
            let spanValue = Hex.parseUInt64(bytes[(start + 36)..<(start + 52)]),
            let flags = Hex.parseUInt64(bytes[(start + 53)..<(start + 55)])
        else { return nil }
        let spanID = SpanID(spanValue)
        guard traceID.isValid, spanID.isValid else { return nil }
        // Bits beyond sampled and random are undefined today, and a later version may give them a meaning this
        // version cannot honour; zeroing them keeps us from passing on a promise we do not understand.
        let traceFlags = TraceFlags(rawValue: UInt8(truncatingIfNeeded: flags)).intersection(.defined)
        return SpanContext(traceID: traceID, spanID: spanID, traceFlags: traceFlags, isRemote: true)
    }
}
