import Synchronization
import Telemetry
import TelemetryResilience
import TelemetryTesting
import Testing
import Tracing

@Suite("Retry")
struct RetryTests {
    let harness = Harness()
    static let brief = RetryPolicy.Backoff.fixed([.milliseconds(100), .milliseconds(500), .seconds(1)])

    func retry(
        _ backoff: RetryPolicy.Backoff = brief,
        timeout: Duration? = nil,
        isRetryable: @escaping @Sendable (any Error) -> Bool = { _ in true },
        random: @escaping @Sendable () -> Double = { 0.5 },
        clock: (any TelemetryClock)? = nil
    ) throws -> Retry {
        try Retry(
            "inventory.fetch", policy: RetryPolicy(backoff: backoff, timeout: timeout, isRetryable: isRetryable),
            tracer: harness.tracer, meter: harness.meter, clock: clock ?? harness.clock, random: random)
    }

    var retries: Double { harness.value("resilience.retry.retries", ["retry.name": "inventory.fetch"]) ?? 0 }

    @Test("the brief's schedule: waits of 100 ms, 500 ms and 1 s on the clock, one span per attempt under the call's span")
    func briefSchedule() async throws {
        let retry = try retry()
        let clock = harness.clock
        let start = clock.now
        let call = Task {
            try await retry.run { attempt in
                guard attempt == 4 else { throw Failure(attempt: attempt) }
                return "stock: 3"
            }
        }
        var elapsed: Duration = .zero
        for delay in [Duration.milliseconds(100), .milliseconds(500), .seconds(1)] {
            await clock.waitForSleepers(count: 1)
            #expect(clock.nextDeadline == start.advanced(by: elapsed + delay))
            clock.advance(by: delay)
            elapsed += delay
        }
        #expect(try await call.value == "stock: 3")

        let parent = try #require(harness.spans.named("inventory.fetch").first)
        #expect(parent.attribute("retry.attempts") == .int64(4))
        #expect(parent.attribute("retry.outcome") == .string("success_after_retry"))
        #expect(parent.status?.code != .error)
        let attempts = harness.spans.named("inventory.fetch attempt")
        #expect(attempts.map { $0.attribute("attempt") } == [.int64(1), .int64(2), .int64(3), .int64(4)])
        #expect(attempts.allSatisfy { $0.parentSpanID == parent.spanContext.spanID })
        #expect(attempts.map { $0.status?.code == .error } == [true, true, true, false])
        #expect(harness.value("resilience.retry.calls", ["retry.outcome": "success_after_retry"]) == 1)
        #expect(harness.value("resilience.retry.retries", ["retry.name": "inventory.fetch"]) == 3)
    }

    @Test("success at the first attempt neither waits nor counts a retry")
    func firstAttempt() async throws {
        let value = try await retry().run { _ in 42 }
        #expect(value == 42)
        #expect(harness.clock.sleeperCount == 0)
        #expect(harness.value("resilience.retry.calls", ["retry.outcome": "success"]) == 1)
        #expect(harness.value("resilience.retry.retries") == nil || harness.value("resilience.retry.retries") == 0)
        #expect(harness.spans.named("inventory.fetch attempt").count == 1)
    }

    @Test("when every attempt fails, the last attempt's error is rethrown and the call's span fails")
    func exhausted() async throws {
        let retry = try retry(.fixed([.zero, .zero]))
        await #expect(throws: Failure(attempt: 3)) { try await retry.run { attempt in throw Failure(attempt: attempt) } }
        let parent = try #require(harness.spans.named("inventory.fetch").first)
        #expect(parent.status?.code == .error)
        #expect(parent.attribute("retry.outcome") == .string("exhausted"))
        #expect(harness.value("resilience.retry.calls", ["retry.outcome": "exhausted"]) == 1)
    }

