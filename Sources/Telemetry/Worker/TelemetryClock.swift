/// The monotonic time the SDK's background work schedules itself by: batch delays, export timeouts, retry waits
/// and shutdown deadlines.
///
/// The SDK uses ``SystemClock`` unless told otherwise. `TelemetryTesting`'s `TestClock` implements it so that
/// tests move time forward explicitly instead of waiting on a wall clock.
public protocol TelemetryClock: Sendable {
    /// The current instant.
    var now: ContinuousClock.Instant { get }

    /// Suspends until `deadline`, or throws `CancellationError` when the task is cancelled first.
    func sleep(until deadline: ContinuousClock.Instant) async throws
}

extension TelemetryClock {
    /// Suspends for `duration`, or throws `CancellationError` when the task is cancelled first.
    public func sleep(for duration: Duration) async throws {
        try await sleep(until: now.advanced(by: duration))
    }
}

/// The system's monotonic clock, which keeps counting while the machine sleeps: the SDK's default.
public struct SystemClock: TelemetryClock {
    /// Creates the clock.
    public init() {}

    public var now: ContinuousClock.Instant { ContinuousClock.now }

    public func sleep(until deadline: ContinuousClock.Instant) async throws {
        try await ContinuousClock().sleep(until: deadline, tolerance: nil)
    }
}
