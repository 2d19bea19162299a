import Tracing

/// Runs an operation again after a failure, following a ``RetryPolicy``, and traces every attempt.
///
/// Each call is one span named after the retry, with a child span per attempt carrying an `attempt` attribute (1
/// for the first), so a trace shows every attempt, its error, and the waits between them. The call's span ends with
/// `retry.attempts` and `retry.outcome`. Metrics count calls by outcome (`resilience.retry.calls`) and retries
/// (`resilience.retry.retries`).
///
/// Waits are slept on the retry's ``TelemetryClock``. Cancelling the caller stops the retry at once, in an attempt
/// or in a wait, and throws `CancellationError`, whatever error the cancelled attempt answered it with; an error the
/// policy does not deem retryable is rethrown at once; when every attempt fails, the last attempt's error is
/// rethrown; when the policy's timeout passes, the call throws ``RetryDeadlineExceededError``.
///
/// A cancelled call's span, like a failed one's, records the error and has an error status, and its
/// `retry.outcome` is `cancelled`.
///
/// ```swift
/// let retry = try Retry("inventory.fetch", policy: RetryPolicy(
///     backoff: .fixed([.milliseconds(100), .milliseconds(500), .seconds(1)]),
///     isRetryable: { $0 is ConnectionError }
/// ))
/// let stock = try await retry.run { attempt in try await inventory.stock(of: item) }
/// ```
public struct Retry: Sendable {
    /// The retry's name: the name of its calls' spans and the `retry.name` attribute of its metrics.
    public let name: String
    /// The policy it follows.
    public let policy: RetryPolicy
    private let attemptSpanName: String
    private let tracer: any Tracer
    private let clock: any TelemetryClock
    private let random: @Sendable () -> Double
    private let instruments: RetryInstruments

    /// Creates a retry.
    ///
    /// - Parameters:
    ///   - name: The name of its calls' spans; each attempt's span is named `<name> attempt`.
    ///   - policy: When to retry.
    ///   - tracer: Where the spans go; by default swift-distributed-tracing's bootstrapped tracer.
    ///   - meter: Where `resilience.retry.calls` and `resilience.retry.retries` go; with `nil`, nowhere.
    ///   - clock: What the waits and the timeout are measured by; tests pass `TelemetryTesting`'s `TestClock`.
    ///   - random: Numbers in `0..<1` that place each wait within its jitter; tests pass a fixed sequence.
    /// - Throws: ``ResilienceConfigurationError`` when the policy holds a value out of range.
    public init(
        _ name: String,
        policy: RetryPolicy,
        tracer: any Tracer = InstrumentationSystem.tracer,
        meter: Meter? = nil,
        clock: any TelemetryClock = SystemClock(),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) throws(ResilienceConfigurationError) {
        try policy.validate()
        self.name = name
        self.policy = policy
        self.attemptSpanName = name + " attempt"
        self.tracer = tracer
        self.clock = clock
        self.random = random
        self.instruments = RetryInstruments(meter: meter, name: name)
    }

    /// Runs `operation` until it succeeds or the policy gives up, and returns its result.
    ///
    /// - Parameter operation: The work; it is given the attempt's number, 1 for the first.
    /// - Throws: The last attempt's error, `CancellationError`, or ``RetryDeadlineExceededError``.
    public func run<Value: Sendable>(
        _ operation: @escaping @Sendable (_ attempt: Int) async throws -> Value
    ) async throws -> Value {
        let deadline = policy.timeout.map { clock.now.advanced(by: $0) }
        return try await withTracedOperation(
            tracer, name, parent: ServiceContext.current ?? .topLevel, attributes: { _ in }
        ) { span in
            var attempt = 1
            var lastError: (any Error)?
            while true {
                let outcome: RetryInstruments.Outcome
                let failure: any Error
                do {
                    try Task.checkCancellation()
                    let value = try await runAttempt(attempt, deadline: deadline, operation)
                    finish(span, attempts: attempt, attempt == 1 ? .success : .successAfterRetry)
                    return value
                } catch where Task.isCancelled || error is CancellationError {
                    // Checked first: an attempt may answer cancellation with an error of its own, and a cancelled
                    // caller wants neither a retry nor a deadline error, whatever that error says.
                    (outcome, failure) = (.cancelled, CancellationError())
                } catch is DeadlineReached {
                    (outcome, failure) = (.deadlineExceeded, RetryDeadlineExceededError(attempts: attempt, lastError: lastError))
                } catch {
                    lastError = error
                    var reason = RetryInstruments.Outcome.exhausted
                    if let delay = nextDelay(after: error, attempt: attempt, deadline: deadline, outcome: &reason) {
                        do {
                            try await clock.sleep(for: delay)
                        } catch {
                            finish(span, attempts: attempt, .cancelled)
                            throw CancellationError()
                        }
                        // Counted once its wait is over: a retry cancelled in its wait was never made.
                        instruments.recordRetry()
                        attempt += 1
                        continue
                    }
                    outcome = reason
                    failure = reason == .deadlineExceeded
                        ? RetryDeadlineExceededError(attempts: attempt, lastError: error) : error
                }
                finish(span, attempts: attempt, outcome)
                throw failure
            }
        }
    }

    /// The wait before the next attempt after `error`, or `nil` with the reason the call ends in `outcome`.
    private func nextDelay(
        after error: any Error,
        attempt: Int,
        deadline: ContinuousClock.Instant?,
        outcome: inout RetryInstruments.Outcome
    ) -> Duration? {
        guard policy.isRetryable(error) else {
            outcome = .notRetryable
            return nil
        }
        guard let delay = policy.delay(beforeRetry: attempt, random: random()) else {
            outcome = .exhausted
            return nil
        }
        // An attempt that could only start at or past the deadline would be cut short at once.
        if let deadline, clock.now.advanced(by: delay) >= deadline {
            outcome = .deadlineExceeded
            return nil
        }
        return delay
    }

    private func finish(_ span: any Span, attempts: Int, _ outcome: RetryInstruments.Outcome) {
        instruments.record(outcome)
        span.attributes["retry.attempts"] = attempts
        span.attributes["retry.outcome"] = outcome.rawValue
    }

    private func runAttempt<Value: Sendable>(
        _ attempt: Int,
        deadline: ContinuousClock.Instant?,
        _ operation: @escaping @Sendable (Int) async throws -> Value
    ) async throws -> Value {
        try await withTracedOperation(
            tracer, attemptSpanName, parent: ServiceContext.current ?? .topLevel,
            attributes: { $0["attempt"] = attempt }
        ) { _ in
            guard let deadline else { return try await operation(attempt) }
            return try await Self.race(operation, attempt: attempt, against: deadline, on: clock)
        }
    }

    /// Runs the attempt beside a sleep until the deadline; whichever ends first cancels the other.
    private static func race<Value: Sendable>(
        _ operation: @escaping @Sendable (Int) async throws -> Value,
        attempt: Int,
        against deadline: ContinuousClock.Instant,
        on clock: any TelemetryClock
    ) async throws -> Value {
        try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask { try await operation(attempt) }
            group.addTask {
                try await clock.sleep(until: deadline)
                return nil
            }
            defer { group.cancelAll() }
            // The sleeper is the only child that returns `nil`: `Value?` cannot be confused with an optional `Value`,
            // because the operation's result is wrapped once more.
            guard case .some(.some(let value)) = try await group.next() else { throw DeadlineReached() }
            return value
        }
    }
}

/// The policy's timeout passed while an attempt ran; the attempt's span records it.
private struct DeadlineReached: Error, CustomStringConvertible {
    var description: String { "the retry's deadline passed during this attempt" }
}
