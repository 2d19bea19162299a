import Telemetry
import Tracing

/// Generates one trace at a time through the public tracer API: a client span with server children.
struct TraceGenerator: Sendable {
    let tracer: TelemetryTracer
    let childSpans: Int
    let spanDuration: Duration
    let status: SpanStatus?

    /// Generates one trace in `worker` and returns how many spans it created.
    func generateTrace(worker: Int) -> Int {
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
