import Logging
import ServiceLifecycle

/// Runs the SDK's background work, and flushes and shuts it down when the service ends.
///
/// Add it to your `ServiceGroup` beside your application. Whether the group shuts down gracefully or cancels the
/// service (its default when any other service returns or throws), the service exports every ended span and shuts
/// the processors and exporters down, within ``shutdownTimeout`` even when an exporter hangs. What cannot be exported
/// in that time is counted as dropped in the processors' statistics and logged once.
public struct TelemetryService: Service {
    /// The tracer provider this service runs.
    public let tracerProvider: TracerProvider
    /// The longest the final flush and shutdown may take.
    public let shutdownTimeout: Duration
    let logLevel: Logger.Level
    let logger: Logger
    let clock: any TelemetryClock

    /// Creates a service that runs `tracerProvider`.
    ///
    /// - Parameter clock: What ``shutdownTimeout`` is measured by; tests pass `TelemetryTesting`'s `TestClock`.
    public init(
        tracerProvider: TracerProvider,
        shutdownTimeout: Duration = .seconds(10),
        clock: any TelemetryClock = SystemClock()
    ) {
        self.init(
            tracerProvider: tracerProvider,
            shutdownTimeout: shutdownTimeout,
            logLevel: TelemetryDiagnostics.logLevel,
            logger: TelemetryDiagnostics.logger,
            clock: clock
        )
    }

    init(
        tracerProvider: TracerProvider,
        shutdownTimeout: Duration,
        logLevel: Logger.Level,
        logger: Logger,
        clock: any TelemetryClock
    ) {
        self.tracerProvider = tracerProvider
        self.shutdownTimeout = min(max(.zero, shutdownTimeout), .longestConfigurable)
        self.logLevel = logLevel
        self.logger = logger
        self.clock = clock
    }

    public func run() async throws {
        let provider = tracerProvider
        // The background work is a task of its own rather than a child: when the group cancels this service, the
        // exporters' connections must stay up for the final export.
        let (failure, reportFailure) = AsyncStream<Void>.makeStream()
        let background = Task {
            do {
                try await provider.run()
            } catch {
                reportFailure.yield()
                throw error
            }
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

    /// Flushes and shuts the provider down, in a task that the caller's cancellation does not reach, giving up after
    /// ``shutdownTimeout``. Spans still queued then are counted as dropped and logged once.
    public func shutdown() async {
        _ = await shutdownWithinTimeout()
    }

    /// Returns whether the shutdown finished before ``shutdownTimeout``.
    private func shutdownWithinTimeout() async -> Bool {
        let provider = tracerProvider
        let logger = self.logger
        let deadline = clock.now.advanced(by: shutdownTimeout)
        let finished = await completes(before: deadline, clock: clock) {
            do {
                try await provider.shutdown()
            } catch {
                logger.warning("Telemetry shutdown failed", metadata: ["error": "\(error)"])
            }
        }
        guard !finished else { return true }
        logger.warning(
            "Telemetry shutdown did not complete within its timeout",
            metadata: ["shutdown_timeout": "\(shutdownTimeout)"]
        )
        for processor in provider.processors {
            processor.dropRemaining(reason: "shutdown did not complete within \(shutdownTimeout)")
        }
        return false
    }
}
