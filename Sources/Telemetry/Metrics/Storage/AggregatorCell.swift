import Synchronization

/// The state of one series under one aggregation: what a measurement updates, and what a collection reads.
///
/// Cells are reference types so that a bound instrument can keep one and record without finding it again.
protocol AggregatorCell<Measurement>: AnyObject, Sendable {
    associatedtype Measurement: Sendable
    associatedtype Snapshot: Sendable

    /// Records one measurement. Returns false when the aggregation cannot take the value (NaN or an infinity in a
    /// histogram), which the stream counts.
    @discardableResult
    func record(_ value: Measurement) -> Bool

    /// The state, or `nil` when nothing was recorded since the last reset. With `reset`, the state starts over: the
    /// collection of delta temporality.
    func collect(reset: Bool) -> Snapshot?

    /// Whether nothing was recorded since the last reset.
    var isIdle: Bool { get }
}

/// The sum aggregation: one atomic word, and whether it was touched since the last reset.
final class SumCell<Value: MetricValue>: AggregatorCell {
    private let word = Atomic<UInt64>(0)
    private let touched = Atomic(false)

    init() {}

    @discardableResult
    func record(_ value: Value) -> Bool {
        Value._add(value, to: word)
        // Loaded first: between collections the flag is already set, and a load keeps the cache line shared where a
        // store on every measurement would bounce it between cores. The addition orders this load after it (see
        // `MetricValue._add`), so a load that still sees the flag set sees it before a collection clears it, and
        // that collection then takes this addition.
        if !touched.load(ordering: .acquiring) { touched.store(true, ordering: .releasing) }
        return true
    }

    func collect(reset: Bool) -> Value? {
        guard reset else {
            return touched.load(ordering: .acquiring) ? Value(_metricBits: word.load(ordering: .relaxed)) : nil
        }
        // Cleared before the sum is taken: a measurement racing with this collection lands in this interval or the
        // next, and is never lost.
        guard touched.exchange(false, ordering: .acquiringAndReleasing) else { return nil }
        return Value(_metricBits: word.exchange(0, ordering: .relaxed))
    }

    var isIdle: Bool { !touched.load(ordering: .acquiring) }
}

/// The last value aggregation: the newest measurement, in one atomic word.
final class LastValueCell<Value: MetricValue>: AggregatorCell {
    private let word = Atomic<UInt64>(0)
    private let touched = Atomic(false)

    init() {}

    @discardableResult
    func record(_ value: Value) -> Bool {
        word.store(value._metricBits, ordering: .relaxed)
        touched.store(true, ordering: .releasing)
        return true
    }

    func collect(reset: Bool) -> Value? {
        let wasTouched = reset ? touched.exchange(false, ordering: .acquiringAndReleasing) : touched.load(ordering: .acquiring)
        return wasTouched ? Value(_metricBits: word.load(ordering: .relaxed)) : nil
    }

    var isIdle: Bool { !touched.load(ordering: .acquiring) }
}

/// The explicit bucket histogram aggregation, under a lock of its own: one series' lock, never the instrument's.
final class HistogramCell<Value: MetricValue>: AggregatorCell {
    private let state: Mutex<ExplicitBucketHistogramState>

    init(state: ExplicitBucketHistogramState) {
        self.state = Mutex(state)
    }

    @discardableResult
    func record(_ value: Value) -> Bool {
        state.withLock { $0.record(value._doubleValue) }
    }

    func collect(reset: Bool) -> ExplicitBucketHistogramSnapshot? {
        state.withLock { state in
            guard state.count > 0 else { return nil }
            defer { if reset { state.reset() } }
            return state.snapshot()
        }
    }

    var isIdle: Bool { state.withLock { $0.count == 0 } }
}

/// The base-2 exponential bucket histogram aggregation, under a lock of its own.
final class ExponentialHistogramCell<Value: MetricValue>: AggregatorCell {
    private let state: Mutex<ExponentialHistogramState>

    init(state: ExponentialHistogramState) {
        self.state = Mutex(state)
    }

    @discardableResult
    func record(_ value: Value) -> Bool {
        state.withLock { $0.record(value._doubleValue) }
    }

    func collect(reset: Bool) -> ExponentialHistogramSnapshot? {
        state.withLock { state in
            guard state.count > 0 else { return nil }
            defer { if reset { state.reset() } }
            return state.snapshot()
        }
    }

    var isIdle: Bool { state.withLock { $0.count == 0 } }
}
