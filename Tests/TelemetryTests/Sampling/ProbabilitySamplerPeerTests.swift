import Foundation
import Telemetry
import TelemetryTesting
import Testing
import Tracing

/// Checks ``ProbabilitySampler`` against the OpenTelemetry Python SDK's experimental composite samplers
/// (`composable_parent_threshold` over `composable_traceid_ratio_based`), which implement the specification's
/// th/rv algorithm.
@Suite("Consistent probability sampling against the Python SDK")
struct ProbabilitySamplerPeerTests {
    struct Case {
        var traceID: TraceID
        var parent: SpanContext?
    }

    func ask(ratio: Double, _ cases: [Case]) throws -> [(sampled: Bool, traceState: String)] {
        let request: [String: Any] = [
            "ratio": ratio,
            "cases": cases.map { item -> [String: Any] in
                var entry: [String: Any] = ["trace_id": item.traceID.hexString]
                if let parent = item.parent {
                    entry["parent"] = [
                        "span_id": parent.spanID.hexString, "sampled": parent.isSampled, "random": parent.traceFlags.isRandom,
                        "remote": parent.isRemote, "tracestate": parent.traceState.header,
                    ] as [String: Any]
                } else {
                    entry["parent"] = NSNull()
                }
                return entry
            },
        ]
        let answer = try PythonPeer.call(request, script: "sampling_peer.py")
        let results = try #require(answer["results"] as? [[String: Any]])
        return try results.map { result in
            (try #require(result["sampled"] as? Bool), try #require(result["tracestate"] as? String))
        }
    }

    @Test("roots: the same decisions and the same th at full precision", arguments: [0.5, 0.25, 0.1, 1.0 / 3, 0.01, 1])
    func roots(ratio: Double) throws {
        let seed: UInt64 = 0xC0FF_EE00 &+ UInt64(ratio * 1000)
        var random = SeededGenerator(seed: seed)
        let cases = (0..<500).map { _ in Case(traceID: TraceID(high: random.next(), low: random.next())) }
        let python = try ask(ratio: ratio, cases)
        let sampler = try ProbabilitySampler(probability: ratio, precision: 14)
        var sampled = 0
        for (item, theirs) in zip(cases, python) {
            let ours = sampler.shouldSample(SamplingParameters(traceID: item.traceID, name: "span"))
            #expect((ours.decision == .recordAndSample) == theirs.sampled, "seed \(seed): \(item.traceID)")
            if theirs.sampled {
                sampled += 1
                #expect(ours.traceState.header == theirs.traceState, "seed \(seed): \(item.traceID)")
            }
        }
        #expect(ratio == 1 ? sampled == 500 : sampled < 500, "the cases cover both decisions")
    }

    @Test("roots near probability 1: the same th at full precision, and the same decisions at the threshold's edge",
          arguments: [0.99, 0.999, 0.999999])
    func rootsNearOne(ratio: Double) throws {
        // Python's SDK has no precision rounding (its threshold is always exact), so the comparison is at precision
        // 14; trace ids just below, at and above our threshold catch an off-by-one either way.
        let sampler = try ProbabilitySampler(probability: ratio, precision: 14)
        let threshold = sampler.threshold.rawValue
        var random = SeededGenerator(seed: 0x0E4F_1000 &+ UInt64(ratio * 1_000_000))
        var cases = [threshold - 1, threshold, threshold + 1, 0].map { Case(traceID: TraceID(high: random.next(), low: $0)) }
        cases += (0..<50).map { _ in Case(traceID: TraceID(high: random.next(), low: random.next())) }
        let python = try ask(ratio: ratio, cases)
        #expect(python.map(\.sampled).prefix(4) == [false, true, true, false], "the edge cases straddle Python's threshold")
        for (item, theirs) in zip(cases, python) {
            let ours = sampler.shouldSample(SamplingParameters(traceID: item.traceID, name: "span"))
            #expect((ours.decision == .recordAndSample) == theirs.sampled, "\(ratio): \(item.traceID)")
            if theirs.sampled { #expect(ours.traceState.header == theirs.traceState, "\(ratio): \(item.traceID)") }
        }
    }

    @Test("children: a consistent parent's decision and threshold are passed on, as Python passes them")
    func children() throws {
        let seed: UInt64 = 0x0DD5_EED5
        var random = SeededGenerator(seed: seed)
        var cases: [Case] = []
        for index in 0..<400 {
            let traceID = TraceID(high: random.next(), low: random.next())
            let randomness = traceID.low & 0xFF_FFFF_FFFF_FFFF
            // The parent was sampled at 1/2 (th:8) when its randomness allows it, and is marked so: consistent.
            let sampled = randomness >= 1 << 55
            var traceState = TraceState()
            switch index % 4 {
            case 0: if sampled { traceState.setValue("th:8", forKey: "ot") }
            case 1: traceState.setValue("v", forKey: "rojo")
            case 2:
                traceState.setValue("v", forKey: "rojo")
                if sampled { traceState.setValue("th:8", forKey: "ot") }
            default: break
            }
            var flags: TraceFlags = .random
            if sampled || index % 4 == 1 { flags.insert(.sampled) }
            cases.append(Case(traceID: traceID, parent: SpanContext(
                traceID: traceID, spanID: SpanID(random.next() | 1), traceFlags: flags, traceState: traceState,
                isRemote: index % 2 == 0)))
        }
        let python = try ask(ratio: 0.1, cases)
        let sampler = try ProbabilitySampler.parentBased(probability: 0.1, precision: 14)
        for (item, theirs) in zip(cases, python) {
            let ours = sampler.shouldSample(SamplingParameters(parentSpanContext: item.parent, traceID: item.traceID, name: "span"))
            #expect((ours.decision == .recordAndSample) == theirs.sampled, "seed \(seed): \(item.traceID)")
            if theirs.sampled {
                #expect(ours.traceState.header == theirs.traceState, "seed \(seed): \(item.traceID)")
            }
        }
    }
}
