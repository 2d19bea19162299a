import Telemetry
import Tracing

/// Emits one log record at a time through the public Logs API, ``TelemetryLogger/emit(_:context:)``, so that the
/// severity number is exactly the one asked for.
struct LogGenerator: Sendable {
    let logger: TelemetryLogger
    let severity: LogSeverity
    let severityText: String
    let body: String

    /// Emits one record in `worker` and returns how many records it created.
    func emitLog(worker: Int) -> Int {
        let record = LogRecord(
            timestamp: DefaultTracerClock.now.nanosecondsSinceEpoch,
            severity: severity,
            severityText: severityText,
            body: .string(body),
            attributes: ["app": "server", "worker": .int(Int64(worker))]
        )
        // Outside any span, and independent of the caller's task: plain records with no trace context.
        logger.emit(record, context: .topLevel)
        return 1
    }
}
