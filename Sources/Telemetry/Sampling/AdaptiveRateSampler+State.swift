/// The per-key bookkeeping of ``AdaptiveRateSampler``: arrivals counted per window, an estimate of each key's rate,
/// and the probability that brings the key to its target. A value type without locks or clocks, so its arithmetic
/// is tested directly.
struct AdaptiveRateState {
    struct Entry {
        var probability: Double = 1
        var threshold: SamplingThreshold = .alwaysSample
        /// Root spans seen, and sampled, since `since`.
        var arrivals = 0
        var sampled = 0
        /// The start of this key's current count: the window's start, or when the key first appeared in it.
        var since: ContinuousClock.Instant
        /// The smoothed rate of root spans per second, once a window has been seen.
        var rate: Double?
        /// Windows in a row without a single root span: a key idle long enough gives its slot back.
        var idleWindows = 0
    }

    let target: Double
    let interval: Duration
    let maxKeys: Int
    let precision: Int
    private(set) var entries: [String: Entry] = [:]
    private var windowStart: ContinuousClock.Instant

    /// Weight of the newest window in the smoothed rate: high enough to follow a change within a few windows, low
    /// enough that one quiet or busy window does not swing the probability.
    static let smoothing = 0.5
    /// Windows a key may go without traffic before its slot is freed for another key.
    static let idleWindowsBeforeEviction = 10
    /// The shortest stretch a rate is estimated over, so that the first spans of a window do not read as a huge rate.
    static let minimumElapsed = Duration.milliseconds(10)

    init(target: Double, interval: Duration, maxKeys: Int, precision: Int, now: ContinuousClock.Instant) {
        self.target = target
        self.interval = interval
        self.maxKeys = maxKeys
        self.precision = precision
        self.windowStart = now
    }

    /// Counts one root span of `key` and decides it: the threshold it was sampled with, or `nil` when it was not.
    mutating func decide(key: String, randomness: UInt64, at now: ContinuousClock.Instant) -> SamplingThreshold? {
        if now - windowStart >= interval { closeWindow(at: now) }
        let slot = self.slot(for: key, at: now)
        var entry = entries[slot] ?? Entry(since: now)
        entry.arrivals += 1
        let threshold = entry.threshold
        let sampled = threshold.shouldSample(randomness: randomness)
        if sampled {
            entry.sampled += 1
            // A key busier than its probability allows uses up its window's share early: adjust now instead of at the
            // window's end, so that a sudden flood on one key costs at most about one window's share.
            if Double(entry.sampled) >= target * interval.inSeconds {
                let elapsed = max(now - entry.since, Self.minimumElapsed)
                adjust(&entry, toRate: Double(entry.arrivals) / elapsed.inSeconds)
            }
        }
        entries[slot] = entry
        return sampled ? threshold : nil
    }

    /// The key's slot: its own while there is room, else ``AdaptiveRateSampler/overflowKey``, which takes the last
    /// of the `maxKeys` slots.
    private mutating func slot(for key: String, at now: ContinuousClock.Instant) -> String {
        if entries[key] != nil { return key }
        let overflowTaken = entries[AdaptiveRateSampler.overflowKey] != nil ? 0 : 1
        if entries.count + overflowTaken < maxKeys {
            entries[key] = Entry(since: now)
            return key
        }
        return AdaptiveRateSampler.overflowKey
    }

    /// Ends the window: every key's rate estimate takes in what the window saw, and its probability follows.
    ///
    /// Windows close only when a root arrives, so one call may end many: after an hour without roots, a key that had
    /// one in the first window has been idle for all the others, and idleness is counted in windows elapsed.
    private mutating func closeWindow(at now: ContinuousClock.Instant) {
        // Clamped before the conversion, which would trap beyond Int's range; more than enough to evict.
        let windows = max(1, Int(min((now - windowStart) / interval, Double(Self.idleWindowsBeforeEviction))))
        for key in Array(entries.keys) {
            guard var entry = entries[key] else { continue }
            let elapsed = max(now - entry.since, Self.minimumElapsed)
            let observed = Double(entry.arrivals) / elapsed.inSeconds
            let rate = entry.rate.map { Self.smoothing * observed + (1 - Self.smoothing) * $0 } ?? observed
            // Roots in the window that closed first keep the key busy there; every later window elapsed was idle.
            entry.idleWindows = entry.arrivals == 0 ? entry.idleWindows + windows : windows - 1
            if entry.idleWindows >= Self.idleWindowsBeforeEviction {
                entries[key] = nil
                continue
            }
            adjust(&entry, toRate: rate)
            entry.rate = rate
            entry.arrivals = 0
            entry.sampled = 0
            entry.since = now
            entries[key] = entry
        }
        windowStart = now
    }

    /// Sets the probability that samples `target` of `rate` root spans per second.
    private func adjust(_ entry: inout Entry, toRate rate: Double) {
        let probability = rate <= target ? 1 : max(target / rate, AdaptiveRateSampler.minimumProbability)
        entry.probability = probability
        entry.threshold = SamplingThreshold.rounded(probability: probability, precision: precision)
    }
}
