@testable import Telemetry
import Testing
import Tracing

/// HTTP headers as they arrive: in order, and possibly repeated.
typealias HeaderFields = [(name: String, value: String)]

/// Injects by appending a field, as an HTTP client writes headers.
struct HeaderFieldsInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout HeaderFields) {
        carrier.append((key, value))
    }
}

/// Follows the carrier contract of ``TextMapPropagator``: every value of a repeated header, in order, joined with ","
/// (RFC 9110 §5.3).
struct JoiningExtractor: KeyListingExtractor {
    func extract(key: String, from carrier: HeaderFields) -> String? {
        let values = carrier.filter { $0.name.lowercased() == key.lowercased() }.map(\.value)
        return values.isEmpty ? nil : values.joined(separator: ",")
    }

    func keys(in carrier: HeaderFields) -> [String] {
        var seen = Set<String>()
        return carrier.map { $0.name.lowercased() }.filter { seen.insert($0).inserted }
    }
}

extension TextMapPropagator {
    func extract(fields: HeaderFields) -> ServiceContext {
        var context = ServiceContext.topLevel
        extract(fields, into: &context, using: JoiningExtractor())
        return context
    }
}

/// An id generator with fixed ids, which says whether its trace ids are random as it is told.
struct FixedIDGenerator: IDGenerator {
    var generatesRandomTraceIDs: Bool

    func newTraceID() -> TraceID { TraceID(high: 1, low: 2) }
    func newSpanID() -> SpanID { SpanID(3) }
}

@Suite("Propagation conformance: W3C Trace Context Level 2, W3C Baggage, B3 and Jaeger")
struct PropagationConformanceTests {
    static let traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    static let key256 = "a" + String(repeating: "b", count: 255)

    // MARK: 1. tracestate keys

    @Test("tracestate keys follow Level 2's grammar: ( lcalpha / DIGIT ) 0*255 keychar, with @ a keychar", arguments: [
        ("foo@", true), ("foo@@bar", true), ("1abc", true), ("a@1system", true), ("tenant@vendor", true),
        ("a_-*/@z", true), ("0", true), (key256, true),
        ("@foo", false), (key256 + "c", false), ("Foo", false), ("_a", false), ("a b", false), ("a.b", false), ("", false),
    ])
    func traceStateKeyGrammar(key: String, isValid: Bool) {
        #expect((TraceState(header: "\(key)=v") != nil) == isValid, "header with key \(key)")
        var state = TraceState()
        #expect(state.setValue("v", forKey: key) == isValid, "setValue with key \(key)")
    }

    @Test("an extracted tracestate keeps Level 2 keys")
    func level2KeysSurviveExtraction() throws {
        let context = W3CTraceContextPropagator().extract(["traceparent": Self.traceparent, "tracestate": "foo@=1,1abc=2"])
        let state = try #require(context.spanContext?.traceState)
        #expect(state.header == "foo@=1,1abc=2")
    }

    // MARK: 2. tracestate duplicates and multiple fields

    @Test("a repeated tracestate key keeps the first (most recent) value and the rest of the list")
    func duplicateKeyKeepsFirst() throws {
        #expect(TraceState(header: "a=1,b=2,a=3")?.header == "a=1,b=2")
        #expect(TraceState(header: "a=1, a=1 ,b=2")?.header == "a=1,b=2")
        let context = W3CTraceContextPropagator().extract(["traceparent": Self.traceparent, "tracestate": "rojo=1,congo=2,rojo=3"])
        #expect(context.spanContext?.traceState.header == "rojo=1,congo=2")
        #expect(context.spanContext?.traceState.value(forKey: "rojo") == "1")
    }

    @Test("repeats do not count against the 32-member limit, distinct members beyond 32 still discard the list")
    func duplicatesAndTheLimit() {
        let thirtyTwo = (0..<32).map { "k\($0)=v" }
        #expect(TraceState(header: (thirtyTwo + ["k0=w", "k31=w"]).joined(separator: ","))?.entries.count == 32)
        #expect(TraceState(header: (thirtyTwo + ["k32=v"]).joined(separator: ",")) == nil)
        #expect(TraceState(header: "a=1,a=2,Bad=3") == nil, "a malformed member still discards the list")
    }

    @Test("several tracestate fields are combined in order")
    func multipleTraceStateFields() throws {
        let fields: HeaderFields = [
            ("traceparent", Self.traceparent), ("tracestate", "a=1"), ("TraceState", "b=2,a=3"), ("tracestate", "c=4"),
        ]
        let spanContext = try #require(W3CTraceContextPropagator().extract(fields: fields).spanContext)
        #expect(spanContext.traceState.header == "a=1,b=2,c=4")
    }

