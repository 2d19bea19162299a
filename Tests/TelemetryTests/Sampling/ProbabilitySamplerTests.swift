import Telemetry
import TelemetryTesting
import Testing
import Tracing

@Suite("Consistent probability sampling")
struct ProbabilitySamplerTests {
    /// A trace id whose right-most 7 bytes are `randomness`, with junk above them that must not matter.
    func traceID(randomness: UInt64) -> TraceID {
        TraceID(high: 0xDEAD_BEEF, low: 0xAB00_0000_0000_0000 | randomness)
    }

    func parent(
        _ traceID: TraceID,
        sampled: Bool,
        traceState: String = "",
        flags: TraceFlags = .random,
        remote: Bool = true
    ) throws -> SpanContext {
        var traceFlags = flags
        if sampled { traceFlags.insert(.sampled) }
        let state = try #require(TraceState(header: traceState))
        return SpanContext(traceID: traceID, spanID: SpanID(7), traceFlags: traceFlags, traceState: state, isRemote: remote)
    }

    // The specification's table of 1-in-N probabilities at precisions 3, 4 and 5
    // (tracestate-probability-sampling.md, "Converting floating-point probability to threshold value").
    static let specificationTable: [(Double, [String])] = [
        (1, ["0", "0", "0"]),
        (0.5, ["8", "8", "8"]),
        (1.0 / 3, ["aab", "aaab", "aaaab"]),
        (0.25, ["c", "c", "c"]),
        (0.2, ["ccd", "cccd", "ccccd"]),
        (0.125, ["e", "e", "e"]),
        (0.1, ["e66", "e666", "e6666"]),
        (0.0625, ["f", "f", "f"]),
        (0.01, ["fd71", "fd70a", "fd70a4"]),
        (0.001, ["ffbe7", "ffbe77", "ffbe76d"]),
        (0.0001, ["fff972", "fff9724", "fff97247"]),
        (0.00001, ["ffff584", "ffff583a", "ffff583a5"]),
        (0.000001, ["ffffef4", "ffffef39", "ffffef391"]),
    ]

    @Test("thresholds are encoded as in the specification's table, at precisions 3, 4 and 5", arguments: specificationTable)
    func specificationEncoding(probability: Double, expected: [String]) throws {
        for (precision, encoded) in zip(3...5, expected) {
            let threshold = try SamplingThreshold(probability: probability, precision: precision)
            #expect(threshold.encoded == encoded, "p = \(probability), precision \(precision)")
            #expect(SamplingThreshold(encoded: encoded) == threshold, "the encoding parses back")
        }
        #expect(try SamplingThreshold(probability: probability).encoded == expected[1], "the default precision is 4")
    }

    // Near 1 the threshold starts with 0 digits, which earn extra digits as leading f digits do near 0: the
    // Collector's pkg/sampling rule. Four digits alone would encode 0.999999 as th:0, sampling everything.
    static let nearOne: [(Double, [String])] = [
        (0.99, ["028f", "028f6", "028f5c"]),
        (0.999, ["00419", "004189", "0041893"]),
        (0.999999, ["000010c", "000010c7", "000010c6f"]),
    ]

