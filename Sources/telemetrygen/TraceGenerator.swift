import Synchronization
import Telemetry
import Tracing

/// Generates traces from several concurrent workers, optionally rate-limited, through the public tracer API.
struct TraceGenerator: Sendable {
    let tracer: TelemetryTracer
    let tracesPerWorker: Int?
    let duration: Duration?
    let workers: Int
    let rate: Double
    let childSpans: Int
    let spanDuration: Duration
    let status: SpanStatus?

    /// Runs every worker to the end and returns how many spans they created.
    func run() async -> Int {
        let clock = ContinuousClock()
        let deadline = duration.map { clock.now + $0 }
        return await withTaskGroup(of: Int.self) { group in
            for worker in 0..<workers {
                group.addTask { await runWorker(worker, clock: clock, deadline: deadline) }
            }
            return await group.reduce(0, +)
        }
    }

    private func runWorker(_ worker: Int, clock: ContinuousClock, deadline: ContinuousClock.Instant?) async -> Int {
        let start = clock.now
        let interval: Duration? = rate > 0 ? .nanoseconds(Int64(1e9 / rate)) : nil
        var created = 0
        var trace = 0
        while !Task.isCancelled {
            if let limit = tracesPerWorker, trace >= limit { break }
            if let deadline, clock.now >= deadline { break }
            if let interval {
                let due = start + interval * trace
                if due > clock.now { try? await Task.sleep(until: due, clock: clock) }
            }
            created += generateTrace(worker: worker)
            trace += 1
            // Unthrottled workers would otherwise hold every thread of the cooperative pool and starve the export.
            if interval == nil, trace % 32 == 0 { await Task.yield() }
        }
        return created
    }

    private func generateTrace(worker: Int) -> Int {
        let startTime = DefaultTracerClock.now.nanosecondsSinceEpoch
        let length = UInt64(spanDuration.components.seconds) * 1_000_000_000
            + UInt64(spanDuration.components.attoseconds / 1_000_000_000)
        let root = tracer.startSpan(
            "lets-go",
            kind: .client,
            parent: .root,
            attributes: ["network.peer.address": "127.0.0.1", "peer.service": "telemetrygen-server", "worker": .int64(Int64(worker))],
            startTime: startTime
        )
        for child in 0..<childSpans {
            let span = tracer.startSpan(
                "okey-dokey-\(child)",
                kind: .server,
                parent: .context(root.context),
                attributes: ["network.peer.address": "127.0.0.1", "peer.service": "telemetrygen-client"],
                startTime: startTime
            )
            finish(span, at: startTime + length)
        }
        finish(root, at: startTime + length)
        return childSpans + 1
    }

    private func finish(_ span: TelemetrySpan, at time: UInt64) {
        if let status { span.setStatus(status) }
        span.end(at: DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: time))
    }
}

/// The closing line: spans created, exported, dropped and failed, and the rate.
struct Summary: CustomStringConvertible {
    var created: Int
    var exported: Int
    var dropped: Int
    var failed: Int
    var elapsed: Duration

    init(created: Int, processors: [any SpanProcessor], elapsed: Duration) {
        let statistics = processors.map(\.statistics).reduce(ExportStatistics(), +)
        self.created = created
        self.exported = statistics.exported
        // Anything still queued when the run ends was never exported.
        self.dropped = statistics.dropped + statistics.queued
        self.failed = statistics.failed
        self.elapsed = elapsed
    }

    var description: String {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Double(created) / seconds : 0
        return "telemetrygen: spans created=\(created) exported=\(exported) dropped=\(dropped) failed=\(failed) "
            + "elapsed=\(String(format: "%.3f", seconds))s rate=\(Int(rate)) spans/s"
    }
}
