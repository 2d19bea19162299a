import Tracing

/// Propagates the span context in Zipkin's B3 format.
///
/// ``Encoding/singleHeader`` writes one `b3` header (`OTEL_PROPAGATORS=b3`); ``Encoding/multipleHeaders`` writes
/// `X-B3-TraceId`, `X-B3-SpanId` and `X-B3-Sampled` (`OTEL_PROPAGATORS=b3multi`). Extraction reads both forms, the
/// single header first, falling back to the `X-B3-*` headers when the single header is missing or invalid, and
/// accepts 64-bit trace ids (left-padded). The debug flag (`d` in the single header, `X-B3-Flags: 1`) implies
/// sampled and is propagated: spans of an extracted debug trace inject it again, in place of the sampling state.
/// See [b3-propagation](https://github.com/openzipkin/b3-propagation).
public struct B3Propagator: TextMapPropagator {
    /// Which headers ``inject(_:into:using:)`` writes.
    public enum Encoding: Sendable {
        /// The single `b3` header.
        case singleHeader
        /// The `X-B3-*` headers.
        case multipleHeaders
    }

    /// Which headers are written.
    public var encoding: Encoding

    /// Creates the propagator.
    public init(encoding: Encoding = .singleHeader) {
        self.encoding = encoding
    }

    public var fields: [String] {
        switch encoding {
        case .singleHeader: return ["b3"]
        case .multipleHeaders: return ["x-b3-traceid", "x-b3-spanid", "x-b3-sampled", "x-b3-flags"]
        }
    }

    public func inject<Carrier, Inject: Injector>(_ context: ServiceContext, into carrier: inout Carrier, using injector: Inject)
    where Inject.Carrier == Carrier {
        guard let spanContext = context.spanContext, spanContext.isValid else { return }
        let isDebug = context[B3DebugKey.self] == spanContext.traceID
        let sampled = spanContext.isSampled ? "1" : "0"
        switch encoding {
        case .singleHeader:
            let value = "\(spanContext.traceID.hexString)-\(spanContext.spanID.hexString)-\(isDebug ? "d" : sampled)"
            injector.inject(value, forKey: "b3", into: &carrier)
        case .multipleHeaders:
            injector.inject(spanContext.traceID.hexString, forKey: "x-b3-traceid", into: &carrier)
            injector.inject(spanContext.spanID.hexString, forKey: "x-b3-spanid", into: &carrier)
            // Debug implies the accept decision; B3 asks that X-B3-Sampled is not sent with it.
            if isDebug {
                injector.inject("1", forKey: "x-b3-flags", into: &carrier)
            } else {
                injector.inject(sampled, forKey: "x-b3-sampled", into: &carrier)
            }
        }
    }

    public func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout ServiceContext, using extractor: Extract)
    where Extract.Carrier == Carrier {
        if let single = extractor.extract(key: "b3", from: carrier), let extracted = Self.parseSingle(single) {
            extracted.apply(to: &context)
            return
        }
        guard let traceHeader = extractor.extract(key: "x-b3-traceid", from: carrier),
            let spanHeader = extractor.extract(key: "x-b3-spanid", from: carrier),
            let traceID = Self.parseTraceID(traceHeader.trimmedOWSBytes),
            let spanID = Self.parseSpanID(spanHeader.trimmedOWSBytes)
        else { return }
        let sampled = extractor.extract(key: "x-b3-sampled", from: carrier).map { Self.isSampled($0) } ?? false
        let isDebug = extractor.extract(key: "x-b3-flags", from: carrier)?.trimmedOWSBytes.elementsEqual("1".utf8) ?? false
        Extracted(traceID: traceID, spanID: spanID, isSampled: sampled, isDebug: isDebug).apply(to: &context)
    }

    /// What one of the two forms carried.
    struct Extracted {
        var traceID: TraceID
        var spanID: SpanID
        var isSampled: Bool
        var isDebug: Bool

        /// Sets the span context and the debug mark; without debug it clears a mark an earlier extraction left.
        func apply(to context: inout ServiceContext) {
            context.spanContext = SpanContext(
                traceID: traceID,
                spanID: spanID,
                traceFlags: isSampled || isDebug ? .sampled : [],
                isRemote: true
            )
            context[B3DebugKey.self] = isDebug ? traceID : nil
        }
    }

    static func parseSingle(_ header: String) -> Extracted? {
        let fields = header.trimmedOWSBytes.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard fields.count >= 2, fields.count <= 4,
            let traceID = parseTraceID(fields[0]),
            let spanID = parseSpanID(fields[1])
        else { return nil }
        var sampled = false
        var isDebug = false
        if fields.count >= 3 {
            let state = String(decoding: fields[2], as: UTF8.self)
            guard ["0", "1", "d", "true", "false"].contains(state) else { return nil }
            sampled = isSampled(state)
            isDebug = state == "d"
        }
        if fields.count == 4 {
            guard parseSpanID(fields[3]) != nil else { return nil }
        }
        return Extracted(traceID: traceID, spanID: spanID, isSampled: sampled, isDebug: isDebug)
    }

    static func parseTraceID(_ bytes: ArraySlice<UInt8>) -> TraceID? {
        guard bytes.count == 16 || bytes.count == 32, let id = TraceID(lenientHex: Array(bytes)), id.isValid else {
            return nil
        }
        return id
    }

    static func parseSpanID(_ bytes: ArraySlice<UInt8>) -> SpanID? {
        guard bytes.count == 16, let id = SpanID(lenientHex: bytes), id.isValid else { return nil }
        return id
    }

    static func isSampled(_ value: String) -> Bool {
        value == "1" || value == "d" || value.lowercased() == "true"
    }
}

/// The trace that an extracted B3 context marked debug.
///
/// Kept in the context under its own key, not as a trace flag: only the W3C flags survive into child spans, and a
/// B3-only bit would leak into `traceparent` and OTLP. Every span started in the extracted context inherits the key
/// with the rest of the context, and naming the trace keeps it from marking a new trace started there.
enum B3DebugKey: ServiceContextKey {
    typealias Value = TraceID
    static var nameOverride: String? { "otel-b3-debug" }
}