    // MARK: 3. trace flags

    @Test("only sampled and random survive extraction", arguments: [
        ("00", 0x00), ("01", 0x01), ("02", 0x02), ("03", 0x03), ("ff", 0x03), ("fe", 0x02), ("04", 0x00), ("81", 0x01),
    ] as [(String, UInt8)])
    func extractedFlags(wire: String, expected: UInt8) throws {
        let header = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-\(wire)"
        let spanContext = try #require(W3CTraceContextPropagator().extract(["traceparent": header]).spanContext)
        #expect(spanContext.traceFlags.rawValue == expected, "flags \(wire)")
        let injected = W3CTraceContextPropagator().inject(ServiceContext.topLevel.with(spanContext))["traceparent"]
        #expect(injected == "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0\(expected)", "flags \(wire)")
    }

    @Test("only sampled and random are injected, whatever a span context was built with")
    func injectedFlags() {
        let spanContext = SpanContext(traceID: TraceID(high: 1, low: 2), spanID: SpanID(3), traceFlags: TraceFlags(rawValue: 0xFF))
        let headers = W3CTraceContextPropagator().inject(ServiceContext.topLevel.with(spanContext))
        #expect(headers["traceparent"] == "00-00000000000000010000000000000002-0000000000000003-03")
    }

    @Test("child spans inherit sampled (as decided) and random, and no other bit")
    func inheritedFlags() throws {
        let parent = SpanContext(
            traceID: TraceID(high: 1, low: 2), spanID: SpanID(3), traceFlags: TraceFlags(rawValue: 0xFE), isRemote: true)
        let (recording, _) = makeProvider(sampler: AlwaysOnSampler())
        let child = recording.startSpan("child", context: ServiceContext.topLevel.with(parent))
        #expect(child.spanContext.traceFlags.rawValue == 0x03)
        child.end()
        let (dropping, _) = makeProvider(sampler: AlwaysOffSampler())
        let unsampled = dropping.startSpan("child", context: ServiceContext.topLevel.with(parent))
        #expect(unsampled.spanContext.traceFlags.rawValue == 0x02)
        let plain = SpanContext(traceID: TraceID(high: 1, low: 2), spanID: SpanID(3), traceFlags: .sampled, isRemote: true)
        let notRandom = recording.startSpan("child", context: ServiceContext.topLevel.with(plain))
        #expect(notRandom.spanContext.traceFlags == .sampled, "random is inherited, never invented for a parent's trace")
        notRandom.end()
    }

    @Test("a new trace from the default generator carries the random flag, sampled or not")
    func randomRootFlag() throws {
        let (sampled, _) = makeProvider(sampler: AlwaysOnSampler())
        let root = sampled.startSpan("root")
        #expect(root.spanContext.traceFlags == [.sampled, .random])
        let child = sampled.startSpan("child", context: root.context)
        #expect(child.spanContext.traceFlags == [.sampled, .random])
        child.end()
        root.end()

        let (unsampled, _) = makeProvider(sampler: AlwaysOffSampler())
        let unsampledRoot = unsampled.startSpan("root")
        let unsampledChild = unsampled.startSpan("child", context: unsampledRoot.context)
        for span in [unsampledRoot, unsampledChild] {
            #expect(span.spanContext.traceFlags == .random)
            let header = try #require(W3CTraceContextPropagator().inject(span.context)["traceparent"])
            #expect(header.hasSuffix("-02"))
            // The flag must not cost the unsampled local trace its allocation-free form.
            let isStoredAsSeed: Bool
            if case .unsampledLocal? = span.context[SpanContextKey.self] { isStoredAsSeed = true } else { isStoredAsSeed = false }
            #expect(isStoredAsSeed, "an unsampled local span is stored as its trace seed")
        }
    }

    @Test("a custom id generator gets the random flag only when it declares its trace ids random", arguments: [false, true])
    func customGeneratorRandomFlag(declaresRandom: Bool) {
        let expected: TraceFlags = declaresRandom ? .random : []
        for sampler in [AlwaysOnSampler() as any Sampler, AlwaysOffSampler()] {
            let provider = TracerProvider(sampler: sampler, idGenerator: FixedIDGenerator(generatesRandomTraceIDs: declaresRandom))
            let root = provider.startSpan("root")
            #expect(root.spanContext.traceFlags.subtracting(.sampled) == expected, "\(sampler)")
            root.end()
        }
        #expect(RandomIDGenerator().generatesRandomTraceIDs)
    }

    // MARK: 4. repeated headers

