import Synchronization

/// A number an instrument records: `Int64` or `Double`.
///
/// Sums and last values of either kind live in one 64-bit atomic word, so recording on a series takes no lock.
protocol MetricNumber: Sendable, Comparable {
    /// The number's bits, as stored in the atomic word.
    var bits: UInt64 { get }
    /// The number whose bits are `bits`.
    init(bits: UInt64)
    /// The number as the data model carries it.
    var numberValue: NumberValue { get }
    /// The number as a double, as histograms take it.
    var doubleValue: Double { get }
    /// Adds `value` to the number stored in `word`.
    static func add(_ value: Self, to word: borrowing Atomic<UInt64>)
}

extension Int64: MetricNumber {
    var bits: UInt64 { UInt64(bitPattern: self) }

    init(bits: UInt64) { self.init(bitPattern: bits) }

    var numberValue: NumberValue { .int(self) }

    var doubleValue: Double { Double(self) }

    static func add(_ value: Int64, to word: borrowing Atomic<UInt64>) {
        // Two's complement addition is the same operation on the unsigned bits; a sum past Int64.max wraps, as
        // the integer counters of other SDKs do.
        word.wrappingAdd(UInt64(bitPattern: value), ordering: .relaxed)
    }
}

extension Double: MetricNumber {
    init(bits: UInt64) { self.init(bitPattern: bits) }

    var bits: UInt64 { bitPattern }

    var numberValue: NumberValue { .double(self) }

    var doubleValue: Double { self }

    static func add(_ value: Double, to word: borrowing Atomic<UInt64>) {
        var current = word.load(ordering: .relaxed)
        while true {
            let (exchanged, original) = word.compareExchange(
                expected: current, desired: (Double(bitPattern: current) + value).bitPattern, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }
}
