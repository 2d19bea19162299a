import Foundation
import Telemetry
import TelemetryTesting
import Testing
import Tracing

@Suite("Malformed headers")
struct MalformedHeaderFuzzTests {
    /// The generator's seed. Every failure names it with the iteration and the carrier, so it reproduces.
    static let seed: UInt64 = 0x5EED
    static let iterations = 100_000

    /// Valid values for each header, which the fuzzer mutates.
    static let samples: [String: [String]] = [
        "traceparent": [
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-03",
            "cc-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-ff-future",
        ],
        "tracestate": ["rojo=00f067aa0ba902b7,congo=t61rcWkgMzE,tenant@vendor=x", "foo@=1, 1abc=2 ,foo@=3"],
        "baggage": ["user.id=42;prop=1,note=a%20b", "k=%FF%41,other = x;p"],
        "b3": [
            "0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-1-b7ad6b7169203331",
            "a3ce929d0e0e4736-00f067aa0ba902b7-d",
            "0",
        ],
        "x-b3-traceid": ["463ac35c9f6413ad48485a3953bb6124", "A3CE929D0E0E4736"],
        "x-b3-spanid": ["a2fb4a1d1a96d312"],
        "x-b3-sampled": ["1", "0", "true"],
        "x-b3-flags": ["1"],
        "uber-trace-id": ["0af7651916cd43dd8448eb211c80319c:b7ad6b7169203331:0:1", "abc%3A1%3A0%3A3"],
        "uberctx-k": ["a%20b", "%FF"],
    ]

    /// Every sample, in a fixed order: a dictionary's order changes from one process to the next.
    static let allSamples = samples.sorted { $0.key < $1.key }.flatMap(\.value)

    /// Where a failing check's input came from.
    struct Origin: CustomStringConvertible {
        var iteration: Int
        var carrier: [String: String]
        var description: String {
            "seed 0x\(String(MalformedHeaderFuzzTests.seed, radix: 16)), iteration \(iteration), carrier \(carrier)"
        }
    }

    static func mutate(_ sample: String, using random: inout SeededGenerator) -> String {
        var bytes = Array(sample.utf8)
        let alphabet = Array("-=,;:%@ \t0123456789abcdefABCDEFxyz\u{0}\u{7f}é".utf8)
        for _ in 0...Int.random(in: 0...6, using: &random) {
            switch Int.random(in: 0..<5, using: &random) {
            case 0 where !bytes.isEmpty: bytes.remove(at: Int.random(in: 0..<bytes.count, using: &random))
            case 1: bytes.insert(alphabet.randomElement(using: &random)!, at: Int.random(in: 0...bytes.count, using: &random))
            case 2 where !bytes.isEmpty: bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            case 3: bytes += bytes.prefix(Int.random(in: 0...bytes.count, using: &random))
            default: bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &random)))
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func carrier(iteration: Int, using random: inout SeededGenerator) -> [String: String] {
        var carrier: [String: String] = [:]
        for (key, values) in samples.sorted(by: { $0.key < $1.key }) where Bool.random(using: &random) {
            if iteration % 4 == 0 {
                let length = Int.random(in: 0...80, using: &random)
                carrier[key] = String(decoding: (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }, as: UTF8.self)
                continue
            }
            // Mostly this header's own samples, sometimes another's; a third of them intact, so parses succeed often.
            let pool = Int.random(in: 0..<10, using: &random) == 0 ? allSamples : values
            let sample = pool.randomElement(using: &random)!
            carrier[key] = Int.random(in: 0..<3, using: &random) == 0 ? sample : mutate(sample, using: &random)
        }
        return carrier
    }

    @Test("100,000 random and mutated headers never crash, and what parses matches its header and round-trips")
    func fuzz() {
        var random = SeededGenerator(seed: Self.seed)
        var parsed = (traceContext: 0, b3: 0, jaeger: 0, baggage: 0)
        for iteration in 0..<Self.iterations {
            let carrier = Self.carrier(iteration: iteration, using: &random)
            let origin = Origin(iteration: iteration, carrier: carrier)
            if Self.checkTraceContext(carrier, origin) { parsed.traceContext += 1 }
            if Self.checkB3(carrier, origin) { parsed.b3 += 1 }
            if Self.checkJaeger(carrier, origin) { parsed.jaeger += 1 }
            if Self.checkBaggage(carrier, origin) { parsed.baggage += 1 }
        }
        // Each parser must really have been exercised, or the checks above prove nothing.
        let seed = "seed 0x\(String(Self.seed, radix: 16))"
        #expect(parsed.traceContext > 1_000, "\(seed): \(parsed)")
        #expect(parsed.b3 > 1_000, "\(seed): \(parsed)")
        #expect(parsed.jaeger > 1_000, "\(seed): \(parsed)")
        #expect(parsed.baggage > 1_000, "\(seed): \(parsed)")
    }

