import Telemetry
import TelemetryTesting
import Testing
import Tracing

/// Answers with a fixed decision and remembers that it was asked, to see which delegate ParentBased chose.
struct MarkerSampler: Sampler {
    let name: String
    func shouldSample(_ parameters: SamplingParameters) -> SamplingResult {
        SamplingResult(decision: .recordAndSample, attributes: ["sampler": .string(name)], traceState: parameters.parentTraceState)
    }
    var description: String { name }
}

@Suite("Samplers")
struct SamplerTests {
    let traceID = TraceID(high: 1, low: 2)

    @Test("AlwaysOn and AlwaysOff decide and keep the parent's trace state")
    func fixed() {
        var state = TraceState()
        state.setValue("v", forKey: "k")
        let parent = SpanContext(traceID: traceID, spanID: SpanID(1), traceFlags: .sampled, traceState: state)
        let parameters = SamplingParameters(parentSpanContext: parent, traceID: traceID, name: "op")
        #expect(AlwaysOnSampler().shouldSample(parameters).decision == .recordAndSample)
        #expect(AlwaysOnSampler().shouldSample(parameters).traceState == state)
        #expect(AlwaysOffSampler().shouldSample(parameters).decision == .drop)
        #expect(AlwaysOffSampler().shouldSample(parameters).traceState == state)
        #expect(AlwaysOnSampler().description == "AlwaysOnSampler")
    }

    @Test("TraceIDRatioBased rejects ratios outside 0...1 and decides on the low 64 bits")
    func ratio() throws {
        #expect(TraceIDRatioBasedSampler(ratio: -0.1) == nil)
        #expect(TraceIDRatioBasedSampler(ratio: 1.1) == nil)
        #expect(TraceIDRatioBasedSampler(ratio: .nan) == nil)
        let half = try #require(TraceIDRatioBasedSampler(ratio: 0.5))
        func decide(_ sampler: Sampler, low: UInt64, high: UInt64 = 0) -> SamplingDecision {
            sampler.shouldSample(SamplingParameters(traceID: TraceID(high: high, low: low), name: "op")).decision
        }
        #expect(decide(half, low: 1 << 63 - 1) == .recordAndSample)
        #expect(decide(half, low: 1 << 63) == .drop)
        #expect(decide(half, low: 5, high: .max) == .recordAndSample, "the high bits do not matter")
        let none = try #require(TraceIDRatioBasedSampler(ratio: 0))
        #expect(decide(none, low: 0) == .drop)
        let all = try #require(TraceIDRatioBasedSampler(ratio: 1))
        #expect(decide(all, low: .max) == .recordAndSample)
        #expect(half.description == "TraceIdRatioBased{0.5}")
    }

    @Test("TraceIDRatioBased samples close to its ratio")
    func ratioDistribution() throws {
        let sampler = try #require(TraceIDRatioBasedSampler(ratio: 0.25))
        let seed: UInt64 = 0x5A4D_91E5
        var random = SeededGenerator(seed: seed)
        var sampled = 0
        for _ in 0..<40_000 {
            let traceID = TraceID(high: random.next(), low: random.next())
            let result = sampler.shouldSample(SamplingParameters(traceID: traceID, name: "op"))
            if result.decision == .recordAndSample { sampled += 1 }
        }
        #expect((9_000...11_000).contains(sampled), "seed \(seed): \(sampled) of 40,000 sampled")
    }

    @Test("ParentBased picks one of five delegates", arguments: [
        (nil as Bool?, nil as Bool?, "root"),
        (true, true, "remoteSampled"),
        (true, false, "remoteNotSampled"),
        (false, true, "localSampled"),
        (false, false, "localNotSampled"),
    ])
    func parentBased(isRemote: Bool?, isSampled: Bool?, expected: String) {
        let sampler = ParentBasedSampler(
            root: MarkerSampler(name: "root"),
            remoteParentSampled: MarkerSampler(name: "remoteSampled"),
            remoteParentNotSampled: MarkerSampler(name: "remoteNotSampled"),
            localParentSampled: MarkerSampler(name: "localSampled"),
            localParentNotSampled: MarkerSampler(name: "localNotSampled")
        )
        var parent: SpanContext?
        if let isRemote, let isSampled {
            parent = SpanContext(traceID: traceID, spanID: SpanID(9), traceFlags: isSampled ? .sampled : [], isRemote: isRemote)
        }
        let result = sampler.shouldSample(SamplingParameters(parentSpanContext: parent, traceID: traceID, name: "op"))
        #expect(result.attributes.get("sampler") == .string(expected))
    }

    @Test("ParentBased's defaults follow the parent")
    func parentBasedDefaults() {
        let sampler = ParentBasedSampler(root: AlwaysOffSampler())
        func decide(_ parent: SpanContext?) -> SamplingDecision {
            sampler.shouldSample(SamplingParameters(parentSpanContext: parent, traceID: traceID, name: "op")).decision
        }
        #expect(decide(nil) == .drop)
        #expect(decide(SpanContext(traceID: traceID, spanID: SpanID(1), traceFlags: .sampled, isRemote: true)) == .recordAndSample)
        #expect(decide(SpanContext(traceID: traceID, spanID: SpanID(1), isRemote: true)) == .drop)
        #expect(decide(SpanContext(traceID: traceID, spanID: SpanID(1), traceFlags: .sampled)) == .recordAndSample)
        #expect(decide(SpanContext(traceID: traceID, spanID: SpanID(1))) == .drop)
        #expect(sampler.description.hasPrefix("ParentBased{root:AlwaysOffSampler,"))
    }

