import Telemetry
import TelemetryTesting
import Testing
import Tracing

/// Cross-checks against the OpenTelemetry Python SDK, an implementation nobody here wrote.
@Suite("Against the OpenTelemetry Python SDK", .serialized)
struct PythonPeerTests {

    @Test("TraceIDRatioBased decides as Python's TraceIdRatioBased on 10,000 ids for several ratios")
    func ratioSampler() throws {
        var random = SeededGenerator(seed: 42)
        var ids = (0..<10_000).map { _ in TraceID(high: random.next(), low: random.next()) }
        // Ids at the exact bounds are where rounding differences would show.
        ids += [TraceID(high: 1, low: 0), TraceID(high: 1, low: .max), TraceID(high: 1, low: 1 << 63), TraceID(high: 1, low: 1 << 63 - 1)]
        let ratios = [0.0, 0.0001, 0.1, 0.25, 0.3333333333333333, 0.5, 0.9, 0.999999, 1.0]
        let answer = try PythonPeer.call(["mode": "ratio", "ratios": ratios, "trace_ids": ids.map(\.hexString)])
        let decisions = try #require(answer["decisions"] as? [[Bool]])
        for (ratioIndex, ratio) in ratios.enumerated() {
            let sampler = try #require(TraceIDRatioBasedSampler(ratio: ratio))
            var mismatches = 0
            for (index, id) in ids.enumerated() {
                let ours = sampler.shouldSample(SamplingParameters(traceID: id, name: "span")).decision == .recordAndSample
                if ours != decisions[ratioIndex][index] { mismatches += 1 }
            }
            #expect(mismatches == 0, "ratio \(ratio)")
        }
    }

    struct Case {
        var spanContext: SpanContext?
        var baggage: [String: String]

        var json: [String: Any] {
            var result: [String: Any] = [:]
            if let spanContext {
                result["trace_id"] = spanContext.traceID.hexString
                result["span_id"] = spanContext.spanID.hexString
                result["sampled"] = spanContext.isSampled
                result["tracestate"] = spanContext.traceState.header
            }
            if !baggage.isEmpty { result["baggage"] = baggage }
            return result
        }

        var context: ServiceContext {
            var context = ServiceContext.topLevel
            context.spanContext = spanContext
            if !baggage.isEmpty { context.baggage = Baggage(baggage.sorted { $0.key < $1.key }.map { .init(name: $0.key, value: $0.value) }) }
            return context
        }
    }

    static func cases(count: Int, traceState: Bool, baggage: Bool, sixtyFourBitIDs: Bool = false) -> [Case] {
        var random = SeededGenerator(seed: 7)
        let valueAlphabet = Array("abcXYZ019-_.~!*'()/:é€😀%&=,;\"")
        return (0..<count).map { index in
            let traceID = TraceID(high: sixtyFourBitIDs && index % 2 == 0 ? 0 : random.next() | 1, low: random.next() | 1)
            var state = TraceState()
            if traceState {
                for member in 0..<Int(random.next() % 4) {
                    state.setValue("v\(random.next() % 1000)", forKey: member % 2 == 0 ? "vendor\(member)" : "t\(member)@sys")
                }
            }
            var entries: [String: String] = [:]
            if baggage {
                for member in 0..<Int(random.next() % 4) {
                    entries["key\(member)"] = String((0..<Int(1 + random.next() % 12)).map { _ in valueAlphabet[Int(random.next() % UInt64(valueAlphabet.count))] })
                }
            }
            let spanContext = SpanContext(
                traceID: traceID,
                spanID: SpanID(random.next() | 1),
                traceFlags: random.next() % 2 == 0 ? .sampled : [],
                traceState: state
            )
            return Case(spanContext: spanContext, baggage: entries)
        }
    }

    func check(_ propagator: any TextMapPropagator, name: String, cases: [Case], compareTraceState: Bool, compareBaggage: Bool, compareContext: Bool = true) throws {
        // Ours injects, Python extracts.
        let carriers = cases.map { propagator.inject($0.context) }
        let extracted = try #require(try PythonPeer.call(["mode": "extract", "propagator": name, "carriers": carriers])["contexts"] as? [Any])
        #expect(extracted.count == cases.count)
        for (expected, answer) in zip(cases, extracted) {
            let python = answer as? [String: Any]
            if compareContext, let spanContext = expected.spanContext {
                #expect(python?["trace_id"] as? String == spanContext.traceID.hexString, "\(name)")
                #expect(python?["span_id"] as? String == spanContext.spanID.hexString, "\(name)")
                #expect(python?["sampled"] as? Bool == spanContext.isSampled, "\(name)")
                if compareTraceState { #expect(python?["tracestate"] as? String == spanContext.traceState.header) }
            }
            if compareBaggage { #expect((python?["baggage"] as? [String: String] ?? [:]) == expected.baggage, "\(name)") }
        }
        // Python injects, ours extracts.
        let injected = try #require(try PythonPeer.call(["mode": "inject", "propagator": name, "contexts": cases.map(\.json)])["carriers"] as? [[String: String]])
        #expect(injected.count == cases.count)
        for (expected, carrier) in zip(cases, injected) {
            let context = propagator.extract(carrier)
            if compareContext, let spanContext = expected.spanContext {
                #expect(context.spanContext?.traceID == spanContext.traceID, "\(name) \(carrier)")
                #expect(context.spanContext?.spanID == spanContext.spanID, "\(name) \(carrier)")
                #expect(context.spanContext?.isSampled == spanContext.isSampled, "\(name) \(carrier)")
                #expect(context.spanContext?.isRemote == true)
                if compareTraceState { #expect(context.spanContext?.traceState == spanContext.traceState, "\(carrier)") }
            }
            if compareBaggage {
                var ours: [String: String] = [:]
                for entry in context.baggage?.entries ?? [] { ours[entry.name] = entry.value }
                #expect(ours == expected.baggage, "\(name) \(carrier)")
            }
        }
    }

    @Test("W3C traceparent and tracestate, both directions")
    func traceContext() throws {
        try check(W3CTraceContextPropagator(), name: "tracecontext", cases: Self.cases(count: 500, traceState: true, baggage: false), compareTraceState: true, compareBaggage: false)
    }

    @Test("W3C baggage with values that need percent-encoding, both directions")
    func baggage() throws {
        // Python decodes '+' as a space (it uses unquote_plus) and strips spaces; values without them are the common ground.
        var cases = Self.cases(count: 500, traceState: false, baggage: true)
        for index in cases.indices { cases[index].spanContext = nil }
        try check(W3CBaggagePropagator(), name: "baggage", cases: cases, compareTraceState: false, compareBaggage: true, compareContext: false)
    }

    @Test("B3 single header and multiple headers, both directions, with 64-bit ids")
    func b3() throws {
        let cases = Self.cases(count: 300, traceState: false, baggage: false, sixtyFourBitIDs: true)
        try check(B3Propagator(encoding: .singleHeader), name: "b3", cases: cases, compareTraceState: false, compareBaggage: false)
        try check(B3Propagator(encoding: .multipleHeaders), name: "b3multi", cases: cases, compareTraceState: false, compareBaggage: false)
    }

    @Test("Jaeger uber-trace-id and uberctx- baggage, both directions")
    func jaeger() throws {
        try check(JaegerPropagator(), name: "jaeger", cases: Self.cases(count: 300, traceState: false, baggage: true), compareTraceState: false, compareBaggage: true)
    }
}
