import BenchmarkSink
import BenchmarkSupport
import Foundation
import Telemetry

// End-to-end export: spans started through swift-distributed-tracing's `withSpan`, or records logged through
// swift-log's `Logger.info` with each SDK's log handler, batched by each SDK's batch processor with its default
// settings, and exported over loopback to a Swift sink that counts and discards them. One scenario per process, so
// that peak memory belongs to it:
//
//     ExportThroughput <telemetry|swift-otel> <grpc|http> <full|paced|flush> [spans|logs]
//
// Spans (3 attributes each):
// - full:  one task starts 200,000 spans as fast as it can, leaving the other core to export; spans per second
//          received, and drops.
// - paced: 100,000 spans per second for 3 seconds; drops.
// - flush: 200,000 spans queued before the SDK's background service starts, then a flush; its time and peak memory.
//
// Logs (3 metadata values each):
// - full:  one task logs 500,000 records as fast as it can; records per second received, and drops.
// - paced: 50,000 records per second for 3 seconds; drops.
//
// Before full and paced, one item goes all the way to the sink, so that connecting is not measured.
//
// It prints one line, `result side=… transport=… scenario=… signal=… key=value …`, that ../compare-export reads.

let arguments = CommandLine.arguments
guard (4...5).contains(arguments.count), let side = Side(rawValue: arguments[1]),
    let transport = Sink.Transport(rawValue: arguments[2]),
    let signal = arguments.count == 5 ? Signal(rawValue: arguments[4]) : .spans,
    (signal == .spans ? ["full", "paced", "flush"] : ["full", "paced"]).contains(arguments[3])
else {
    print("usage: ExportThroughput <telemetry|swift-otel> <grpc|http> <full|paced|flush> [spans]")
    print("       ExportThroughput <telemetry|swift-otel> <grpc|http> <full|paced> logs")
    exit(64)
}
let scenario = arguments[3]

let sink = Sink()
let port = try await sink.start(transport)
let pipeline = try ExportPipeline(
    side: side,
    signal: signal,
    transport: transport,
    port: port,
    queuedFlush: scenario == "flush"
)
let clock = ContinuousClock()

/// Starts the SDK's background service and waits until one item went through, so that connecting is not measured.
func startWarm() async {
    pipeline.start()
    pipeline.produce(0..<1)
    await pipeline.flush()
    _ = await sink.waitUntilQuiet(expecting: 1)
    sink.reset()
}

var results: [(String, String)] = []
switch scenario {
case "full":
    await startWarm()
    let total = signal == .spans ? 200_000 : 500_000
    let start = clock.now
    await withTaskGroup(of: Void.self) { group in
        group.addTask { pipeline.produce(0..<total) }
    }
    let produced = clock.now - start
    await pipeline.flush()
    let received = await sink.waitUntilQuiet(expecting: total)
    results = [
        ("items", "\(total)"), ("received", "\(received.items)"), ("dropped", "\(total - received.items)"),
        ("produce_s", seconds(produced)),
        ("received_per_s", "\(Int(Double(received.items) / (received.last - start).seconds))"),
    ]
case "paced":
    await startWarm()
    let perMillisecond = signal == .spans ? 100 : 50
    let milliseconds = 3000
    let start = clock.now
    for tick in 0..<milliseconds {
        pipeline.produce((tick * perMillisecond)..<((tick + 1) * perMillisecond))
        let deadline = start + .milliseconds(tick + 1)
        if clock.now < deadline { try? await Task.sleep(until: deadline, clock: clock) }
    }
    let produced = clock.now - start
    let total = perMillisecond * milliseconds
    await pipeline.flush()
    let received = await sink.waitUntilQuiet(expecting: total)
    results = [
        ("items", "\(total)"), ("achieved_per_s", "\(Int(Double(total) / produced.seconds))"),
        ("received", "\(received.items)"), ("dropped", "\(total - received.items)"),
    ]
case "flush":
    let total = 200_000
    let before = Memory.current()
    pipeline.produce(0..<total)
    let queued = Memory.current()
    let start = clock.now
    pipeline.start()
    await pipeline.flush()
    let received = await sink.waitUntilQuiet(expecting: total)
    results = [
        ("items", "\(total)"), ("received", "\(received.items)"), ("flush_s", seconds(received.last - start)),
        ("rss_before_mb", "\(before.rss / 1_048_576)"), ("rss_queued_mb", "\(queued.rss / 1_048_576)"),
        ("peak_rss_mb", "\(Memory.current().peak / 1_048_576)"),
    ]
default:
    break
}
results.append(("requests", "\(sink.requestCount)"))
if let statistics = pipeline.statistics() {
    // What the SDK counted itself: dropped at the queue, and lost in failed exports.
    results.append(("sdk_dropped", "\(statistics.dropped)"))
    results.append(("sdk_failed", "\(statistics.failed)"))
}
print(
    "result side=\(side.rawValue) transport=\(transport.rawValue) scenario=\(scenario) signal=\(signal.rawValue) "
        + results.map { "\($0.0)=\($0.1)" }.joined(separator: " ")
)
exit(0)

func seconds(_ duration: Duration) -> String { String(format: "%.3f", duration.seconds) }

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

extension Sink {
    /// Waits until `expected` items arrived, or until none has arrived for 2 seconds since the last one (60 seconds
    /// for the first); returns the count and when the last of them arrived.
    func waitUntilQuiet(expecting expected: Int) async -> (items: Int, last: ContinuousClock.Instant) {
        let clock = ContinuousClock()
        var count = items
        var last = clock.now
        while count < expected, clock.now - last < (count == 0 ? .seconds(60) : .seconds(2)) {
            try? await Task.sleep(for: .milliseconds(1))
            let now = items
            if now != count {
                count = now
                last = clock.now
            }
        }
        return (count, last)
    }
}

/// Resident and peak resident memory of this process, from /proc/self/status.
enum Memory {
    static func current() -> (rss: Int, peak: Int) {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (0, 0) }
        func kilobytes(_ key: String) -> Int {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key) }) else { return 0 }
            return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
        }
        return (kilobytes("VmRSS:"), kilobytes("VmHWM:"))
    }
}
