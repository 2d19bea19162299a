import Logging
import ServiceLifecycle

/// Runs the SDK's background work, and flushes and shuts it down when the service ends.
///
/// Add it to your `ServiceGroup` beside your application. Whether the group shuts down gracefully or cancels the
/// service (its default when any other service returns or throws), the service exports every ended span, every
/// emitted log record and a last collection of metrics, and shuts
/// the processors and exporters down, within ``shutdownTimeout`` even when an exporter hangs. What cannot be exported
/// in that time is counted as dropped in the processors' statistics and logged once.
public struct TelemetryService: Service {
    /// The tracer provider this service runs.
    public let tracerProvider: TracerProvider
    /// The logger provider this service runs; give it to ``TelemetryLogHandler/factory(_:logLevel:includesCodeLocation:alsoToStandardOutput:)``
    /// to send swift-log's output through it.
    public let loggerProvider: LoggerProvider
    /// The meter provider this service runs.
    public let meterProvider: MeterProvider
    /// The longest the final flush and shutdown may take.
    public let shutdownTimeout: Duration
    let logLevel: Logger.Level
    let logger: Logger
    let clock: any TelemetryClock

    /// Creates a service that runs `tracerProvider` and `loggerProvider`.
    ///
    /// - Parameters:
    ///   - loggerProvider: The logs pipeline; by default one with no processors, which drops every record.
    ///   - meterProvider: The metrics pipeline; by default one with no readers, which records nothing.
    ///   - clock: What ``shutdownTimeout`` is measured by; tests pass `TelemetryTesting`'s `TestClock`.
    public init(
        tracerProvider: TracerProvider,
        loggerProvider: LoggerProvider? = nil,
        meterProvider: MeterProvider? = nil,
        shutdownTimeout: Duration = .seconds(10),
        clock: any TelemetryClock = SystemClock()
    ) {
        self.init(
            tracerProvider: tracerProvider,
            loggerProvider: loggerProvider ?? LoggerProvider(resource: tracerProvider.resource),
            meterProvider: meterProvider ?? MeterProvider(resource: tracerProvider.resource),
            shutdownTimeout: shutdownTimeout,
            logLevel: TelemetryDiagnostics.logLevel,
            logger: TelemetryDiagnostics.logger,
            clock: clock
        )
    }

    init(
        tracerProvider: TracerProvider,
        loggerProvider: LoggerProvider,
        meterProvider: MeterProvider,
        shutdownTimeout: Duration,
        logLevel: Logger.Level,
        logger: Logger,
        clock: any TelemetryClock
    ) {
        self.tracerProvider = tracerProvider
        self.loggerProvider = loggerProvider
        self.meterProvider = meterProvider
        self.shutdownTimeout = min(max(.zero, shutdownTimeout), .longestConfigurable)
        self.logLevel = logLevel
        self.logger = logger
        self.clock = clock
    }

    public func run() async throws {
        let tracerProvider = tracerProvider
        let loggerProvider = loggerProvider
        let meterProvider = meterProvider
        // The background work is a task of its own rather than a child: when the group cancels this service, the
        // exporters' connections must stay up for the final export.
        let (failure, reportFailure) = AsyncStream<Void>.makeStream()
        let background = Task {
            // Each signal fails alone: a failure of the traces' background work must not cancel the logs' exporter
            // connections, which the final export still needs.
            let firstError = await withTaskGroup(of: (any Error)?.self) { group -> (any Error)? in
                group.addTask { await Self.failure(of: tracerProvider.run) }
                group.addTask { await Self.failure(of: loggerProvider.run) }
                group.addTask { await Self.failure(of: meterProvider.run) }
                var firstError: (any Error)?
                for await error in group {
                    guard let error else { continue }
                    firstError = firstError ?? error
                    reportFailure.yield()
                }
                return firstError
            }
            if let firstError { throw firstError }
        }
        // Until graceful shutdown, cancellation, or a failure of the background work, which the group must hear of
        // now rather than at shutdown: either way the spans are exported below.
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await gracefulShutdown() }
            group.addTask { for await _ in failure { return } }
            await group.next()
            group.cancelAll()
        }
        let finished = await shutdownWithinTimeout()
        background.cancel()
        // After a missed deadline the background work may be stuck in an exporter that ignores cancellation; the
        // host's shutdown must not wait for it.
        guard finished else { return }
        if case .failure(let error) = await background.result, !(error is CancellationError) {
            throw error
        }
    }

    /// Flushes and shuts the providers down, in a task that the caller's cancellation does not reach, giving up after
    /// ``shutdownTimeout``. Spans and log records still queued then are counted as dropped and logged once.
    public func shutdown() async {
        _ = await shutdownWithinTimeout()
    }

    /// Returns whether the shutdown finished before ``shutdownTimeout``.
    private func shutdownWithinTimeout() async -> Bool {
        let tracerProvider = tracerProvider
        let loggerProvider = loggerProvider
        let meterProvider = meterProvider
        let logger = self.logger
        let deadline = clock.now.advanced(by: shutdownTimeout)
        let finished = await completes(before: deadline, clock: clock) {
            // Both at once: a hung span exporter must not use up the logs' share of the deadline.
            async let traces: Void = Self.shutdown("traces", logger: logger) { try await tracerProvider.shutdown() }
            async let logs: Void = Self.shutdown("logs", logger: logger) { try await loggerProvider.shutdown() }
            async let metrics: Void = Self.shutdown("metrics", logger: logger) { try await meterProvider.shutdown() }
            _ = await (traces, logs, metrics)
        }
        guard !finished else { return true }
        logger.warning(
            "Telemetry shutdown did not complete within its timeout",
            metadata: ["shutdown_timeout": "\(shutdownTimeout)"]
        )
        let reason = "shutdown did not complete within \(shutdownTimeout)"
        for processor in tracerProvider.processors {
            processor.dropRemaining(reason: reason)
        }
        for processor in loggerProvider.processors {
            processor.dropRemaining(reason: reason)
        }
        for reader in meterProvider.readers {
            reader.dropRemaining(reason: reason)
        }
        return false
    }

    private static func failure(of body: @Sendable () async throws -> Void) async -> (any Error)? {
        do {
            try await body()
            return nil
        } catch {
            return error
        }
    }

    private static func shutdown(_ signal: String, logger: Logger, _ body: @Sendable () async throws -> Void) async {
        do {
            try await body()
        } catch {
            logger.warning("Telemetry shutdown failed", metadata: ["signal": "\(signal)", "error": "\(error)"])
        }
    }
}
