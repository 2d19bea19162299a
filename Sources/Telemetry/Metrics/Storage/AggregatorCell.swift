import Synchronization

/// The state of one series under one aggregation: what a measurement updates, and what a collection reads.
///
/// Cells are reference types so that a bound instrument can keep one and record without finding it again. They take
/// measurements as ``NumberValue`` rather than being generic over the instrument's number type: the recording path
/// then compiles to concrete code inside this module, whatever the caller's module knows.
protocol AggregatorCell: AnyObject, Sendable {
    associatedtype Snapshot: Sendable

    /// Records one measurement. Returns false when the aggregation cannot take the value (NaN or an infinity in a
    /// histogram), which the stream counts.
    @discardableResult
    func record(_ value: NumberValue) -> Bool

    /// The state, or `nil` when nothing was recorded since the last reset. With `reset`, the state starts over: the
    /// collection of delta temporality.
    func collect(reset: Bool) -> Snapshot?

    /// Whether nothing was recorded since the last reset.
    var isIdle: Bool { get }

    /// Offers a measurement that passed the exemplar filter to the series' reservoir.
    func offerExemplar(_ value: NumberValue, candidate: ExemplarCandidate)

    /// The exemplars taken from `start` to `end`, with the attributes `seriesAttributes` leave out; those taken
    /// after `end` wait for the next collection.
    func collectExemplars(seriesAttributes: AttributeSet, start: UInt64, end: UInt64) -> [Exemplar]
}

extension NumberValue {
    /// The value as an integer: a double's is rounded toward zero and clamped, for a series of integers.
    var integerValue: Int64 {
        switch self {
        case .int(let value): return value
        case .double(let value):
            if value.isNaN { return 0 }
            return Int64(exactly: value.rounded(.towardZero)) ?? (value < 0 ? .min : .max)
        }
    }
}

/// A series' exemplar reservoir, made the first time the series is offered a measurement.
struct LazyExemplarReservoir: ~Copyable, Sendable {
    private let reservoir = AtomicLazyReference<ExemplarReservoir>()
    private let layout: ExemplarReservoir.Layout

    init(_ layout: ExemplarReservoir.Layout) {
        self.layout = layout
    }

    func offer(_ value: NumberValue, candidate: ExemplarCandidate) {
        let reservoir = self.reservoir.load() ?? self.reservoir.storeIfNil(ExemplarReservoir(layout: layout))
        reservoir.offer(value, candidate: candidate)
    }

    func collect(seriesAttributes: AttributeSet, start: UInt64, end: UInt64) -> [Exemplar] {
        reservoir.load()?.collect(seriesAttributes: seriesAttributes, start: start, end: end) ?? []
    }
}

/// The sum aggregation: one atomic word, and whether it was touched since the last reset.
final class SumCell: AggregatorCell {
    private let word = Atomic<UInt64>(0)
    private let touched = Atomic(false)
    private let isDouble: Bool
    private let exemplars = LazyExemplarReservoir(.single)

    /// - Parameter isDouble: Whether the word holds a `Double` rather than an `Int64`.
    init(isDouble: Bool) {
        self.isDouble = isDouble
    }

    @discardableResult
    func record(_ value: NumberValue) -> Bool {
        if isDouble {
            let double = value.doubleValue
            var current = word.load(ordering: .relaxed)
            while true {
                let (exchanged, original) = word.compareExchange(
                    expected: current, desired: (Double(bitPattern: current) + double).bitPattern,
                    ordering: .acquiringAndReleasing)
                if exchanged { break }
                current = original
            }
        } else {
            // Two's complement addition is the same operation on the unsigned bits; a sum past Int64.max wraps, as
            // the integer counters of other SDKs do. Acquire-release orders the load of `touched` below after it.
            word.wrappingAdd(UInt64(bitPattern: value.integerValue), ordering: .acquiringAndReleasing)
        }
        // Loaded first: between collections the flag is already set, and a load keeps the cache line shared where a
        // store on every measurement would bounce it between cores. The addition orders this load after it, so a
        // load that still sees the flag set sees it before a collection clears it, and that collection then takes
        // this addition.
        if !touched.load(ordering: .acquiring) { touched.store(true, ordering: .releasing) }
        return true
    }

    func collect(reset: Bool) -> NumberValue? {
        guard reset else {
            return touched.load(ordering: .acquiring) ? number(word.load(ordering: .relaxed)) : nil
        }
        // Cleared before the sum is taken: a measurement racing with this collection lands in this interval or the
        // next, and is never lost.
        guard touched.exchange(false, ordering: .acquiringAndReleasing) else { return nil }
        return number(word.exchange(0, ordering: .relaxed))
    }

