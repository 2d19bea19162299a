import Logging
import Synchronization

/// The SDK's own diagnostics: dropped spans, failed exports and configuration problems, reported through swift-log.
///
/// The level comes from `OTEL_LOG_LEVEL` (default `info`) when ``TelemetrySystem`` bootstraps. Messages go to
/// whatever `LoggingSystem` the application bootstrapped, under the label `swift-telemetry`. Components built by
/// ``TelemetrySystem`` log through the logger it passes them, ``TelemetryConfiguration/logger`` when set.
public enum TelemetryDiagnostics {
    private static let level = Mutex<Logger.Level>(.info)

    /// The label of the SDK's own logger.
    static let label = "swift-telemetry"

    /// Whether the current task is exporting telemetry, or reporting on an export. ``TelemetryLogHandler`` turns
    /// nothing logged there into records, whatever the logger's label, so that an export can never feed itself.
    @TaskLocal static var isExporting = false

    /// A logger for the SDK's own messages, at the configured level.
    public static var logger: Logger {
        var logger = Logger(label: label)
        logger.logLevel = level.withLock { $0 }
        return logger
    }

    /// The level of the SDK's own messages: set once by ``TelemetrySystem/bootstrap(_:environment:)``; pass a logger
    /// of your own in ``TelemetryConfiguration/logger`` to choose it yourself.
    static var logLevel: Logger.Level {
        get { level.withLock { $0 } }
        set { level.withLock { $0 = newValue } }
    }
}