    /// Checks what W3C Trace Context made of `carrier`; returns whether it found a span context.
    static func checkTraceContext(_ carrier: [String: String], _ origin: Origin) -> Bool {
        let propagator = W3CTraceContextPropagator()
        let context = propagator.extract(carrier)
        guard let spanContext = context.spanContext else { return false }
        let header = Array(owsTrimmed(carrier["traceparent"] ?? "").utf8)
        guard header.count >= 55 else {
            Issue.record("a traceparent of \(header.count) bytes parsed; \(origin)")
            return true
        }
        #expect(String(decoding: header[3..<35], as: UTF8.self) == spanContext.traceID.hexString, "\(origin)")
        #expect(String(decoding: header[36..<52], as: UTF8.self) == spanContext.spanID.hexString, "\(origin)")
        let wireFlags = UInt8(String(decoding: header[53..<55], as: UTF8.self), radix: 16)
        #expect(wireFlags.map { $0 & 0x03 } == spanContext.traceFlags.rawValue, "only sampled and random survive; \(origin)")
        #expect(spanContext.isRemote, "\(origin)")
        checkTraceState(spanContext.traceState, header: carrier["tracestate"], origin)
        let again = propagator.extract(propagator.inject(context)).spanContext
        #expect(again == spanContext, "inject then extract gives the same context; \(origin)")
        return true
    }

    static func checkTraceState(_ state: TraceState, header: String?, _ origin: Origin) {
        #expect(state.entries.count <= 32, "\(origin)")
        #expect(Set(state.entries.map(\.key)).count == state.entries.count, "keys are unique; \(origin)")
        for entry in state.entries {
            #expect(isLevel2Key(entry.key), "key \(entry.key); \(origin)")
            #expect(isLevel2Value(entry.value), "value \(entry.value); \(origin)")
        }
        let members = state.entries.map { "\($0.key)=\($0.value)" }
        #expect(members == expectedTraceState(header) ?? [], "tracestate as Level 2 reads it; \(origin)")
    }

