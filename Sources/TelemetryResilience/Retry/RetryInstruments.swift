import Telemetry

/// The retry's metrics. With no meter, every call is a no-op.
///
/// - `resilience.retry.calls` (counter, `{call}`): calls, by how they ended, `retry.outcome`: `success` (first
///   attempt), `success_after_retry`, `exhausted` (every attempt failed), `not_retryable`, `deadline_exceeded`,
///   `cancelled`.
/// - `resilience.retry.retries` (counter, `{retry}`): retries made, each after its wait.
///
/// Every series carries `retry.name`.
struct RetryInstruments: Sendable {
    enum Outcome: String, CaseIterable {
        case success
        case successAfterRetry = "success_after_retry"
        case exhausted
        case notRetryable = "not_retryable"
        case deadlineExceeded = "deadline_exceeded"
        case cancelled
    }

    private let calls: [BoundCounter<Int64>]
    private let retries: BoundCounter<Int64>?

    init(meter: Meter?, name: String) {
        guard let meter else {
            (calls, retries) = ([], nil)
            return
        }
        let counter = meter.makeCounter(
            name: "resilience.retry.calls", unit: "{call}", description: "Calls made with retries, by outcome")
        calls = Outcome.allCases.map { outcome in
            counter.bind(["retry.name": .string(name), "retry.outcome": .string(outcome.rawValue)])
        }
        retries = meter.makeCounter(name: "resilience.retry.retries", unit: "{retry}", description: "Retries made")
            .bind(["retry.name": .string(name)])
    }

    func record(_ outcome: Outcome) {
        guard !calls.isEmpty, let index = Outcome.allCases.firstIndex(of: outcome) else { return }
        calls[index].add(1)
    }

    func recordRetry() {
        retries?.add(1)
    }
}
