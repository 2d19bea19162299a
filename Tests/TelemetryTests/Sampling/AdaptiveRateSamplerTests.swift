import Telemetry
import TelemetryTesting
import Testing
import Tracing

@Suite("Adaptive rate sampler")
struct AdaptiveRateSamplerTests {
    @Test("a busy key is brought to its target while a rare key keeps every trace, and thresholds let backends count both")
    func perKeyTargets() throws {
        let clock = TestClock()
        let sampler = try AdaptiveRateSampler(tracesPerSecond: 2, adjustmentInterval: .seconds(1), clock: clock)
        let seed: UInt64 = 0xADA9_7173
        var random = SeededGenerator(seed: seed)
        var sampled = ["GET /busy": 0, "GET /rare": 0]
        var seen = ["GET /busy": 0, "GET /rare": 0]
        var estimated = ["GET /busy": 0.0, "GET /rare": 0.0]
        var thresholdsAgree = true
        // 30 seconds: 1,000 busy roots per second, a rare one every 2 seconds.
        for millisecond in 0..<30_000 {
            var names = ["GET /busy"]
            if millisecond % 2_000 == 1_000 { names.append("GET /rare") }
            for name in names {
                let traceID = TraceID(high: random.next(), low: random.next())
                let result = sampler.shouldSample(SamplingParameters(traceID: traceID, name: name))
                // Measure after a 5-second warm-up.
                guard millisecond >= 5_000 else { continue }
                seen[name, default: 0] += 1
                guard result.decision == .recordAndSample else { continue }
                sampled[name, default: 0] += 1
                let recorded = result.traceState.value(forKey: "ot").flatMap { SamplingThreshold(encoded: $0.dropFirst(3)) }
                guard let recorded, recorded.shouldSample(randomness: traceID.low & 0xFF_FFFF_FFFF_FFFF) else {
                    thresholdsAgree = false
                    continue
                }
                // What a backend does with the threshold: count each sampled trace as the traces it stands for.
                estimated[name, default: 0] += recorded.adjustedCount
            }
            clock.advance(by: .milliseconds(1))
        }
        let busy = try #require(sampled["GET /busy"])
        #expect((35...70).contains(busy), "seed \(seed): \(busy) busy traces in 25 s, target 50")
        #expect(sampled["GET /rare"] == seen["GET /rare"], "seed \(seed): every rare trace is kept")
        #expect(thresholdsAgree, "each sampled root carries a threshold its randomness passes")
        let busyEstimate = try #require(estimated["GET /busy"])
        let busySeen = Double(try #require(seen["GET /busy"]))
        #expect(abs(busyEstimate - busySeen) < 0.4 * busySeen, "seed \(seed): \(busyEstimate) estimated of \(busySeen)")
        #expect(estimated["GET /rare"] == Double(try #require(seen["GET /rare"])), "th:0 counts each rare trace once")
        let probability = try #require(sampler.probability(forKey: "GET /busy"))
        #expect(probability > 0.001 && probability < 0.004, "about 2 of 1,000 per second: \(probability)")
        #expect(sampler.probability(forKey: "GET /rare") == 1)
    }

    @Test("a new key is sampled fully until it floods, and a flood is cut back within its first window")
    func flood() throws {
        let clock = TestClock()
        let sampler = try AdaptiveRateSampler(tracesPerSecond: 2, adjustmentInterval: .seconds(1), clock: clock)
        var random = SeededGenerator(seed: 42)
        var sampled = 0
        // 10,000 roots in a tenth of a second, all of one new key.
        for _ in 0..<10_000 {
            let parameters = SamplingParameters(traceID: TraceID(high: random.next(), low: random.next()), name: "flood")
            if sampler.shouldSample(parameters).decision == .recordAndSample { sampled += 1 }
            clock.advance(by: .microseconds(10))
        }
        #expect(sampled >= 2, "the first roots of a new key are sampled")
        #expect(sampled <= 10, "\(sampled) sampled; the window's share is 2")
        let probability = try #require(sampler.probability(forKey: "flood"))
        #expect(probability < 0.01)
    }

    @Test("keys are bounded: beyond the limit they share the overflow key, and idle keys give their slot back")
    func boundedKeys() throws {
        let clock = TestClock()
        let sampler = try AdaptiveRateSampler(tracesPerSecond: 1, adjustmentInterval: .seconds(1), maxKeys: 3, clock: clock)
        for name in ["a", "b", "c", "d", "a"] {
            _ = sampler.shouldSample(SamplingParameters(traceID: TraceID(high: 1, low: 1), name: name))
        }
        #expect(sampler.trackedKeys == ["a", "b", AdaptiveRateSampler.overflowKey])
        #expect(sampler.probability(forKey: "c") == nil)
        // "a" stays busy; "b" falls silent for 10 windows and gives its slot to "c".
        for _ in 0..<11 {
            clock.advance(by: .seconds(1))
            _ = sampler.shouldSample(SamplingParameters(traceID: TraceID(high: 1, low: 1), name: "a"))
        }
        #expect(!sampler.trackedKeys.contains("b"))
        _ = sampler.shouldSample(SamplingParameters(traceID: TraceID(high: 1, low: 1), name: "c"))
        #expect(sampler.trackedKeys.contains("c"))
        #expect(sampler.trackedKeys.count <= 3)
    }

    @Test("the key closure chooses what is rated together")
    func customKey() throws {
        let clock = TestClock()
        let sampler = try AdaptiveRateSampler(tracesPerSecond: 1, clock: clock) { "\($0.kind)" }
        _ = sampler.shouldSample(SamplingParameters(traceID: TraceID(high: 1, low: 1), name: "x", kind: .server))
        _ = sampler.shouldSample(SamplingParameters(traceID: TraceID(high: 1, low: 1), name: "y", kind: .server))
        #expect(sampler.trackedKeys == ["server"])
    }

    @Test("children follow their parent and its threshold")
    func children() throws {
        let sampler = try AdaptiveRateSampler(tracesPerSecond: 1, clock: TestClock())
        let id = TraceID(high: 1, low: 0x00C0_0000_0000_0000)
        var state = TraceState()
        state.setValue("th:8", forKey: "ot")
        let sampled = SpanContext(traceID: id, spanID: SpanID(2), traceFlags: [.sampled, .random], traceState: state, isRemote: true)
        let child = sampler.shouldSample(SamplingParameters(parentSpanContext: sampled, traceID: id, name: "child"))
        #expect(child.decision == .recordAndSample && child.traceState.header == "ot=th:8")
        let unsampled = SpanContext(traceID: id, spanID: SpanID(2), traceFlags: .random, isRemote: true)
        #expect(sampler.shouldSample(SamplingParameters(parentSpanContext: unsampled, traceID: id, name: "child")).decision == .drop)
        #expect(sampler.trackedKeys.isEmpty, "children are not rated")
    }

    @Test("out-of-range settings are refused")
    func invalid() {
        #expect(throws: TelemetryConfigurationError.self) { try AdaptiveRateSampler(tracesPerSecond: 0) }
        #expect(throws: TelemetryConfigurationError.self) { try AdaptiveRateSampler(tracesPerSecond: 1, adjustmentInterval: .zero) }
        #expect(throws: TelemetryConfigurationError.self) { try AdaptiveRateSampler(tracesPerSecond: 1, maxKeys: 1) }
        #expect(throws: TelemetryConfigurationError.self) { try AdaptiveRateSampler(tracesPerSecond: 1, precision: 0) }
    }
}

@Suite("Adaptive rate sampler: idle keys and roots")
struct AdaptiveRateSamplerIdleTests {
    @Test("idleness is counted in windows elapsed: a key silent for an hour is evicted at the next root of any key")
    func idleByElapsedTime() throws {
        let clock = TestClock()
        let sampler = try AdaptiveRateSampler(tracesPerSecond: 1, adjustmentInterval: .seconds(1), maxKeys: 3, clock: clock)
        func root(_ name: String) {
            _ = sampler.shouldSample(SamplingParameters(traceID: TraceID(high: 1, low: 1), name: name))
        }
        root("a")
        root("b")
        clock.advance(by: .seconds(5))
        root("b")
        #expect(sampler.trackedKeys.contains("a"), "4 idle windows are fewer than 10")
        clock.advance(by: .seconds(3600))
        // One root after an hour closes 3,600 windows at once; before, it counted as one and "a" stayed.
        root("b")
        #expect(sampler.trackedKeys == ["b"])
    }

