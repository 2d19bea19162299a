import Telemetry
import Testing
import Tracing

@Suite("W3C Trace Context")
struct TraceContextTests {
    let propagator = W3CTraceContextPropagator()
    let valid = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"

    @Test("a valid traceparent and tracestate become a remote span context")
    func extractValid() throws {
        let context = propagator.extract(["traceparent": valid, "tracestate": "rojo=00f067aa0ba902b7, congo=t61rcWkgMzE"])
        let spanContext = try #require(context.spanContext)
        #expect(spanContext.traceID.hexString == "0af7651916cd43dd8448eb211c80319c")
        #expect(spanContext.spanID.hexString == "b7ad6b7169203331")
        #expect(spanContext.isSampled)
        #expect(spanContext.isRemote)
        #expect(spanContext.traceState.header == "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")
    }

    @Test("malformed traceparent values are ignored", arguments: [
        "",
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331",
        "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01",
        "00-00000000000000000000000000000000-b7ad6b7169203331-01",
        "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",
        "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra",
        "0-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "00_0af7651916cd43dd8448eb211c80319c_b7ad6b7169203331_01",
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0g",
        "cc-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01x",
    ])
    func extractInvalid(header: String) {
        #expect(propagator.extract(["traceparent": header]).spanContext == nil)
    }

    @Test("a future version is read by its first four fields")
    func futureVersion() {
        let context = propagator.extract(["traceparent": "cc-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-what-the-future"])
        #expect(context.spanContext?.spanID.hexString == "b7ad6b7169203331")
    }

    @Test("an invalid tracestate is dropped while the traceparent is kept")
    func invalidTraceState() {
        for state in ["Upper=1", "a", "=1", "@a=1", "a=1=2", "a=,b=1", String(repeating: "k=v,", count: 1) + (0..<32).map { "k\($0)=v" }.joined(separator: ",")] {
            let context = propagator.extract(["traceparent": valid, "tracestate": state])
            #expect(context.spanContext?.isValid == true)
            #expect(context.spanContext?.traceState.isEmpty == true, "\(state)")
        }
    }

    @Test("tracestate keys and values follow the grammar, and 32 members are allowed")
    func traceStateGrammar() throws {
        let thirtyTwo = (0..<32).map { "k\($0)=v" }.joined(separator: ",")
        #expect(TraceState(header: thirtyTwo)?.entries.count == 32)
        #expect(TraceState(header: "tenant@system=v, 1tenant@vendor=x ,,a_-*/=b") != nil)
        #expect(TraceState(header: "a@1system=v") != nil, "Level 2 makes @ an ordinary key character")
        #expect(TraceState(header: "a=va lue") != nil)
        #expect(TraceState(header: "a=value ") != nil, "trailing white space is optional white space")
        #expect(TraceState(header: "a=val,ue") == nil)
        var state = try #require(TraceState(header: "a=1,b=2"))
        state.setValue("3", forKey: "b")
        #expect(state.header == "b=3,a=1")
        let accepted = state.setValue("x", forKey: "Bad")
        #expect(!accepted)
        state.removeValue(forKey: "a")
        #expect(state.header == "b=3")
    }

    @Test("inject writes version 00 with the flags, and tracestate only when present")
    func inject() {
        var state = TraceState()
        state.setValue("00f067aa0ba902b7", forKey: "rojo")
        var context = ServiceContext.topLevel
        context.spanContext = SpanContext(
            traceID: TraceID(high: 0x0AF7_6519_16CD_43DD, low: 0x8448_EB21_1C80_319C),
            spanID: SpanID(0xB7AD_6B71_6920_3331),
            traceFlags: .sampled,
            traceState: state
        )
        let headers = propagator.inject(context)
        #expect(headers == ["traceparent": valid, "tracestate": "rojo=00f067aa0ba902b7"])
        #expect(propagator.inject(ServiceContext.topLevel).isEmpty)
    }

    @Test("the tracer's inject and extract go through the configured propagators and round-trip")
    func tracerRoundTrip() throws {
        let (provider, _) = makeProvider()
        let span = provider.startSpan("client", ofKind: .client)
        var headers: [String: String] = [:]
        provider.inject(span.context, into: &headers, using: DictionaryInjector())
        var extracted = ServiceContext.topLevel
        provider.extract(headers, into: &extracted, using: DictionaryExtractor())
        let remote = try #require(extracted.spanContext)
        #expect(remote.traceID == span.spanContext.traceID)
        #expect(remote.spanID == span.spanContext.spanID)
        #expect(remote.isRemote)
        let server = provider.startSpan("server", context: extracted, ofKind: .server)
        #expect(server.spanContext.traceID == span.spanContext.traceID)
        #expect(server.recordingSpan?.parentSpanID == span.spanContext.spanID)
        #expect(server.recordingSpan?.parentIsRemote == true)
        server.end()
        span.end()
    }
}