    /// The members Level 2 keeps from a `tracestate` header: `nil` when a member is malformed or there are more
    /// than 32 keys; a repeated key keeps its first member.
    static func expectedTraceState(_ header: String?) -> [String]? {
        var members: [String] = []
        var keys = Set<String>()
        for raw in Array((header ?? "").utf8).split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            let member = Array(owsTrimmed(String(decoding: raw, as: UTF8.self)).utf8)
            if member.isEmpty { continue }
            guard let equals = member.firstIndex(of: UInt8(ascii: "=")) else { return nil }
            let key = String(decoding: member[..<equals], as: UTF8.self)
            guard isLevel2Key(key), isLevel2Value(String(decoding: member[(equals + 1)...], as: UTF8.self)) else { return nil }
            if keys.insert(key).inserted { members.append(String(decoding: member, as: UTF8.self)) }
            if keys.count > 32 { return nil }
        }
        return members
    }

    struct IDs: Equatable {
        var trace: String
        var span: String

        /// The ids as B3 or Jaeger spell them: hex in either case, a 64-bit trace id left-padded.
        init?(trace: Substring?, span: Substring?) {
            guard let trace, let span else { return nil }
            self.trace = String(repeating: "0", count: max(0, 32 - trace.count)) + trace.lowercased()
            self.span = String(repeating: "0", count: max(0, 16 - span.count)) + span.lowercased()
        }

        init(_ spanContext: SpanContext) {
            trace = spanContext.traceID.hexString
            span = spanContext.spanID.hexString
        }
    }

    /// Checks what B3 made of `carrier`; returns whether it found a span context.
    static func checkB3(_ carrier: [String: String], _ origin: Origin) -> Bool {
        let context = B3Propagator().extract(carrier)
        guard let spanContext = context.spanContext else { return false }
        let single = carrier["b3"].map { owsTrimmed($0).split(separator: "-", omittingEmptySubsequences: false) }
        let fromSingle = IDs(trace: single?.first, span: single.flatMap { $0.count > 1 ? $0[1] : nil })
        let fromMultiple = IDs(
            trace: carrier["x-b3-traceid"].map { Substring(owsTrimmed($0)) },
            span: carrier["x-b3-spanid"].map { Substring(owsTrimmed($0)) }
        )
        let found = IDs(spanContext)
        #expect(found == fromSingle || found == fromMultiple, "the ids are the ones in a header; \(origin)")
        #expect(spanContext.traceFlags.subtracting(.sampled).isEmpty, "\(origin)")
        for encoding in [B3Propagator.Encoding.singleHeader, .multipleHeaders] {
            let propagator = B3Propagator(encoding: encoding)
            let headers = propagator.inject(context)
            let again = propagator.extract(headers)
            #expect(again.spanContext == spanContext, "inject then extract gives the same context; \(encoding) \(origin)")
            #expect(propagator.inject(again) == headers, "and injects the same headers, debug included; \(encoding) \(origin)")
        }
        return true
    }

    /// Checks what Jaeger made of `carrier`; returns whether it found a span context.
    static func checkJaeger(_ carrier: [String: String], _ origin: Origin) -> Bool {
        let propagator = JaegerPropagator()
        let context = propagator.extract(carrier)
        #expect((context.baggage?.entries.count ?? 0) <= 180, "\(origin)")
        let headers = propagator.inject(context)
        #expect(propagator.inject(propagator.extract(headers)) == headers, "inject, extract, inject is stable; \(origin)")
        guard let spanContext = context.spanContext else { return false }
        let fields = carrier["uber-trace-id"].flatMap { owsTrimmed($0).removingPercentEncoding }?
            .split(separator: ":", omittingEmptySubsequences: false)
        let found = IDs(spanContext)
        #expect(found == IDs(trace: fields?.first, span: fields.flatMap { $0.count > 1 ? $0[1] : nil }), "\(origin)")
        let flags = fields.flatMap { $0.count == 4 ? UInt64($0[3], radix: 16) : nil }
        #expect(flags.map { $0 & 0x03 != 0 } == spanContext.isSampled, "\(origin)")
        #expect(spanContext.traceFlags.subtracting(.sampled).isEmpty, "\(origin)")
        #expect(propagator.extract(headers).spanContext == spanContext, "inject then extract gives the same context; \(origin)")
        return true
    }

    /// Checks what W3C Baggage made of `carrier`; returns whether it found any member.
    static func checkBaggage(_ carrier: [String: String], _ origin: Origin) -> Bool {
        let propagator = W3CBaggagePropagator()
        let context = propagator.extract(carrier)
        guard let baggage = context.baggage else { return false }
        let header = carrier["baggage"] ?? ""
        #expect(baggage.entries.count <= 180, "\(origin)")
        #expect(header.utf8.count <= 8192, "\(origin)")
        for entry in baggage.entries {
            #expect(contains(header, entry.name), "the name is in the header; \(origin)")
        }
        let headers = propagator.inject(context)
        #expect(propagator.inject(propagator.extract(headers)) == headers, "inject, extract, inject is stable; \(origin)")
        return true
    }

    /// W3C Trace Context Level 2: `( lcalpha / DIGIT ) 0*255 ( lcalpha / DIGIT / "_" / "-" / "*" / "/" / "@" )`.
    static func isLevel2Key(_ key: String) -> Bool {
        let bytes = Array(key.utf8)
        func isLowerAlphaOrDigit(_ c: UInt8) -> Bool { (0x61...0x7A).contains(c) || (0x30...0x39).contains(c) }
        guard let first = bytes.first, bytes.count <= 256, isLowerAlphaOrDigit(first) else { return false }
        return bytes.dropFirst().allSatisfy { isLowerAlphaOrDigit($0) || Array("_-*/@".utf8).contains($0) }
    }

    /// W3C Trace Context: at most 256 printable ASCII characters but `,` and `=`, spaces allowed but not last.
    static func isLevel2Value(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        func isNonBlank(_ c: UInt8) -> Bool { (0x21...0x7E).contains(c) && c != UInt8(ascii: ",") && c != UInt8(ascii: "=") }
        guard let last = bytes.last, bytes.count <= 256, isNonBlank(last) else { return false }
        return bytes.allSatisfy { $0 == 0x20 || isNonBlank($0) }
    }

    /// Whether `needle`'s bytes appear in `haystack`'s, compared as bytes rather than as characters.
    static func contains(_ haystack: String, _ needle: String) -> Bool {
        let haystack = Array(haystack.utf8)
        let needle = Array(needle.utf8)
        guard needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    /// `string` without spaces and tabs at either end.
    static func owsTrimmed(_ string: String) -> String {
        var bytes = Array(string.utf8)[...]
        while let first = bytes.first, first == 0x20 || first == 0x09 { bytes.removeFirst() }
        while let last = bytes.last, last == 0x20 || last == 0x09 { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}
