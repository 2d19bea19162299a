import Telemetry
import TelemetryTesting
import Testing
import Tracing

@Suite("Rate-limiting sampler")
struct RateLimitingSamplerTests {
    func root(_ sampler: any Sampler, _ id: UInt64 = 1) -> SamplingDecision {
        sampler.shouldSample(SamplingParameters(traceID: TraceID(high: 0, low: id), name: "root")).decision
    }

    @Test("a full bucket samples its burst, then one root per 1/rate seconds")
    func spacing() throws {
        let clock = TestClock()
        let sampler = try RateLimitingSampler(tracesPerSecond: 10, burst: 2, clock: clock)
        #expect(root(sampler) == .recordAndSample)
        #expect(root(sampler) == .recordAndSample)
        #expect(root(sampler) == .drop, "the burst is used up")
        clock.advance(by: .milliseconds(50))
        #expect(root(sampler) == .drop, "half a token has accrued")
        clock.advance(by: .milliseconds(50))
        #expect(root(sampler) == .recordAndSample)
        #expect(root(sampler) == .drop)
        clock.advance(by: .seconds(60))
        #expect(root(sampler) == .recordAndSample)
        #expect(root(sampler) == .recordAndSample)
        #expect(root(sampler) == .drop, "a long quiet spell refills only up to the burst")
        #expect(sampler.description == "RateLimitingSampler{10.0}")
    }

    @Test("under steady overload the rate holds, and no one-second window, aligned or not, sees a burst")
    func smooth() throws {
        let clock = TestClock()
        let rate = 50.0
        let sampler = try RateLimitingSampler(tracesPerSecond: rate, clock: clock)
        #expect(sampler.burst == 5, "the default burst is a tenth of a second's traces")
        // 2,000 roots per second for 10 seconds, one every half millisecond.
        var sampledAt: [Int] = []  // in half milliseconds
        for tick in 0..<20_000 {
            if root(sampler, UInt64(tick + 1)) == .recordAndSample { sampledAt.append(tick) }
            clock.advance(by: .microseconds(500))
        }
        #expect(abs(Double(sampledAt.count) - rate * 10) <= sampler.burst + 1, "\(sampledAt.count) sampled in 10 s")
        // Every window of one second (2,000 ticks), starting at any sampled root.
        var most = 0
        var start = 0
        for end in sampledAt.indices {
            while sampledAt[end] - sampledAt[start] >= 2_000 { start += 1 }
            most = max(most, end - start + 1)
        }
        #expect(Double(most) <= rate + sampler.burst, "at most \(most) in one second")
        // After the initial burst, samples are evenly spaced: one every 1/rate seconds (40 ticks).
        let gaps = zip(sampledAt.dropFirst(Int(sampler.burst)), sampledAt.dropFirst(Int(sampler.burst) + 1)).map { $1 - $0 }
        #expect(gaps.allSatisfy { (39...41).contains($0) }, "gaps \(Set(gaps))")
    }

    @Test("children follow their parent, whatever the bucket holds")
    func childrenFollowParent() throws {
        let clock = TestClock()
        let sampler = try RateLimitingSampler(tracesPerSecond: 1, burst: 1, clock: clock)
        #expect(root(sampler) == .recordAndSample)
        #expect(root(sampler) == .drop)
        let id = TraceID(high: 1, low: 1)
        var state = TraceState()
        state.setValue("th:0", forKey: "ot")
        state.setValue("v", forKey: "rojo")
        for remote in [true, false] {
            let sampled = SpanContext(traceID: id, spanID: SpanID(2), traceFlags: [.sampled, .random], traceState: state, isRemote: remote)
            let child = sampler.shouldSample(SamplingParameters(parentSpanContext: sampled, traceID: id, name: "child"))
            #expect(child.decision == .recordAndSample)
            #expect(child.traceState == state, "the parent's trace state, threshold included")
            let unsampled = SpanContext(traceID: id, spanID: SpanID(2), traceFlags: .random, isRemote: remote)
            #expect(sampler.shouldSample(SamplingParameters(parentSpanContext: unsampled, traceID: id, name: "child")).decision == .drop)
        }
        #expect(root(sampler) == .drop, "children took no tokens, and none accrued")
    }

    @Test("a rate of zero samples no root; a negative rate or a burst below one is refused")
    func limits() throws {
        let clock = TestClock()
        let none = try RateLimitingSampler(tracesPerSecond: 0, clock: clock)
        #expect(root(none) == .drop)
        clock.advance(by: .seconds(100))
        #expect(root(none) == .drop)
        #expect(throws: TelemetryConfigurationError.self) { try RateLimitingSampler(tracesPerSecond: -1) }
        #expect(throws: TelemetryConfigurationError.self) { try RateLimitingSampler(tracesPerSecond: .infinity) }
        #expect(throws: TelemetryConfigurationError.self) { try RateLimitingSampler(tracesPerSecond: 5, burst: 0.5) }
    }
}
