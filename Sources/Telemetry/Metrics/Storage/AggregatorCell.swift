import CTelemetryShims
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The state of one series under one aggregation: what a measurement updates, and what a collection reads.
///
/// Cells are reference types so that a bound instrument can keep one and record without finding it again. They take
/// measurements as ``NumberValue`` rather than being generic over the instrument's number type: the recording path
/// then compiles to concrete code inside this module, whatever the caller's module knows.
protocol AggregatorCell: AnyObject, Sendable {
    associatedtype Snapshot: Sendable

    /// Records one measurement. Returns false when the aggregation cannot take the value (NaN or an infinity in a
    /// histogram), which the cell counts in ``rejectedCount``.
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

    /// Measurements the aggregation could not take, such as a NaN in a histogram.
    var rejectedCount: Int { get }

    /// Whether the aggregation can take `value` at all; a stream asks before it makes a series for a measurement.
    static func accepts(_ value: NumberValue) -> Bool
}

extension AggregatorCell {
    var rejectedCount: Int { 0 }

    static func accepts(_ value: NumberValue) -> Bool { true }

    /// Records `value`, and offers it to the series' exemplars when `exemplar` says so: what a bound instrument does,
    /// holding the cell itself.
    @inline(__always)
    func record(_ value: NumberValue, exemplar: ExemplarCandidate?) {
        if record(value), let exemplar { offerExemplar(value, candidate: exemplar) }
    }
}

/// The cell of a bound instrument whose instrument has no stream (all dropped by views, or no reader): it records
/// nothing.
final class DiscardingCell: AggregatorCell {
    static let shared = DiscardingCell()

