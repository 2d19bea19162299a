import CoreMetrics
import Synchronization

// Each handler holds the bound series of its label and dimensions, so that recording is an atomic operation on the
// series' cell (a histogram takes its series' own lock): no lookup, no allocation, no lock of the instrument.

/// A swift-metrics `Counter`: a monotonic `Int64` sum.
final class SwiftMetricsCounterHandler: CounterHandler, SwiftMetricsHandler {
    let key: SwiftMetricsHandlerKey
    private let series: BoundCounter<Int64>

    init(key: SwiftMetricsHandlerKey, series: BoundCounter<Int64>) {
        self.key = key
        self.series = series
    }

    func increment(by amount: Int64) {
        // A negative amount is ignored by the counter: an OpenTelemetry counter never goes down.
        series.add(amount)
    }

    func reset() {
        // Ignored: a cumulative sum only grows from its start time, and moving a series' start time is not
        // something the SDK offers. Exporting the lower value would read as a counter restart to every backend
        // (Prometheus `rate()` included) and inflate rates, so the total simply goes on.
    }
}

/// A swift-metrics `FloatingPointCounter`: a monotonic `Double` sum.
final class SwiftMetricsFloatingPointCounterHandler: FloatingPointCounterHandler, SwiftMetricsHandler {
    let key: SwiftMetricsHandlerKey
    private let series: BoundCounter<Double>

    init(key: SwiftMetricsHandlerKey, series: BoundCounter<Double>) {
        self.key = key
        self.series = series
    }

    func increment(by amount: Double) {
        // Negative amounts and NaN are ignored by the counter.
        series.add(amount)
    }

    func reset() {
        // Ignored, as for `Counter`: see `SwiftMetricsCounterHandler.reset()`.
    }
}

/// A swift-metrics `Recorder` with `aggregate: true`: a `Double` histogram.
final class SwiftMetricsHistogramRecorderHandler: RecorderHandler, SwiftMetricsHandler {
    let key: SwiftMetricsHandlerKey
    private let series: BoundHistogram<Double>

    init(key: SwiftMetricsHandlerKey, series: BoundHistogram<Double>) {
        self.key = key
        self.series = series
    }

    func record(_ value: Int64) {
        series.record(Double(value))
    }

    func record(_ value: Double) {
        series.record(value)
    }
}

/// A swift-metrics `Recorder` with `aggregate: false`, which is what `Gauge` is: a `Double` gauge.
final class SwiftMetricsGaugeRecorderHandler: RecorderHandler, SwiftMetricsHandler {
    let key: SwiftMetricsHandlerKey
    private let series: BoundGauge<Double>

    init(key: SwiftMetricsHandlerKey, series: BoundGauge<Double>) {
        self.key = key
        self.series = series
    }

    func record(_ value: Int64) {
        series.record(Double(value))
    }

    func record(_ value: Double) {
        series.record(value)
    }
}

/// A swift-metrics `Timer`: a `Double` histogram in seconds.
final class SwiftMetricsTimerHandler: TimerHandler, SwiftMetricsHandler {
    let key: SwiftMetricsHandlerKey
    private let series: BoundHistogram<Double>

    init(key: SwiftMetricsHandlerKey, series: BoundHistogram<Double>) {
        self.key = key
        self.series = series
    }

    func recordNanoseconds(_ duration: Int64) {
        // A negative duration comes from a clock that went backwards: it is no duration, and a negative value
        // would make the histogram's sum meaningless, so it is dropped.
        guard duration >= 0 else { return }
        series.record(Double(duration) / 1_000_000_000)
    }

    func preferDisplayUnit(_ unit: TimeUnit) {
        // Ignored: OpenTelemetry durations are in seconds (unit `s`), and display units are the backend's choice.
    }
}

/// The instrument behind every handle of one swift-metrics `Meter` label.
///
/// A swift-metrics meter is either set, like a gauge, or incremented and decremented, like an up-down counter,
/// and only its use tells which. The first operation on any handle of the label decides, once for the label: `set`
/// makes a gauge, `increment` or `decrement` makes an up-down sum. The other operations still work on that
/// instrument, because each series keeps the meter's current value (see ``SwiftMetricsMeterHandler``).
final class SwiftMetricsMeterFamily: Sendable {
    enum Kind: UInt8 {
        case undecided = 0
        case gauge = 1
        case upDownCounter = 2
    }

    /// The most series whose current value the family remembers; past it, a new handler starts from 0, which is
    /// only wrong for meters that mix `set` with `increment`.
    static let maximumRememberedSeries = 10_000

