import Logging
import ServiceLifecycle

/// Runs the SDK's background work, and flushes and shuts it down on graceful shutdown.
///
/// Add it to your `ServiceGroup` beside your application. When the group shuts down gracefully, the service flushes
/// every ended span and shuts the processors and exporters down, within ``shutdownTimeout`` even when an exporter
/// hangs. Cancelling it stops the work at once.
public struct TelemetryService: Service {
    /// The tracer provider this service runs.
    public let tracerProvider: TracerProvider
    /// The longest the final flush and shutdown may take.
    public let shutdownTimeout: Duration
    let logLevel: Logger.Level
    let logger: Logger

    /// Creates a service that runs `tracerProvider`.
    public init(tracerProvider: TracerProvider, shutdownTimeout: Duration = .seconds(10)) {
        self.init(
            tracerProvider: tracerProvider,
            shutdownTimeout: shutdownTimeout,
            logLevel: TelemetryDiagnostics.logLevel,
            logger: TelemetryDiagnostics.logger
        )
    }

    init(tracerProvider: TracerProvider, shutdownTimeout: Duration, logLevel: Logger.Level, logger: Logger) {
        self.tracerProvider = tracerProvider
        self.shutdownTimeout = shutdownTimeout
        self.logLevel = logLevel
        self.logger = logger
    }

    public func run() async throws {
        let provider = tracerProvider
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await provider.run() }
            do {
                try await gracefulShutdown()
            } catch {
                group.cancelAll()
                return
            }
            await shutdown()
            group.cancelAll()
        }
    }

    /// Flushes and shuts the provider down, giving up after ``shutdownTimeout``.
    public func shutdown() async {
        let provider = tracerProvider
        let timeout = shutdownTimeout
        do {
            try await withTimeout(timeout, timeoutError: ExportTimeoutError(timeout: timeout)) {
                try await provider.shutdown()
            }
        } catch is ExportTimeoutError {
            logger.warning(
                "Telemetry shutdown did not complete within its timeout; spans not yet exported are lost",
                metadata: ["shutdown_timeout": "\(timeout)"]
            )
        } catch {
            logger.warning("Telemetry shutdown failed", metadata: ["error": "\(error)"])
        }
    }
}