    @Test("near probability 1, leading zeros earn digits, so the threshold keeps its precision", arguments: nearOne)
    func nearOneEncoding(probability: Double, expected: [String]) throws {
        for (precision, encoded) in zip(3...5, expected) {
            let threshold = try SamplingThreshold(probability: probability, precision: precision)
            #expect(threshold.encoded == encoded, "p = \(probability), precision \(precision)")
            #expect(abs(threshold.probability - probability) / (1 - probability) < 0.01,
                    "the rejected fraction is within 1% of 1 - p: \(threshold.probability)")
        }
    }

    @Test("the actual probabilities and adjusted counts are the specification's")
    func actualProbabilities() throws {
        let third = try SamplingThreshold(probability: 1.0 / 3)
        #expect(third.probability == 0.3333282470703125)
        #expect(abs(third.adjustedCount - 3.00004577706569) < 1e-12)
        #expect(try SamplingThreshold(probability: 0.1).probability == 0.100006103515625)
        #expect(try SamplingThreshold(probability: 0.01).probability == 0.010000228881835938)
        // "1% … with 5 digits of precision … 0xfd70a400000000"; 4 digits earn a fifth for the leading f.
        #expect(try SamplingThreshold(probability: 0.01).rawValue == 0xFD_70A0_0000_0000)
        #expect(try SamplingThreshold(probability: 0.01, precision: 5).rawValue == 0xFD_70A4_0000_0000)
        #expect(try SamplingThreshold(probability: 0.5).rawValue == 1 << 55)
        #expect(SamplingThreshold.alwaysSample.encoded == "0" && SamplingThreshold.alwaysSample.probability == 1)
    }

    @Test("precision 14 keeps the exact threshold, and the smallest probability is 2^-56")
    func exactAndExtremes() throws {
        #expect(try SamplingThreshold(probability: 1.0 / 3, precision: 14).encoded == "aaaaaaaaaaaaac")
        #expect(try SamplingThreshold(probability: 0x1p-56, precision: 14).rawValue == SamplingThreshold.maximumRawValue)
        #expect(try SamplingThreshold(probability: 0x1p-60).rawValue == SamplingThreshold.maximumRawValue,
                "below 2^-56 rounds up to the smallest probability")
        #expect(try SamplingThreshold(probability: 0x1p-56).encoded == "ffffffffffffff")
        #expect(throws: TelemetryConfigurationError.self) { try SamplingThreshold(probability: 0) }
        #expect(throws: TelemetryConfigurationError.self) { try SamplingThreshold(probability: 1.5) }
        #expect(throws: TelemetryConfigurationError.self) { try SamplingThreshold(probability: .nan) }
        #expect(throws: TelemetryConfigurationError.self) { try SamplingThreshold(probability: 0.5, precision: 15) }
        #expect(throws: TelemetryConfigurationError.self) { try ProbabilitySampler(probability: 0) }
    }

    @Test("th values parse with 1 to 14 hex digits and nothing else", arguments: [
        ("8", UInt64(1) << 55), ("0", 0), ("C", 0xC0_0000_0000_0000), ("fd70a4", 0xFD_70A4_0000_0000),
        ("ffffffffffffff", SamplingThreshold.maximumRawValue),
    ])
    func parsing(encoded: String, raw: UInt64) {
        #expect(SamplingThreshold(encoded: encoded)?.rawValue == raw)
    }

    @Test("malformed th values are rejected", arguments: ["", "123456789abcdef", "g", "8 ", "-1", "0x8"])
    func malformed(encoded: String) {
        #expect(SamplingThreshold(encoded: encoded) == nil)
    }

    @Test("a trace is sampled when its randomness is at least the threshold; bits above the 7 bytes do not count")
    func decisionRule() throws {
        let sampler = try ProbabilitySampler(probability: 0.5)
        func decide(_ randomness: UInt64) -> SamplingDecision {
            sampler.shouldSample(SamplingParameters(traceID: traceID(randomness: randomness), name: "op")).decision
        }
        #expect(decide(0x80_0000_0000_0000) == .recordAndSample)
        #expect(decide(0x7F_FFFF_FFFF_FFFF) == .drop)
        #expect(decide(0xFF_FFFF_FFFF_FFFF) == .recordAndSample)
        #expect(sampler.description == "ProbabilitySampler{0.5}")
    }

    @Test("a sampled root carries ot=th:<threshold>; a dropped one carries no trace state")
    func rootTraceState() throws {
        let sampler = try ProbabilitySampler(probability: 0.25)
        let kept = sampler.shouldSample(SamplingParameters(traceID: traceID(randomness: 0xC0_0000_0000_0000), name: "op"))
        #expect(kept.decision == .recordAndSample)
        #expect(kept.traceState.header == "ot=th:c")
        let dropped = sampler.shouldSample(SamplingParameters(traceID: traceID(randomness: 0xBF_FFFF_FFFF_FFFF), name: "op"))
        #expect(dropped.decision == .drop)
        #expect(dropped.traceState.isEmpty)
    }

    @Test("an explicit rv decides instead of the trace id, and is passed on with the other ot sub-keys and vendors")
    func explicitRandomness() throws {
        let sampler = try ProbabilitySampler(probability: 0.5)
        // The trace id alone would be dropped at 1/2; rv says keep.
        let id = traceID(randomness: 1)
        let context = try parent(id, sampled: true, traceState: "rojo=00f067aa0ba902b7,ot=rv:f0000000000000;foo:bar;th:0")
        let result = sampler.shouldSample(SamplingParameters(parentSpanContext: context, traceID: id, name: "op"))
        #expect(result.decision == .recordAndSample)
        #expect(result.traceState.header == "ot=th:8;rv:f0000000000000;foo:bar,rojo=00f067aa0ba902b7")
        // And rv can drop a trace the trace id would keep; the parent's th is erased, the rest stays.
        let keptByID = traceID(randomness: 0xFF_FFFF_FFFF_FFFF)
        let low = try parent(keptByID, sampled: true, traceState: "ot=th:0;rv:00000000000001,rojo=1")
        let dropped = sampler.shouldSample(SamplingParameters(parentSpanContext: low, traceID: keptByID, name: "op"))
        #expect(dropped.decision == .drop)
        #expect(dropped.traceState.header == "ot=rv:00000000000001,rojo=1")
    }

    @Test("a threshold that no longer fits in the ot member is erased, not left as the parent's")
    func thresholdTooLongForMember() throws {
        // ot=th:c;pad:… is exactly 256 characters, the W3C limit for a value; th:aaab is 3 longer than th:c.
        let padding = String(repeating: "x", count: 256 - "th:c;pad:".count)
        let id = traceID(randomness: 0xFF_FFFF_FFFF_FFFF)
        let context = try parent(id, sampled: true, traceState: "ot=th:c;pad:\(padding),rojo=1")
        let sampler = try ProbabilitySampler(probability: 1.0 / 3)
        let result = sampler.shouldSample(SamplingParameters(parentSpanContext: context, traceID: id, name: "op"))
        #expect(result.decision == .recordAndSample)
        #expect(result.traceState.value(forKey: "ot") == "pad:\(padding)", "no th: the decision's did not fit, the parent's is wrong")
        #expect(result.traceState.value(forKey: "rojo") == "1")
    }

    @Test("decisions are consistent: what a lower probability samples, every higher one samples too")
    func consistency() throws {
        let seed: UInt64 = 0x7E57_C0DE
        var random = SeededGenerator(seed: seed)
        let probabilities = [0.01, 0.1, 0.25, 0.5, 0.9]
        let samplers = try probabilities.map { try ProbabilitySampler(probability: $0) }
        var counts = [Int](repeating: 0, count: samplers.count)
        for _ in 0..<20_000 {
            let id = TraceID(high: random.next(), low: random.next())
            let decisions = samplers.map { $0.shouldSample(SamplingParameters(traceID: id, name: "op")).decision == .recordAndSample }
            for (index, sampled) in decisions.enumerated() where sampled { counts[index] += 1 }
            // Once sampled at some probability, sampled at every higher one.
            if let first = decisions.firstIndex(of: true) {
                #expect(decisions[first...].allSatisfy { $0 }, "seed \(seed): \(id) at \(probabilities)")
            }
        }
        for (probability, count) in zip(probabilities, counts) {
            let expected = probability * 20_000
            let tolerance = 5 * (expected * (1 - probability)).squareRoot() + 1
            #expect(abs(Double(count) - expected) <= tolerance, "seed \(seed): \(count) sampled at \(probability)")
        }
    }

    @Test("parent-based: a child follows its parent and keeps a consistent threshold")
    func parentBasedFollowsParent() throws {
        let sampler = try ProbabilitySampler.parentBased(probability: 0.01)
        let id = traceID(randomness: 0x90_0000_0000_0000)  // sampled at 1/2, not at 1/100
        func decide(_ context: SpanContext) -> SamplingResult {
            sampler.shouldSample(SamplingParameters(parentSpanContext: context, traceID: id, name: "child"))
        }
        let consistent = decide(try parent(id, sampled: true, traceState: "ot=th:8,rojo=1"))
        #expect(consistent.decision == .recordAndSample, "the parent's decision, not the root probability")
        #expect(consistent.traceState.header == "ot=th:8,rojo=1", "unchanged, so not moved")
        let inconsistent = decide(try parent(id, sampled: true, traceState: "ot=th:c,rojo=1"))
        #expect(inconsistent.decision == .recordAndSample)
        #expect(inconsistent.traceState.header == "rojo=1", "randomness below th: the threshold cannot be right")
        let noThreshold = decide(try parent(id, sampled: true, traceState: "rojo=1"))
        #expect(noThreshold.decision == .recordAndSample && noThreshold.traceState.header == "rojo=1")
        let unsampled = decide(try parent(id, sampled: false, traceState: "ot=th:8;rv:90000000000000"))
        #expect(unsampled.decision == .drop)
        #expect(unsampled.traceState.header == "ot=rv:90000000000000", "no threshold under an unsampled parent; rv stays")
        let local = decide(try parent(id, sampled: true, traceState: "ot=th:8", remote: false))
        #expect(local.decision == .recordAndSample && local.traceState.header == "ot=th:8")
        #expect(sampler.description.hasPrefix("ParentBased{root:ProbabilitySampler{0.01},remoteParentSampled:ParentThreshold"))
    }

    @Test("through a tracer, every span of a sampled trace carries the root's threshold")
    func endToEnd() throws {
        let (provider, processor) = makeProvider(sampler: try ProbabilitySampler.parentBased(probability: 1))
        provider.withSpan("root") { _ in
            provider.withSpan("child") { _ in }
        }
        let spans = processor.ended
        #expect(spans.count == 2)
        #expect(spans.allSatisfy { $0.spanContext.traceState.header == "ot=th:0" })
    }

    @Test("a child of a TraceIDRatioBased root keeps the root's decision and gets no threshold")
    func legacyRatioRoot() throws {
        let legacy = try #require(TraceIDRatioBasedSampler(ratio: 1))
        let (legacyProvider, _) = makeProvider(sampler: ParentBasedSampler(root: legacy))
        let (consistentProvider, processor) = makeProvider(sampler: try ProbabilitySampler.parentBased(probability: 0.0001))
        legacyProvider.withSpan("legacy root") { root in
            #expect(root.spanContext.traceState.isEmpty)
            let remote = W3CTraceContextPropagator().extract(W3CTraceContextPropagator().inject(root.context))
            consistentProvider.startSpan("downstream", context: remote).end()
        }
        let child = try #require(processor.ended.first)
        #expect(child.spanContext.isSampled, "the parent's decision wins over the root probability")
        #expect(child.spanContext.traceState.isEmpty, "the parent had no threshold, so its probability is unknown")
    }

    @Test("presuming randomness for a parent without the random flag warns once")
    func compatibilityWarning() throws {
        let logs = LogCapture()
        let sampler = try ProbabilitySampler(probability: 0.5, logger: logs.logger())
        let id = traceID(randomness: 5)
        _ = sampler.shouldSample(SamplingParameters(parentSpanContext: try parent(id, sampled: true, flags: .random), traceID: id, name: "op"))
        #expect(logs.warnings.isEmpty)
        _ = sampler.shouldSample(SamplingParameters(traceID: id, name: "root"))
        #expect(logs.warnings.isEmpty, "a root's trace id comes from this SDK")
        _ = sampler.shouldSample(SamplingParameters(parentSpanContext: try parent(id, sampled: true, flags: []), traceID: id, name: "op"))
        _ = sampler.shouldSample(SamplingParameters(parentSpanContext: try parent(id, sampled: true, flags: []), traceID: id, name: "op"))
        #expect(logs.warnings.count == 1)
        #expect(logs.warnings.first?.contains("random flag") == true)
        _ = sampler.shouldSample(SamplingParameters(
            parentSpanContext: try parent(id, sampled: true, traceState: "ot=rv:00000000000005", flags: []), traceID: id, name: "op"))
        #expect(logs.warnings.count == 1, "explicit randomness needs no presumption")
    }
}