    private let kind = Atomic<UInt8>(Kind.undecided.rawValue)
    /// The series by attributes, so that every handler of one series, even one made after another was evicted from
    /// the handler cache, shares the meter's current value.
    private let remembered = Mutex<[AttributeSet: SwiftMetricsMeterHandler.Series]>([:])
    private let makeGauge: @Sendable () -> Gauge<Double>
    private let makeUpDownCounter: @Sendable () -> UpDownCounter<Double>

    init(makeGauge: @escaping @Sendable () -> Gauge<Double>, makeUpDownCounter: @escaping @Sendable () -> UpDownCounter<Double>) {
        self.makeGauge = makeGauge
        self.makeUpDownCounter = makeUpDownCounter
    }

    /// The label's kind: `preferred` if this is the label's first operation, else what the first one decided.
    func decide(_ preferred: Kind) -> Kind {
        let (exchanged, original) = kind.compareExchange(
            expected: Kind.undecided.rawValue, desired: preferred.rawValue, ordering: .relaxed)
        return exchanged ? preferred : Kind(rawValue: original) ?? preferred
    }

    /// The series of `attributes` in the label's instrument, once its kind is decided.
    func series(_ kind: Kind, attributes: AttributeSet) -> SwiftMetricsMeterHandler.Series {
        if let series = remembered.withLock({ $0[attributes] }) { return series }
        let made: SwiftMetricsMeterHandler.Series
        switch kind {
        case .upDownCounter:
            made = SwiftMetricsMeterHandler.Series(.upDownCounter(makeUpDownCounter().bind(attributes)))
        case .gauge, .undecided:
            made = SwiftMetricsMeterHandler.Series(.gauge(makeGauge().bind(attributes)))
        }
        return remembered.withLock { remembered in
            if let existing = remembered[attributes] { return existing }
            if remembered.count < Self.maximumRememberedSeries { remembered[attributes] = made }
            return made
        }
    }
}

/// A swift-metrics `Meter`: a gauge, or an up-down sum, as ``SwiftMetricsMeterFamily`` decides for its label.
///
/// The series keeps the meter's current value, as swift-metrics' own accumulating meter does, so that
/// `increment` on a gauge records the new value and `set` on an up-down sum adds the difference. Non-finite
/// values are ignored: one NaN or infinity would poison a sum for good.
final class SwiftMetricsMeterHandler: MeterHandler, SwiftMetricsHandler {
    /// The bound series, made on the first operation, when the label's kind is known.
    final class Series: Sendable {
        enum Instrument: Sendable {
            case gauge(BoundGauge<Double>)
            case upDownCounter(BoundUpDownCounter<Double>)
        }

        let instrument: Instrument
        /// The meter's current value, as `Double` bits, shared by every handler of the series.
        let value = Atomic<UInt64>(Double(0).bitPattern)

        init(_ instrument: Instrument) {
            self.instrument = instrument
        }
    }

    let key: SwiftMetricsHandlerKey
    private let family: SwiftMetricsMeterFamily
    private let attributes: AttributeSet
    /// Set once, without a lock, by the first operation; every later operation only loads it.
    private let series = AtomicLazyReference<Series>()

    init(key: SwiftMetricsHandlerKey, family: SwiftMetricsMeterFamily, attributes: AttributeSet) {
        self.key = key
        self.family = family
        self.attributes = attributes
    }

    func set(_ value: Int64) {
        set(Double(value))
    }

    func set(_ value: Double) {
        guard value.isFinite else { return }
        let series = series(preferring: .gauge)
        let previous = Double(bitPattern: series.value.exchange(value.bitPattern, ordering: .relaxed))
        switch series.instrument {
        case .gauge(let gauge): gauge.record(value)
        case .upDownCounter(let counter): counter.add(value - previous)
        }
    }

    func increment(by amount: Double) {
        adjust(by: amount)
    }

    func decrement(by amount: Double) {
        adjust(by: -amount)
    }

    private func adjust(by amount: Double) {
        guard amount.isFinite else { return }
        let series = series(preferring: .upDownCounter)
        var current = series.value.load(ordering: .relaxed)
        var updated: Double
        while true {
            updated = Double(bitPattern: current) + amount
            let (exchanged, original) = series.value.compareExchange(
                expected: current, desired: updated.bitPattern, ordering: .relaxed)
            if exchanged { break }
            current = original
        }
        switch series.instrument {
        case .gauge(let gauge): gauge.record(updated)
        case .upDownCounter(let counter): counter.add(amount)
        }
    }

    private func series(preferring kind: SwiftMetricsMeterFamily.Kind) -> Series {
        if let series = series.load() { return series }
        // Two first operations may race here; both bind the same series of the same instrument, and the first
        // stored wins.
        return series.storeIfNil(family.series(family.decide(kind), attributes: attributes))
    }
}