    var isIdle: Bool { !touched.load(ordering: .acquiring) }

    func offerExemplar(_ value: NumberValue, candidate: ExemplarCandidate) {
        exemplars.offer(value, candidate: candidate)
    }

    func collectExemplars(seriesAttributes: AttributeSet, start: UInt64, end: UInt64) -> [Exemplar] {
        exemplars.collect(seriesAttributes: seriesAttributes, start: start, end: end)
    }

    private func number(_ bits: UInt64) -> NumberValue {
        isDouble ? .double(Double(bitPattern: bits)) : .int(Int64(bitPattern: bits))
    }
}

/// The last value aggregation: the newest measurement, in one atomic word.
final class LastValueCell: AggregatorCell {
    private let word = Atomic<UInt64>(0)
    private let touched = Atomic(false)
    private let isDouble: Bool
    private let exemplars = LazyExemplarReservoir(.single)

    /// - Parameter isDouble: Whether the word holds a `Double` rather than an `Int64`.
    init(isDouble: Bool) {
        self.isDouble = isDouble
    }

    @discardableResult
    func record(_ value: NumberValue) -> Bool {
        word.store(isDouble ? value.doubleValue.bitPattern : UInt64(bitPattern: value.integerValue), ordering: .relaxed)
        touched.store(true, ordering: .releasing)
        return true
    }

    func collect(reset: Bool) -> NumberValue? {
        let wasTouched = reset ? touched.exchange(false, ordering: .acquiringAndReleasing) : touched.load(ordering: .acquiring)
        guard wasTouched else { return nil }
        let bits = word.load(ordering: .relaxed)
        return isDouble ? .double(Double(bitPattern: bits)) : .int(Int64(bitPattern: bits))
    }

    var isIdle: Bool { !touched.load(ordering: .acquiring) }

    func offerExemplar(_ value: NumberValue, candidate: ExemplarCandidate) {
        exemplars.offer(value, candidate: candidate)
    }

    func collectExemplars(seriesAttributes: AttributeSet, start: UInt64, end: UInt64) -> [Exemplar] {
        exemplars.collect(seriesAttributes: seriesAttributes, start: start, end: end)
    }
}

/// The explicit bucket histogram aggregation, under a lock of its own: one series' lock, never the instrument's.
final class HistogramCell: AggregatorCell {
    private let state: Mutex<ExplicitBucketHistogramState>
    private let exemplars: LazyExemplarReservoir

    init(state: ExplicitBucketHistogramState) {
        self.state = Mutex(state)
        exemplars = LazyExemplarReservoir(.histogramBuckets(state.boundaries))
    }

    @discardableResult
    func record(_ value: NumberValue) -> Bool {
        let double = value.doubleValue
        return state.withLock { $0.record(double) }
    }

    func collect(reset: Bool) -> ExplicitBucketHistogramSnapshot? {
        state.withLock { state in
            guard state.count > 0 else { return nil }
            defer { if reset { state.reset() } }
            return state.snapshot()
        }
    }

    var isIdle: Bool { state.withLock { $0.count == 0 } }

    func offerExemplar(_ value: NumberValue, candidate: ExemplarCandidate) {
        exemplars.offer(value, candidate: candidate)
    }

    func collectExemplars(seriesAttributes: AttributeSet, start: UInt64, end: UInt64) -> [Exemplar] {
        exemplars.collect(seriesAttributes: seriesAttributes, start: start, end: end)
    }
}

/// The base-2 exponential bucket histogram aggregation, under a lock of its own.
final class ExponentialHistogramCell: AggregatorCell {
    private let state: Mutex<ExponentialHistogramState>
    private let exemplars: LazyExemplarReservoir

    init(state: ExponentialHistogramState) {
        self.state = Mutex(state)
        // The specification's default: as many exemplars as buckets, at most twenty.
        exemplars = LazyExemplarReservoir(.fixedSize(min(20, state.maxSize)))
    }

    @discardableResult
    func record(_ value: NumberValue) -> Bool {
        let double = value.doubleValue
        return state.withLock { $0.record(double) }
    }

    func collect(reset: Bool) -> ExponentialHistogramSnapshot? {
        state.withLock { state in
            guard state.count > 0 else { return nil }
            defer { if reset { state.reset() } }
            return state.snapshot()
        }
    }

    var isIdle: Bool { state.withLock { $0.count == 0 } }

    func offerExemplar(_ value: NumberValue, candidate: ExemplarCandidate) {
        exemplars.offer(value, candidate: candidate)
    }

    func collectExemplars(seriesAttributes: AttributeSet, start: UInt64, end: UInt64) -> [Exemplar] {
        exemplars.collect(seriesAttributes: seriesAttributes, start: start, end: end)
    }
}