    @Test("the sampler sees name, kind, attributes and links, and its attributes reach the span")
    func samplerInputs() throws {
        struct Inspecting: Sampler {
            func shouldSample(_ parameters: SamplingParameters) -> SamplingResult {
                let keep = parameters.kind == .server && parameters.attributes.get("keep") == .bool(true)
                    && parameters.links.count == 1 && parameters.name == "op"
                return SamplingResult(decision: keep ? .recordAndSample : .drop, attributes: ["sampled.by": "inspecting"])
            }
            var description: String { "Inspecting" }
        }
        let (provider, processor) = makeProvider(sampler: Inspecting())
        let tracer = provider.tracer(name: "t")
        let link = SpanData.Link(spanContext: SpanContext(traceID: traceID, spanID: SpanID(1)))
        tracer.startSpan("op", kind: .server, attributes: ["keep": true], links: [link]).end()
        tracer.startSpan("op", kind: .server, attributes: ["keep": false], links: [link]).end()
        #expect(processor.ended.count == 1)
        #expect(processor.ended.first?.attributes.get("sampled.by") == .string("inspecting"))
    }

    @Test("an unsampled span is non-recording, reaches no processor, and still propagates its context")
    func unsampled() throws {
        let (provider, processor) = makeProvider(sampler: AlwaysOffSampler())
        let span = provider.startSpan("op")
        #expect(!span.isRecording)
        #expect(span.recordingSpan == nil)
        span.attributes["ignored"] = 1
        span.addEvent("ignored")
        span.end()
        #expect(processor.started.isEmpty && processor.ended.isEmpty)
        let headers = W3CTraceContextPropagator().inject(span.context)
        let traceparent = try #require(headers["traceparent"])
        // Not sampled, and the default generator's trace id is random (W3C Trace Context Level 2).
        #expect(traceparent == "00-\(span.spanContext.traceID.hexString)-\(span.spanContext.spanID.hexString)-02")
    }

    @Test("children of an unsampled parent are not recorded, share its trace and get their own span ids")
    func unsampledChildren() {
        let (provider, processor) = makeProvider(sampler: ParentBasedSampler(root: AlwaysOffSampler()))
        provider.withSpan("parent") { parent in
            provider.withSpan("child") { child in
                #expect(!child.isRecording)
                #expect(child.spanContext.traceID == parent.spanContext.traceID)
                #expect(child.spanContext.spanID != parent.spanContext.spanID)
                #expect(!child.spanContext.isSampled)
            }
        }
        #expect(processor.ended.isEmpty)
    }

    @Test("unsampled local traces keep distinct valid ids, and a recorded descendant keeps the trace id")
    func unsampledLocalTraces() {
        let (unsampled, _) = makeProvider(sampler: AlwaysOffSampler())
        let (sampled, processor) = makeProvider(sampler: AlwaysOnSampler())
        var traceIDs = Set<TraceID>()
        for _ in 0..<10_000 {
            let root = unsampled.startSpan("root")
            #expect(root.spanContext.isValid)
            traceIDs.insert(root.spanContext.traceID)
            root.end()
        }
        #expect(traceIDs.count == 10_000)
        unsampled.withSpan("root") { root in
            unsampled.withSpan("child") { child in
                #expect(child.spanContext.traceID == root.spanContext.traceID)
                #expect(child.spanContext.traceFlags == .random)
                sampled.withSpan("recorded grandchild") { grandchild in
                    #expect(grandchild.spanContext.traceID == root.spanContext.traceID)
                }
            }
        }
        #expect(processor.ended.first?.parentSpanID != nil)
    }

    @Test("an unsampled span takes its ids from a custom generator")
    func unsampledCustomIDs() {
        struct FixedIDs: IDGenerator {
            func newTraceID() -> TraceID { TraceID(high: 1, low: 2) }
            func newSpanID() -> SpanID { SpanID(3) }
        }
        let provider = TracerProvider(sampler: AlwaysOffSampler(), idGenerator: FixedIDs())
        provider.withSpan("root") { root in
            #expect(root.spanContext.traceID == TraceID(high: 1, low: 2))
            #expect(root.spanContext.spanID == SpanID(3))
        }
    }

    @Test("a recordOnly decision records the span without the sampled flag")
    func recordOnly() {
        struct RecordOnly: Sampler {
            func shouldSample(_ parameters: SamplingParameters) -> SamplingResult { SamplingResult(decision: .recordOnly) }
            var description: String { "RecordOnly" }
        }
        let (provider, processor) = makeProvider(sampler: RecordOnly())
        let span = provider.startSpan("op")
        #expect(span.isRecording)
        #expect(!span.spanContext.isSampled)
        span.end()
        #expect(processor.ended.count == 1)
    }
}