    @Test("a root is a span without a valid parent: an invalid parent's trace state is not read, a dropped root carries none")
    func rootsIgnoreInvalidParents() throws {
        var state = TraceState()
        state.setValue("1", forKey: "rojo")
        state.setValue("rv:ffffffffffffff;th:0", forKey: "ot")
        let invalid = SpanContext(
            traceID: TraceID(high: 0, low: 0), spanID: SpanID(0), traceFlags: [.sampled, .random], traceState: state)
        func parameters(randomness: UInt64, name: String = "op") -> SamplingParameters {
            SamplingParameters(parentSpanContext: invalid, traceID: TraceID(high: 1, low: randomness), name: name)
        }

        let probability = try ProbabilitySampler(probability: 0.5)
        let dropped = probability.shouldSample(parameters(randomness: 1))
        #expect(dropped.decision == .drop, "the invalid parent's rv does not decide")
        #expect(dropped.traceState.isEmpty)
        let sampled = probability.shouldSample(parameters(randomness: 0xFF_FFFF_FFFF_FFFF))
        #expect(sampled.decision == .recordAndSample && sampled.traceState.header == "ot=th:8")

        let adaptive = try AdaptiveRateSampler(tracesPerSecond: 1, adjustmentInterval: .seconds(1), clock: TestClock())
        let first = adaptive.shouldSample(parameters(randomness: 0xFF_FFFF_FFFF_FFFF))
        #expect(first.decision == .recordAndSample && first.traceState.header == "ot=th:0", "a new key keeps everything")
        // The first sampled root used up the window's share at once: the key's probability drops well below 1.
        let second = adaptive.shouldSample(parameters(randomness: 0))
        #expect(second.decision == .drop)
        #expect(second.traceState.isEmpty, "as ProbabilitySampler's dropped roots")
    }
}
