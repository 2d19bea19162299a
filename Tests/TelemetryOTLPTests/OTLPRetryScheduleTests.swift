import Telemetry
@testable import TelemetryOTLP
import TelemetryTesting
import Testing

@Suite("OTLP retry schedule, as a pure function")
struct OTLPRetryScheduleTests {
    typealias Decision = OTLPRetrySchedule.Decision

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var policy = OTLPRetryPolicy(initialBackoff: .seconds(1), maxBackoff: .seconds(5), multiplier: 1.5)
        var timeout: Duration = .seconds(10)
        var result: OTLPSendResult
        var attempt = 1
        var elapsed: Duration = .zero
        var jitter = 1.0
        var expected: Decision

        var testDescription: String { name }
    }

    static let unavailable = OTLPSendResult.retryable(reason: "HTTP 503", retryAfter: nil)

    static func retryAfter(_ delay: Duration) -> OTLPSendResult {
        .retryable(reason: "HTTP 429", retryAfter: delay)
    }

    static let cases: [Case] = [
        Case(name: "accepted is done", result: .accepted([]), expected: .done),
        Case(name: "rejected gives up at once", result: .rejected(reason: "HTTP 400"), expected: .giveUp),
        Case(name: "first retry waits the initial backoff", result: unavailable, expected: .retry(after: .seconds(1))),
        Case(name: "jitter scales the backoff down to half", result: unavailable, jitter: 0.5, expected: .retry(after: .milliseconds(500))),
        Case(name: "the backoff grows by the multiplier", result: unavailable, attempt: 3, expected: .retry(after: .milliseconds(2250))),
        Case(name: "the backoff stops at its maximum", result: unavailable, attempt: 30, expected: .retry(after: .seconds(5))),
        Case(name: "Retry-After longer than the backoff is honoured", result: retryAfter(.seconds(3)), expected: .retry(after: .seconds(3))),
        Case(name: "Retry-After: 0 still backs off", result: retryAfter(.zero), expected: .retry(after: .seconds(1))),
        Case(
            name: "Retry-After: 0 with a zero backoff waits the minimum",
            policy: OTLPRetryPolicy(initialBackoff: .zero, maxBackoff: .zero),
            result: retryAfter(.zero),
            expected: .retry(after: OTLPRetrySchedule.minimumWait)
        ),
        Case(name: "no retry that would end after the timeout", result: unavailable, elapsed: .milliseconds(9500), expected: .giveUp),
        Case(name: "no retry that would end exactly at the timeout", result: unavailable, elapsed: .seconds(9), jitter: 1, expected: .giveUp),
        Case(name: "a retry that ends before the timeout", result: unavailable, elapsed: .milliseconds(8999), expected: .retry(after: .seconds(1))),
        Case(name: "Retry-After beyond the timeout gives up", result: retryAfter(.seconds(60)), expected: .giveUp),
        Case(name: "a zero timeout is no limit", timeout: .zero, result: unavailable, elapsed: .seconds(1_000_000), expected: .retry(after: .seconds(1))),
        Case(
            name: "an enormous Retry-After saturates without a limit",
            timeout: .zero,
            result: retryAfter(.seconds(Int64.max)),
            expected: .retry(after: .longestConfigurable)
        ),
        Case(name: "an enormous Retry-After gives up within a limit", result: retryAfter(.seconds(Int64.max)), expected: .giveUp),
        Case(
            name: "an absurd multiplier saturates at the maximum",
            policy: OTLPRetryPolicy(initialBackoff: .seconds(1), maxBackoff: .seconds(5), multiplier: .greatestFiniteMagnitude),
            result: unavailable,
            attempt: 10_000,
            expected: .retry(after: .seconds(5))
        ),
        Case(
            name: "an enormous maximum backoff saturates",
            policy: OTLPRetryPolicy(initialBackoff: .seconds(Int64.max), maxBackoff: .seconds(Int64.max)),
            timeout: .zero,
            result: unavailable,
            expected: .retry(after: .longestConfigurable)
        ),
        Case(name: "jitter above 1 is clamped", result: unavailable, jitter: 7, expected: .retry(after: .seconds(1))),
        Case(name: "jitter below 0.5 is clamped", result: unavailable, jitter: -3, expected: .retry(after: .milliseconds(500))),
        Case(name: "NaN jitter is no jitter", result: unavailable, jitter: .nan, expected: .retry(after: .seconds(1))),
    ]

    @Test("decisions", arguments: cases)
    func decision(_ testCase: Case) {
        let schedule = OTLPRetrySchedule(policy: testCase.policy, timeout: testCase.timeout)
        let decision = schedule.decision(
            after: testCase.result, attempt: testCase.attempt, elapsed: testCase.elapsed, jitter: testCase.jitter)
        #expect(decision == testCase.expected)
    }

    @Test("every retry waits at least the minimum, whatever the inputs")
    func neverATightLoop() {
        var random = SeededGenerator(seed: 42)
        for _ in 0..<2000 {
            let policy = OTLPRetryPolicy(
                initialBackoff: .milliseconds(Int64.random(in: -10...3000, using: &random)),
                maxBackoff: .milliseconds(Int64.random(in: -10...6000, using: &random)),
                multiplier: Double.random(in: 0...4, using: &random)
            )
            let schedule = OTLPRetrySchedule(policy: policy, timeout: .zero)
            let retryAfter: Duration? = Bool.random(using: &random) ? .milliseconds(Int64.random(in: 0...100, using: &random)) : nil
            let decision = schedule.decision(
                after: .retryable(reason: "x", retryAfter: retryAfter),
                attempt: Int.random(in: 1...50, using: &random),
                elapsed: .zero,
                jitter: Double.random(in: 0.5...1, using: &random)
            )
            guard case .retry(let wait) = decision else {
                Issue.record("without a limit a retryable failure is retried, got \(decision)")
                return
            }
            #expect(wait >= OTLPRetrySchedule.minimumWait)
            if let retryAfter { #expect(wait >= retryAfter) }
        }
    }

    @Test("the attempt budget: no limit, what is left, or nothing")
    func budget() {
        #expect(OTLPRetrySchedule(policy: .init(), timeout: .zero).budget(elapsed: .seconds(99_999)) == .unlimited)
        let schedule = OTLPRetrySchedule(policy: .init(), timeout: .seconds(10))
        #expect(schedule.budget(elapsed: .zero) == .upTo(.seconds(10)))
        #expect(schedule.budget(elapsed: .seconds(4)) == .upTo(.seconds(6)))
        #expect(schedule.budget(elapsed: .seconds(10)) == .exhausted)
        #expect(schedule.budget(elapsed: .seconds(11)) == .exhausted)
    }
}
