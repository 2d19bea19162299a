/// The outcomes of a circuit breaker's recent calls, in fixed memory: how many calls, and how many of them failed.
struct FailureWindow {
    private enum Storage {
        /// A ring of the last calls' outcomes, `true` for a failure.
        case calls(outcomes: [Bool], next: Int, count: Int, failures: Int)
        /// Ten buckets, each counting the calls of one tenth of the window.
        case time(buckets: [Bucket], width: Duration, origin: ContinuousClock.Instant)
    }

    private struct Bucket {
        /// Which tenth since the origin this bucket counts; -1 before its first use.
        var index = -1
        var calls = 0
        var failures = 0
    }

    private static let bucketCount = 10
    private var storage: Storage

    init(_ window: CircuitBreakerConfiguration.Window, now: ContinuousClock.Instant) {
        switch window {
        case .calls(let size):
            storage = .calls(outcomes: Array(repeating: false, count: size), next: 0, count: 0, failures: 0)
        case .time(let duration):
            storage = .time(
                buckets: Array(repeating: Bucket(), count: Self.bucketCount), width: duration / Self.bucketCount,
                origin: now)
        }
    }

    mutating func record(failed: Bool, at now: ContinuousClock.Instant) {
        switch storage {
        case .calls(var outcomes, var next, var count, var failures):
            storage = .calls(outcomes: [], next: 0, count: 0, failures: 0)  // frees `outcomes` for an in-place write
            if count == outcomes.count {
                if outcomes[next] { failures -= 1 }
            } else {
                count += 1
            }
            outcomes[next] = failed
            if failed { failures += 1 }
            next = (next + 1) % outcomes.count
            storage = .calls(outcomes: outcomes, next: next, count: count, failures: failures)
        case .time(var buckets, let width, let origin):
            storage = .time(buckets: [], width: width, origin: origin)
            let index = Self.index(of: now, origin: origin, width: width)
            let slot = index % Self.bucketCount
            if buckets[slot].index != index { buckets[slot] = Bucket(index: index) }
            buckets[slot].calls += 1
            if failed { buckets[slot].failures += 1 }
            storage = .time(buckets: buckets, width: width, origin: origin)
        }
    }

    /// The calls in the window at `now`, and the failed ones among them.
    func counts(at now: ContinuousClock.Instant) -> (calls: Int, failures: Int) {
        switch storage {
        case .calls(_, _, let count, let failures):
            return (count, failures)
        case .time(let buckets, let width, let origin):
            let index = Self.index(of: now, origin: origin, width: width)
            return buckets.filter { $0.index > index - Self.bucketCount && $0.index <= index }
                .reduce(into: (0, 0)) { total, bucket in
                    total.0 += bucket.calls
                    total.1 += bucket.failures
                }
        }
    }

    func isTripped(by threshold: CircuitBreakerConfiguration.Threshold, at now: ContinuousClock.Instant) -> Bool {
        let (calls, failures) = counts(at: now)
        switch threshold {
        case .failures(let limit):
            return failures >= limit
        case .failureRate(let rate, let minimumCalls):
            return calls >= minimumCalls && Double(failures) >= rate * Double(calls)
        }
    }

    private static func index(of now: ContinuousClock.Instant, origin: ContinuousClock.Instant, width: Duration) -> Int {
        // The clock is monotonic, so `now` is never before the origin; clamped all the same, as a negative index
        // would pick no bucket.
        let elapsed = origin.duration(to: now) / width
        guard elapsed.isFinite, elapsed > 0 else { return 0 }
        return Int(min(elapsed, 1e15))
    }
}
