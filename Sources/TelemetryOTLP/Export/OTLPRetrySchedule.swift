import Foundation
import Telemetry

/// When the exporter retries a batch and when it gives up: a pure function of an attempt's outcome and the time the
/// batch has taken, so that the rules are tested without a network or a clock.
///
/// The rules follow the OTLP exporter specification: retryable failures are retried with exponential backoff and
/// jitter; a server's `Retry-After` or gRPC `RetryInfo` delay is honoured as the least wait; and no attempt starts
/// once the export timeout would be spent.
struct OTLPRetrySchedule: Sendable, Hashable {
    /// What to do after one attempt.
    enum Decision: Sendable, Hashable {
        /// The collector accepted the batch.
        case done
        /// Wait this long, then try again.
        case retry(after: Duration)
        /// Stop: the failure is permanent, or the next attempt could not start within the export timeout.
        case giveUp
    }

    /// How long one attempt may take.
    enum AttemptBudget: Sendable, Hashable {
        /// The export timeout is `.zero`: no limit.
        case unlimited
        /// What is left of the export timeout.
        case upTo(Duration)
        /// The export timeout is spent.
        case exhausted
    }

    /// The shortest wait before a retry, whatever the server or the policy says, so that `Retry-After: 0` or a zero
    /// backoff cannot turn into a loop that hammers the collector.
    static let minimumWait = Duration.milliseconds(50)

    var policy: OTLPRetryPolicy
    /// The export timeout; `.zero` means no limit.
    var timeout: Duration

    /// What to do after attempt number `attempt` (from 1) ended with `result`, `elapsed` after the batch's first
    /// attempt started.
    ///
    /// - Parameter jitter: A factor from 0.5 to 1 that scales the backoff, drawn at random for each retry so that
    ///   exporters that failed together do not retry together. Values outside that range are clamped to it.
    func decision(after result: OTLPSendResult, attempt: Int, elapsed: Duration, jitter: Double) -> Decision {
        switch result {
        case .accepted: return .done
        case .rejected: return .giveUp
        case .retryable(_, let retryAfter):
            // The server's delay is the least wait; the backoff still applies, so that `Retry-After: 0` backs off.
            let backoff = Self.scaled(backoff(afterAttempt: attempt), by: jitter.isNaN ? 1 : min(1, max(0.5, jitter)))
            let wait = min(max(backoff, retryAfter ?? .zero, Self.minimumWait), .longestConfigurable)
            if timeout > .zero, elapsed + wait >= timeout { return .giveUp }
            return .retry(after: wait)
        }
    }

    /// How long the next attempt may take, `elapsed` after the batch's first attempt started.
    func budget(elapsed: Duration) -> AttemptBudget {
        guard timeout > .zero else { return .unlimited }
        let remaining = timeout - elapsed
        return remaining > .zero ? .upTo(remaining) : .exhausted
    }

    /// The backoff after attempt number `attempt` failed, before jitter: the initial backoff grown by the
    /// multiplier once per earlier retry, and at most the maximum backoff.
    func backoff(afterAttempt attempt: Int) -> Duration {
        let maximum = max(policy.maxBackoff, .zero)
        let initial = min(max(policy.initialBackoff, .zero), maximum)
        // In floating point, so that many attempts or a large multiplier saturate instead of overflowing.
        let grown = Self.seconds(initial) * pow(policy.multiplier, Double(max(0, attempt - 1)))
        guard grown.isFinite, grown < Self.seconds(maximum) else { return maximum }
        return .seconds(max(0, grown))
    }

    private static func scaled(_ duration: Duration, by factor: Double) -> Duration {
        .seconds(seconds(duration) * factor)
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