    @Test("an error the classifier rejects is rethrown at once, without a retry")
    func notRetryable() async throws {
        let retry = try retry(isRetryable: { ($0 as? Failure)?.attempt != 1 })
        let attempts = Mutex(0)
        await #expect(throws: Failure(attempt: 1)) {
            try await retry.run { attempt in
                attempts.withLock { $0 += 1 }
                throw Failure(attempt: attempt)
            }
        }
        #expect(attempts.withLock { $0 } == 1)
        #expect(harness.value("resilience.retry.calls", ["retry.outcome": "not_retryable"]) == 1)
    }

    @Test("exponential backoff doubles up to its maximum, and jitter spreads each wait with the injected random number")
    func exponentialDelays() throws {
        func policy(_ jitter: RetryPolicy.Jitter) -> RetryPolicy {
            RetryPolicy(backoff: .exponential(
                initial: .milliseconds(50), multiplier: 2, maximum: .milliseconds(300), retries: 5, jitter: jitter))
        }
        let none = policy(.none)
        #expect((1...5).map { none.delay(beforeRetry: $0, random: 0.9) } == [
            .milliseconds(50), .milliseconds(100), .milliseconds(200), .milliseconds(300), .milliseconds(300),
        ])
        #expect(none.delay(beforeRetry: 6, random: 0) == nil && none.maxAttempts == 6)
        // Jittered waits are computed in floating point: equal to the nanosecond, not to the bit.
        func milliseconds(_ delay: Duration?) -> Double? {
            delay.map { (Double($0.components.seconds) * 1e3 + Double($0.components.attoseconds) / 1e15) }
        }
        let full = try #require(milliseconds(policy(.full).delay(beforeRetry: 3, random: 0.25)))
        let low = try #require(milliseconds(policy(.proportional(0.2)).delay(beforeRetry: 3, random: 0)))
        let high = try #require(milliseconds(policy(.proportional(0.2)).delay(beforeRetry: 3, random: 1)))
        #expect(abs(full - 50) < 1e-6 && abs(low - 160) < 1e-6 && abs(high - 240) < 1e-6)
        let huge = RetryPolicy(backoff: .exponential(
            initial: .seconds(1), multiplier: 10, maximum: .seconds(60), retries: 10_000, jitter: .none))
        #expect(huge.delay(beforeRetry: 9_999, random: 0) == .seconds(60), "no overflow however many retries")
    }

    @Test("the retry sleeps the jittered wait its random source chose")
    func jitterOnClock() async throws {
        let retry = try retry(
            .exponential(initial: .seconds(2), multiplier: 2, maximum: .seconds(10), retries: 1, jitter: .full),
            random: { 0.25 })
        let clock = harness.clock
        let start = clock.now
        let call = Task { try await retry.run { attempt in if attempt == 1 { throw Failure() } } }
        await clock.waitForSleepers(count: 1)
        #expect(clock.nextDeadline == start.advanced(by: .milliseconds(500)))
        clock.advance(by: .milliseconds(500))
        try await call.value
    }

    @Test("cancelling the caller during a wait stops the retry with CancellationError")
    func cancellationDuringWait() async throws {
        let retry = try retry()
        let attempts = Mutex(0)
        let call = Task {
            try await retry.run { attempt in
                attempts.withLock { $0 = attempt }
                throw Failure(attempt: attempt)
            }
        }
        await harness.clock.waitForSleepers(count: 1)
        call.cancel()
        await #expect(throws: CancellationError.self) { try await call.value }
        #expect(attempts.withLock { $0 } == 1)
        #expect(harness.value("resilience.retry.calls", ["retry.outcome": "cancelled"]) == 1)
        #expect(retries == 0, "a retry cancelled in its wait was never made")
    }

    @Test("cancelling the caller during an attempt stops the retry with CancellationError, without a retry")
    func cancellationDuringAttempt() async throws {
        let retry = try retry()
        let clock = harness.clock
        let attempts = Mutex(0)
        let call = Task {
            try await retry.run { attempt in
                attempts.withLock { $0 = attempt }
                try await clock.sleep(for: .seconds(3600))
            }
        }
        await clock.waitForSleepers(count: 1)
        call.cancel()
        await #expect(throws: CancellationError.self) { try await call.value }
        #expect(attempts.withLock { $0 } == 1)
        #expect(harness.value("resilience.retry.calls", ["retry.outcome": "cancelled"]) == 1)
        #expect(retries == 0)
        let parent = try #require(harness.spans.named("inventory.fetch").first)
        #expect(parent.attribute("retry.outcome") == .string("cancelled") && parent.attribute("retry.attempts") == .int64(1))
        #expect(parent.status?.code == .error, "documented: a cancelled call's span has an error status")
    }

    @Test("an attempt that answers cancellation with its own error is not classified: the call is cancelled")
    func cancellationWithOwnError() async throws {
        let classified = Mutex(0)
        let retry = try retry(isRetryable: { _ in
            classified.withLock { $0 += 1 }
            return true
        })
        let clock = harness.clock
        let call = Task { try await retry.run { _ in try await clock.sleepUntilCancelledThrowingInterrupted() } }
        await clock.waitForSleepers(count: 1)
        call.cancel()
        await #expect(throws: CancellationError.self) { try await call.value }
        #expect(classified.withLock { $0 } == 0, "a cancelled caller's error went to the classifier")
        #expect(harness.value("resilience.retry.calls", ["retry.outcome": "cancelled"]) == 1)
        #expect(retries == 0)
    }

    @Test("cancelling the caller while an attempt runs under a deadline is a cancellation, not a deadline")
    func cancellationBeforeDeadline() async throws {
        let retry = try retry(timeout: .seconds(10))
        let clock = harness.clock
        let call = Task { try await retry.run { _ in try await clock.sleepUntilCancelledThrowingInterrupted() } }
        await clock.waitForSleepers(count: 2)  // the attempt, and the deadline beside it
        call.cancel()
        await #expect(throws: CancellationError.self) { try await call.value }
        #expect(harness.value("resilience.retry.calls", ["retry.outcome": "cancelled"]) == 1)
        #expect(harness.value("resilience.retry.calls", ["retry.outcome": "deadline_exceeded"]) ?? 0 == 0)
        #expect(clock.sleeperCount == 0, "the deadline's sleeper outlived the call")
    }

    @Test("the overall deadline cancels an attempt still running when it passes")
    func deadlineCutsAttempt() async throws {
        let retry = try retry(timeout: .seconds(1))
        let clock = harness.clock
        let sawCancellation = Mutex(false)
        let call = Task {
            try await retry.run { _ in
                do {
                    try await clock.sleep(for: .seconds(3600))
                } catch {
                    sawCancellation.withLock { $0 = error is CancellationError }
                    throw error
                }
            }
        }
        await clock.waitForSleepers(count: 2)  // the attempt, and the deadline beside it
        clock.advance(by: .seconds(1))
        do {
            try await call.value
            Issue.record("the call outlived its deadline")
        } catch let error as RetryDeadlineExceededError {
            #expect(error.attempts == 1 && error.lastError == nil)
        }
        #expect(sawCancellation.withLock { $0 })
        #expect(harness.value("resilience.retry.calls", ["retry.outcome": "deadline_exceeded"]) == 1)
    }

    @Test("no retry starts whose wait would end past the deadline")
    func deadlineStopsRetries() async throws {
        let clock = SleepSignallingClock(harness.clock)
        let retry = try retry(timeout: .milliseconds(550), clock: clock)
        let start = clock.now
        let call = Task { try await retry.run { attempt in throw Failure(attempt: attempt) } }
        // The deadline's own sleeper comes and goes with each attempt; the wait is the one due at 100 ms.
        await clock.waitForSleep(until: start.advanced(by: .milliseconds(100)))
        harness.clock.advance(by: .milliseconds(100))
        do {
            try await call.value
            Issue.record("the call retried past its deadline")
        } catch let error as RetryDeadlineExceededError {
            #expect(error.attempts == 2)
            #expect(error.lastError as? Failure == Failure(attempt: 2))
        }
        #expect(clock.now == start.advanced(by: .milliseconds(100)), "it gave up without waiting the 500 ms")
    }

    @Test("out-of-range policies are refused when the retry is made")
    func invalidPolicy() {
        #expect(throws: ResilienceConfigurationError.self) {
            try Retry("r", policy: RetryPolicy(backoff: .fixed([.seconds(-1)])))
        }
        #expect(throws: ResilienceConfigurationError.self) {
            try Retry("r", policy: RetryPolicy(backoff: .exponential(
                initial: .seconds(1), multiplier: 0.5, maximum: .seconds(2), retries: 3, jitter: .none)))
        }
        #expect(throws: ResilienceConfigurationError.self) {
            try Retry("r", policy: RetryPolicy(backoff: .fixed([]), timeout: .zero))
        }
        #expect(throws: ResilienceConfigurationError.self) {
            try Retry("r", policy: RetryPolicy(backoff: .exponential(
                initial: .seconds(1), multiplier: 2, maximum: .seconds(2), retries: .max, jitter: .none)))
        }
        #expect(throws: ResilienceConfigurationError.self) {
            try Retry("r", policy: RetryPolicy(backoff: .exponential(
                initial: .seconds(1), multiplier: 2, maximum: .seconds(2), retries: RetryPolicy.maximumRetries + 1,
                jitter: .none)))
        }
        #expect(throws: Never.self) {
            try Retry("r", policy: RetryPolicy(backoff: .exponential(
                initial: .seconds(1), multiplier: 2, maximum: .seconds(2), retries: RetryPolicy.maximumRetries,
                jitter: .none)))
        }
    }

    @Test("maxAttempts saturates instead of overflowing for a policy not yet validated")
    func maxAttemptsSaturates() {
        let policy = RetryPolicy(backoff: .exponential(
            initial: .seconds(1), multiplier: 2, maximum: .seconds(2), retries: .max, jitter: .none))
        #expect(policy.maxAttempts == .max)
    }
}