    func record(_ value: NumberValue) -> Bool { true }
    func collect(reset: Bool) -> Never? { nil }
    var isIdle: Bool { true }
    func offerExemplar(_ value: NumberValue, candidate: ExemplarCandidate) {}
    func collectExemplars(seriesAttributes: AttributeSet, start: UInt64, end: UInt64) -> [Exemplar] { [] }
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

/// The explicit bucket histogram aggregation, without a lock, striped by CPU: each stripe has an atomic count per
/// bucket and an atomic sum, min and max, and a measurement updates the stripe of the CPU it runs on, so tasks
/// recording into one series on different cores neither wait for each other nor share a cache line.
///
/// Within a stripe, a measurement updates the sum, min and max first and its bucket last, with release ordering; a
/// collection takes the buckets first, with acquire ordering, then the rest. So whatever bucket a collection counts,
/// it also has that measurement's sum. A measurement racing with a delta collection, within nanoseconds of it, may
/// still leave its sum, min or max in one interval and its bucket in the next: that point's max may then exceed every
/// value it counts, and the next point's min and max may leave the value out. Nothing is lost, the sums over the
/// intervals are exact, and the count is always the sum of the buckets; a seqlock would remove the skew at the cost of
/// a second atomic write per measurement.
///
/// Memory: each stripe is the buckets plus 3 words, padded to whole cache lines (192 bytes for the default 16
/// buckets), so a series takes up to 4 times that on a machine of 4 cores or more.
final class HistogramCell: AggregatorCell {
    /// Stripes per series: the CPUs, rounded up to a power of two, at most 4, so that memory per series stays small
    /// on large machines.
    static let stripeCount: Int = {
        let cpus = max(1, min(4, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
        var stripes = 1
        while stripes < cpus { stripes <<= 1 }
        return stripes
    }()

    private let boundaries: [Double]
    private let recordsMinMax: Bool
    /// Each stripe's words: one count per bucket, then sum, min and max, padded to whole cache lines.
    private let words: AtomicCounters
    private let stride: Int
    private let exemplars: LazyExemplarReservoir
    private let rejected = Atomic(0)
    private let stripes = HistogramCell.stripeCount

    init(state: ExplicitBucketHistogramState) {
        boundaries = state.boundaries
        recordsMinMax = state.recordsMinMax
        let bucketCount = state.boundaries.count + 1
        stride = (bucketCount + 3 + 7) / 8 * 8
        words = AtomicCounters(count: stride * Self.stripeCount)
        for stripe in 0..<Self.stripeCount {
            words.store(stripe * stride + bucketCount + 1, bits: Double.infinity.bitPattern)
            words.store(stripe * stride + bucketCount + 2, bits: (-Double.infinity).bitPattern)
        }
        exemplars = LazyExemplarReservoir(.histogramBuckets(state.boundaries))
    }

    private var bucketCount: Int { boundaries.count + 1 }

    static func accepts(_ value: NumberValue) -> Bool { value.doubleValue.isFinite }

    @discardableResult
    func record(_ value: NumberValue) -> Bool {
        let double = value.doubleValue
        // A NaN has no bucket, and an infinity would turn the sum into infinity or NaN for good.
        guard double.isFinite else {
            rejected.wrappingAdd(1, ordering: .relaxed)
            return false
        }
        let base = currentStripe() * stride
        let bucketCount = self.bucketCount
        words.add(double, at: base + bucketCount)
        if recordsMinMax {
            words.lower(double, at: base + bucketCount + 1)
            words.raise(double, at: base + bucketCount + 2)
        }
        words.incrementReleasing(base + ExplicitBucketHistogramState.bucketIndex(of: double, in: boundaries))
        return true
    }

    func collect(reset: Bool) -> ExplicitBucketHistogramSnapshot? {
        let bucketCount = self.bucketCount
        var counts = [UInt64](repeating: 0, count: bucketCount)
        var count: UInt64 = 0
        for stripe in 0..<stripes {
            for index in 0..<bucketCount {
                let word = stripe * stride + index
                let taken = reset ? words.take(word) : words.load(word)
                counts[index] &+= taken
                count &+= taken
            }
        }
        guard count > 0 else { return nil }
        var sum = 0.0
        var min = Double.infinity
        var max = -Double.infinity
        for stripe in 0..<stripes {
            let base = stripe * stride + bucketCount
            sum += Double(bitPattern: reset ? words.exchange(base, with: 0) : words.load(base))
            guard recordsMinMax else { continue }
            let low = reset ? words.exchange(base + 1, with: Double.infinity.bitPattern) : words.load(base + 1)
            let high = reset ? words.exchange(base + 2, with: (-Double.infinity).bitPattern) : words.load(base + 2)
            min = Swift.min(min, Double(bitPattern: low))
            max = Swift.max(max, Double(bitPattern: high))
        }
        var snapshot = ExplicitBucketHistogramSnapshot(boundaries: boundaries, bucketCounts: counts, count: count, sum: sum)
        if recordsMinMax {
            // A racing measurement may have put its bucket in the next interval and its min or max in this one, or
            // the other way round: a bound that is not finite is left out rather than reported.
            snapshot.min = min.isFinite ? min : nil
            snapshot.max = max.isFinite ? max : nil
        }
        return snapshot
    }

    var isIdle: Bool {
        (0..<stripes).allSatisfy { stripe in
            (0..<bucketCount).allSatisfy { words.load(stripe * stride + $0) == 0 }
        }
    }

    func offerExemplar(_ value: NumberValue, candidate: ExemplarCandidate) {
        exemplars.offer(value, candidate: candidate)
    }

    func collectExemplars(seriesAttributes: AttributeSet, start: UInt64, end: UInt64) -> [Exemplar] {
        exemplars.collect(seriesAttributes: seriesAttributes, start: start, end: end)
    }

    var rejectedCount: Int { rejected.load(ordering: .relaxed) }

    /// The stripe of the CPU this thread runs on now; any stripe is correct, the CPU's only avoids sharing.
    @inline(__always)
    private func currentStripe() -> Int {
        guard stripes > 1 else { return 0 }
        return Int(max(0, c_telemetry_current_cpu())) & (stripes - 1)
    }
}

/// The base-2 exponential bucket histogram aggregation, under a lock of its own.
final class ExponentialHistogramCell: AggregatorCell {
    private let state: Mutex<ExponentialHistogramState>
    private let rejected = Atomic(0)
    private let exemplars: LazyExemplarReservoir

    init(state: ExponentialHistogramState) {
        self.state = Mutex(state)
        // The specification's default: as many exemplars as buckets, at most twenty.
        exemplars = LazyExemplarReservoir(.fixedSize(min(20, state.maxSize)))
    }

    static func accepts(_ value: NumberValue) -> Bool { value.doubleValue.isFinite }

    @discardableResult
    func record(_ value: NumberValue) -> Bool {
        let double = value.doubleValue
        guard state.withLock({ $0.record(double) }) else {
            rejected.wrappingAdd(1, ordering: .relaxed)
            return false
        }
        return true
    }

    var rejectedCount: Int { rejected.load(ordering: .relaxed) }

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