    @Test("a repeated traceparent is invalid, so the next span starts a new trace")
    func repeatedTraceparent() throws {
        let other = "00-11111111111111111111111111111111-2222222222222222-01"
        let (provider, _) = makeProvider()
        for fields in [
            [("traceparent", Self.traceparent), ("traceparent", other)],
            [("traceparent", Self.traceparent), ("Traceparent", Self.traceparent)],
            [("traceparent", "cc-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), ("traceparent", other)],
        ] as [HeaderFields] {
            let extracted = provider.propagator.extract(fields: fields)
            #expect(extracted.spanContext == nil, "\(fields)")
            let span = provider.startSpan("server", context: extracted, ofKind: .server)
            #expect(span.recordingSpan?.parentSpanID == nil, "\(fields)")
            #expect(span.spanContext.traceID.hexString != "0af7651916cd43dd8448eb211c80319c")
            #expect(span.spanContext.traceID.hexString != "11111111111111111111111111111111")
            span.end()
        }
        let single = provider.propagator.extract(fields: [("traceparent", Self.traceparent)])
        #expect(single.spanContext?.spanID.hexString == "b7ad6b7169203331", "one field is read as it is")
    }

    @Test("repeated baggage fields read as one list")
    func repeatedBaggage() {
        let context = W3CBaggagePropagator().extract(fields: [("baggage", "a=1,b=2"), ("Baggage", "c=3")])
        #expect(context.baggage?.entries.map(\.name) == ["a", "b", "c"])
    }

    // MARK: 5. B3 debug

    static let b3Trace = "463ac35c9f6413ad48485a3953bb6124"
    static let b3Span = "a2fb4a1d1a96d312"

    @Test("an extracted B3 debug flag is injected again, in either encoding", arguments: [
        ["b3": "\(b3Trace)-\(b3Span)-d"],
        ["b3": "\(b3Trace)-\(b3Span)-d-0020000000000001"],
        ["X-B3-TraceId": b3Trace, "X-B3-SpanId": b3Span, "X-B3-Flags": "1"],
        ["X-B3-TraceId": b3Trace, "X-B3-SpanId": b3Span, "X-B3-Flags": "1", "X-B3-Sampled": "0"],
    ])
    func b3DebugRoundTrip(carrier: [String: String]) throws {
        let extracted = B3Propagator().extract(carrier)
        #expect(extracted.spanContext?.isSampled == true, "debug implies sampled")
        #expect(B3Propagator(encoding: .singleHeader).inject(extracted) == ["b3": "\(Self.b3Trace)-\(Self.b3Span)-d"])
        let multi = B3Propagator(encoding: .multipleHeaders).inject(extracted)
        #expect(multi == ["x-b3-traceid": Self.b3Trace, "x-b3-spanid": Self.b3Span, "x-b3-flags": "1"])
    }

    @Test("spans of an extracted B3 debug trace propagate debug; a new trace started there does not")
    func b3DebugThroughSpans() throws {
        let (provider, _) = makeProvider(propagator: B3Propagator())
        var extracted = ServiceContext.topLevel
        provider.extract(["b3": "\(Self.b3Trace)-\(Self.b3Span)-d"], into: &extracted, using: DictionaryExtractor())
        let server = provider.startSpan("server", context: extracted, ofKind: .server)
        var headers: [String: String] = [:]
        provider.inject(server.context, into: &headers, using: DictionaryInjector())
        #expect(headers == ["b3": "\(Self.b3Trace)-\(server.spanContext.spanID.hexString)-d"])
        let fresh = ServiceContext.withValue(server.context) {
            provider.tracer(name: "t").startSpan("new trace", kind: .internal, parent: .root)
        }
        #expect(fresh.spanContext.traceID != server.spanContext.traceID)
        #expect(B3Propagator().inject(fresh.context)["b3"]?.hasSuffix("-1") == true)
        fresh.end()
        server.end()
    }

    @Test("a B3 context without debug injects its sampling state, also after a debug one was extracted into the context")
    func b3WithoutDebug() {
        var context = B3Propagator().extract(["b3": "\(Self.b3Trace)-\(Self.b3Span)-d"])
        B3Propagator().extract(["b3": "\(Self.b3Trace)-\(Self.b3Span)-1"], into: &context, using: DictionaryExtractor())
        #expect(B3Propagator().inject(context) == ["b3": "\(Self.b3Trace)-\(Self.b3Span)-1"])
        #expect(B3Propagator(encoding: .multipleHeaders).inject(context)["x-b3-flags"] == nil)
    }

    @Test("an invalid single b3 header falls back to the X-B3-* headers", arguments: [
        "garbage", "0", "d", "\(b3Trace)-\(b3Span)-x", "\(b3Trace)-0000000000000000-1", "",
    ])
    func b3SingleFallsBackToMulti(single: String) throws {
        let carrier = ["b3": single, "X-B3-TraceId": Self.b3Trace, "X-B3-SpanId": Self.b3Span, "X-B3-Sampled": "1"]
        let spanContext = try #require(B3Propagator().extract(carrier).spanContext, "b3: \(single)")
        #expect(spanContext.traceID.hexString == Self.b3Trace)
        #expect(spanContext.spanID.hexString == Self.b3Span)
        #expect(spanContext.isSampled)
    }

    @Test("a valid single b3 header wins over the X-B3-* headers")
    func b3SingleWins() {
        let carrier = ["b3": "\(Self.b3Trace)-0000000000000001-0", "X-B3-TraceId": Self.b3Trace, "X-B3-SpanId": Self.b3Span]
        #expect(B3Propagator().extract(carrier).spanContext?.spanID == SpanID(1))
    }

    // MARK: 6. baggage and invalid UTF-8

    @Test("baggage values whose percent-decoded bytes are not UTF-8 get U+FFFD instead of being dropped", arguments: [
        ("%FF", "\u{FFFD}"), ("a%E2%82", "a\u{FFFD}"), ("%C3%28x", "\u{FFFD}(x"), ("%E2%82%AC%80", "€\u{FFFD}"),
    ])
    func baggageInvalidUTF8(encoded: String, decoded: String) {
        let context = W3CBaggagePropagator().extract(["baggage": "k=\(encoded),ok=1"])
        #expect(context.baggage?["k"] == decoded, "k=\(encoded)")
        #expect(context.baggage?["ok"] == "1")
        let jaeger = JaegerPropagator().extract(["uberctx-k": encoded])
        #expect(jaeger.baggage?["k"] == decoded, "uberctx-k: \(encoded)")
    }

    @Test("a malformed percent sequence still drops the baggage member; configuration and headers stay strict")
    func malformedPercentEncoding() {
        #expect(W3CBaggagePropagator().extract(["baggage": "k=%G1,ok=1"]).baggage?.entries.map(\.name) == ["ok"])
        #expect(PercentEncoding.decode(Array("%FF".utf8)) == nil, "OTEL_RESOURCE_ATTRIBUTES and OTLP headers reject it")
        #expect(PercentEncoding.decode(Array("%FF".utf8), invalidUTF8: .replace) == "\u{FFFD}")
        #expect(PercentEncoding.decode(Array("%4".utf8), invalidUTF8: .replace) == nil)
    }

    // MARK: 7. Jaeger baggage bounds

    @Test("Jaeger injects at most 180 baggage members, none over 4096 bytes, 8192 bytes in all")
    func jaegerInjectBounds() {
        var context = ServiceContext.topLevel
        context.baggage = Baggage((0..<300).map { .init(name: "k\($0)", value: "v") })
        #expect(JaegerPropagator().inject(context).count == 180)

        context.baggage = Baggage([.init(name: "big", value: String(repeating: "x", count: 4093)), .init(name: "small", value: "v")])
        #expect(Set(JaegerPropagator().inject(context).keys) == ["uberctx-small"], "big=<4093 bytes> is 4097 bytes")

        context.baggage = Baggage((0..<10).map { .init(name: "k\($0)", value: String(repeating: "x", count: 1000)) })
        let headers = JaegerPropagator().inject(context)
        #expect(headers.count == 8, "eight members of 1003 bytes and their commas fit in 8192 bytes, a ninth does not")
        #expect(headers.reduce(0) { $0 + $1.key.utf8.count - 8 + 1 + $1.value.utf8.count } + headers.count - 1 <= 8192)
        #expect(JaegerPropagator().inject(context).keys.sorted() == (0..<8).map { "uberctx-k\($0)" }.sorted(), "the first ones are kept")
    }

    @Test("Jaeger extracts at most 180 baggage members, none over 4096 bytes, 8192 bytes in all")
    func jaegerExtractBounds() throws {
        var many: HeaderFields = (0..<300).map { ("uberctx-k\($0)", "v") }
        #expect(JaegerPropagator().extract(fields: many).baggage?.entries.count == 180)
        #expect(JaegerPropagator().extract(fields: many).baggage?.entries.last?.name == "k179", "in carrier order")

        many = [("uberctx-big", String(repeating: "x", count: 4093)), ("uberctx-small", "v")]
        #expect(JaegerPropagator().extract(fields: many).baggage?.entries.map(\.name) == ["small"])

        many = (0..<10).map { ("uberctx-k\($0)", String(repeating: "x", count: 1000)) }
        #expect(JaegerPropagator().extract(fields: many).baggage?.entries.count == 8)
    }
}

extension ServiceContext {
    /// This context with `spanContext` as its span context.
    func with(_ spanContext: SpanContext) -> ServiceContext {
        var context = self
        context.spanContext = spanContext
        return context
    }
}
