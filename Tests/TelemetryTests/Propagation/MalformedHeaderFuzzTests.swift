import Telemetry
import Testing
import Tracing

@Suite("Malformed headers")
struct MalformedHeaderFuzzTests {

    static let seeds = [
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE,tenant@vendor=x",
        "user.id=42;prop=1,note=a%20b",
        "0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-1-b7ad6b7169203331",
        "0af7651916cd43dd8448eb211c80319c:b7ad6b7169203331:0:1",
    ]

    static func mutate(_ seed: String, using random: inout SplitMix) -> String {
        var bytes = Array(seed.utf8)
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

    @Test("100,000 random and mutated headers never crash, and what parses is valid")
    func fuzz() {
        let propagator = CompositePropagator([
            W3CTraceContextPropagator(), W3CBaggagePropagator(), B3Propagator(), JaegerPropagator(),
        ])
        let keys = ["traceparent", "tracestate", "baggage", "b3", "uber-trace-id", "uberctx-k", "x-b3-traceid", "x-b3-spanid"]
        var random = SplitMix(state: 0x5EED)
        var parsed = 0
        for iteration in 0..<100_000 {
            var carrier: [String: String] = [:]
            for key in keys where Bool.random(using: &random) {
                let value: String
                if iteration % 4 == 0 {
                    value = String(decoding: (0..<Int.random(in: 0...80, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }, as: UTF8.self)
                } else {
                    value = Self.mutate(Self.seeds.randomElement(using: &random)!, using: &random)
                }
                carrier[key] = value
            }
            let context = propagator.extract(carrier)
            if let spanContext = context.spanContext {
                #expect(spanContext.isValid)
                parsed += 1
            }
        }
        #expect(parsed > 0, "some mutations leave a valid header, so the parsers were really exercised")
    }
}
