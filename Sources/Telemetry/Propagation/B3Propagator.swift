import Tracing

/// Propagates the span context in Zipkin's B3 format.
///
/// ``Encoding/singleHeader`` writes one `b3` header (`OTEL_PROPAGATORS=b3`); ``Encoding/multipleHeaders`` writes
/// `X-B3-TraceId`, `X-B3-SpanId` and `X-B3-Sampled` (`OTEL_PROPAGATORS=b3multi`). Extraction reads both forms, the
/// single header first, and accepts 64-bit trace ids (left-padded) and the debug flag (read as sampled).
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
        case .multipleHeaders: return ["x-b3-traceid", "x-b3-spanid", "x-b3-sampled"]
        }
    }

    public func inject<Carrier, Inject: Injector>(_ context: ServiceContext, into carrier: inout Carrier, using injector: Inject)
    where Inject.Carrier == Carrier {
        guard let spanContext = context.spanContext, spanContext.isValid else { return }
        let sampled = spanContext.isSampled ? "1" : "0"
        switch encoding {
        case .singleHeader:
            let value = "\(spanContext.traceID.hexString)-\(spanContext.spanID.hexString)-\(sampled)"
            injector.inject(value, forKey: "b3", into: &carrier)
        case .multipleHeaders:
            injector.inject(spanContext.traceID.hexString, forKey: "x-b3-traceid", into: &carrier)
            injector.inject(spanContext.spanID.hexString, forKey: "x-b3-spanid", into: &carrier)
            injector.inject(sampled, forKey: "x-b3-sampled", into: &carrier)
        }
    }

    public func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout ServiceContext, using extractor: Extract)
    where Extract.Carrier == Carrier {
        if let single = extractor.extract(key: "b3", from: carrier) {
            if let spanContext = Self.parseSingle(single) { context.spanContext = spanContext }
            return
        }
        guard let traceHeader = extractor.extract(key: "x-b3-traceid", from: carrier),
            let spanHeader = extractor.extract(key: "x-b3-spanid", from: carrier),
            let traceID = Self.parseTraceID(traceHeader.trimmedOWSBytes),
            let spanID = Self.parseSpanID(spanHeader.trimmedOWSBytes)
        else { return }
        let sampled = extractor.extract(key: "x-b3-sampled", from: carrier).map { Self.isSampled($0) } ?? false
        let debug = extractor.extract(key: "x-b3-flags", from: carrier) == "1"
        context.spanContext = SpanContext(
            traceID: traceID,
            spanID: spanID,
            traceFlags: sampled || debug ? .sampled : [],
            isRemote: true
        )
    }

    static func parseSingle(_ header: String) -> SpanContext? {
        let fields = header.trimmedOWSBytes.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard fields.count >= 2, fields.count <= 4,
            let traceID = parseTraceID(fields[0]),
            let spanID = parseSpanID(fields[1])
        else { return nil }
        var sampled = false
        if fields.count >= 3 {
            let state = String(decoding: fields[2], as: UTF8.self)
            guard ["0", "1", "d", "true", "false"].contains(state) else { return nil }
            sampled = isSampled(state)
        }
        if fields.count == 4 {
            guard parseSpanID(fields[3]) != nil else { return nil }
        }
        return SpanContext(traceID: traceID, spanID: spanID, traceFlags: sampled ? .sampled : [], isRemote: true)
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
