import Telemetry
import Testing
import Tracing

@Suite("Baggage, B3, Jaeger and composite propagation")
struct BaggageAndOtherFormatsTests {
    @Test("baggage round-trips with percent-encoding and metadata")
    func baggageRoundTrip() throws {
        var context = ServiceContext.topLevel
        var baggage = Baggage()
        baggage["user.id"] = "42"
        baggage["note"] = "a b,c;d=é+%"
        baggage.setValue("v", forName: "with-meta", metadata: "prop=1")
        context.baggage = baggage
        let headers = W3CBaggagePropagator().inject(context)
        let header = try #require(headers["baggage"])
        #expect(!header.contains(" "))
        let extracted = try #require(W3CBaggagePropagator().extract(headers).baggage)
        #expect(extracted == baggage)
    }

    @Test("baggage skips malformed members and honours the limits")
    func baggageLimits() throws {
        let extracted = W3CBaggagePropagator().extract(["baggage": "good=1, bad member=2,=3,also-good = %41%42 ;p, broken=%G1"])
        #expect(extracted.baggage?.entries.map(\.name) == ["good", "also-good"])
        #expect(extracted.baggage?["also-good"] == "AB")
        let tooLong = String(repeating: "k=v,", count: 2100)
        #expect(W3CBaggagePropagator().extract(["baggage": tooLong]).baggage == nil)
        let many = (0..<300).map { "k\($0)=v" }.joined(separator: ",")
        #expect(W3CBaggagePropagator().extract(["baggage": many]).baggage?.entries.count == 180)
    }

    @Test("B3 single header: inject, extract, 64-bit ids, debug and deny")
    func b3Single() throws {
        let propagator = B3Propagator()
        var context = ServiceContext.topLevel
        let spanContext = SpanContext(traceID: TraceID(high: 1, low: 2), spanID: SpanID(3), traceFlags: .sampled)
        context.spanContext = spanContext
        let headers = propagator.inject(context)
        #expect(headers == ["b3": "00000000000000010000000000000002-0000000000000003-1"])
        let extracted = try #require(propagator.extract(headers).spanContext)
        #expect(extracted.traceID == spanContext.traceID && extracted.spanID == spanContext.spanID && extracted.isSampled)
        let short = try #require(propagator.extract(["b3": "a3ce929d0e0e4736-00f067aa0ba902b7-d"]).spanContext)
        #expect(short.traceID == TraceID(high: 0, low: 0xA3CE_929D_0E0E_4736))
        #expect(short.isSampled)
        #expect(propagator.extract(["b3": "0"]).spanContext == nil)
        #expect(propagator.extract(["b3": "a3ce929d0e0e4736-00f067aa0ba902b7-x"]).spanContext == nil)
    }

    @Test("B3 multiple headers: inject and extract")
    func b3Multi() throws {
        let propagator = B3Propagator(encoding: .multipleHeaders)
        var context = ServiceContext.topLevel
        context.spanContext = SpanContext(traceID: TraceID(high: 1, low: 2), spanID: SpanID(3))
        let headers = propagator.inject(context)
        #expect(headers["x-b3-traceid"] == "00000000000000010000000000000002")
        #expect(headers["x-b3-spanid"] == "0000000000000003")
        #expect(headers["x-b3-sampled"] == "0")
        let extracted = try #require(propagator.extract([
            "X-B3-TraceId": "463ac35c9f6413ad48485a3953bb6124", "X-B3-SpanId": "a2fb4a1d1a96d312", "X-B3-Flags": "1",
        ]).spanContext)
        #expect(extracted.isSampled)
        #expect(extracted.spanID == SpanID(0xA2FB_4A1D_1A96_D312))
    }

    @Test("Jaeger: uber-trace-id and uberctx- baggage, URL-encoded or not")
    func jaeger() throws {
        let propagator = JaegerPropagator()
        var context = ServiceContext.topLevel
        context.spanContext = SpanContext(traceID: TraceID(high: 1, low: 2), spanID: SpanID(3), traceFlags: .sampled)
        context.baggage = Baggage([.init(name: "tenant", value: "a b")])
        let headers = propagator.inject(context)
        #expect(headers["uber-trace-id"] == "00000000000000010000000000000002:0000000000000003:0:01")
        #expect(headers["uberctx-tenant"] == "a%20b")
        let extracted = propagator.extract(headers)
        #expect(extracted.spanContext?.traceID == TraceID(high: 1, low: 2))
        #expect(extracted.baggage?["tenant"] == "a b")
        let encoded = propagator.extract(["uber-trace-id": "abc%3A1%3A0%3A3"])
        #expect(encoded.spanContext?.traceID == TraceID(high: 0, low: 0xABC))
        #expect(encoded.spanContext?.isSampled == true)
        #expect(propagator.extract(["uber-trace-id": "abc:1:0"]).spanContext == nil)
        #expect(propagator.extract(["uber-trace-id": "0:1:0:1"]).spanContext == nil)
    }

    @Test("a composite propagator injects every format and extracts in order")
    func composite() {
        let propagator = CompositePropagator([W3CTraceContextPropagator(), W3CBaggagePropagator(), B3Propagator()])
        var context = ServiceContext.topLevel
        context.spanContext = SpanContext(traceID: TraceID(high: 1, low: 2), spanID: SpanID(3), traceFlags: .sampled)
        context.baggage = Baggage([.init(name: "k", value: "v")])
        let headers = propagator.inject(context)
        #expect(Set(headers.keys) == ["traceparent", "baggage", "b3"])
        #expect(propagator.fields == ["traceparent", "tracestate", "baggage", "b3"])
        let extracted = propagator.extract(headers)
        #expect(extracted.spanContext?.spanID == SpanID(3))
        #expect(extracted.baggage?["k"] == "v")
    }
}
