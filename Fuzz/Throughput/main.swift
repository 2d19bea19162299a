import Foundation

// Decodes a typical export request over and over and prints spans per second: a quick release-mode figure, not a
// benchmark suite. Usage: measure <request.pb> <request.json> [seconds per encoding]

let arguments = CommandLine.arguments
guard arguments.count >= 3,
    let protobuf = FileManager.default.contents(atPath: arguments[1]),
    let json = FileManager.default.contents(atPath: arguments[2])
else {
    print("usage: measure <request.pb> <request.json> [seconds]")
    exit(2)
}
let seconds = arguments.count > 3 ? Double(arguments[3]) ?? 3 : 3

func measure(_ name: String, _ body: [UInt8], encoding: OTLPEncoding) {
    do {
        let spansPerRequest = try OTLPRequestDecoder.decode(body, signal: .traces, encoding: encoding).spans.count
        // A warm-up pass, then whole rounds until the time is up, so that the clock is read rarely.
        for _ in 0..<20 { _ = try OTLPRequestDecoder.decode(body, signal: .traces, encoding: encoding) }
        let clock = ContinuousClock()
        let start = clock.now
        var requests = 0
        var samples: [Double] = []
        while clock.now - start < .seconds(seconds) {
            let roundStart = clock.now
            for _ in 0..<50 { _ = try OTLPRequestDecoder.decode(body, signal: .traces, encoding: encoding) }
            let elapsed = clock.now - roundStart
            samples.append(Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds))
            requests += 50
        }
        let total = samples.reduce(0, +)
        let best = samples.min() ?? total
        let spansPerSecond = Double(requests * spansPerRequest) / total
        let bestSpansPerSecond = Double(50 * spansPerRequest) / best
        print(
            "\(name): \(body.count) bytes, \(spansPerRequest) spans/request, \(requests) requests in \(String(format: "%.2f", total)) s: "
                + "\(Int(spansPerSecond)) spans/s mean, \(Int(bestSpansPerSecond)) spans/s best round, "
                + "\(String(format: "%.1f", total / Double(requests) * 1e6)) µs/request, "
                + "\(String(format: "%.0f", Double(body.count * requests) / total / 1e6)) MB/s"
        )
    } catch {
        print("\(name): the request did not decode: \(error)")
        exit(1)
    }
}

measure("protobuf", Array(protobuf), encoding: .protobuf)
measure("json", Array(json), encoding: .json)

// For the choice of a hand-written JSON reader: Foundation's parser alone, building its tree without any mapping.
do {
    let data = Data(json)
    for _ in 0..<5 { _ = try? JSONSerialization.jsonObject(with: data) }
    let clock = ContinuousClock()
    var requests = 0
    let elapsed = clock.measure {
        while requests < 500 {
            _ = try? JSONSerialization.jsonObject(with: data)
            requests += 1
        }
    }
    let total = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    print(
        "JSONSerialization.jsonObject alone (no mapping), same body: "
            + "\(String(format: "%.1f", total / Double(requests) * 1e6)) µs/request, \(Int(Double(requests * 512) / total)) spans/s"
    )
}
