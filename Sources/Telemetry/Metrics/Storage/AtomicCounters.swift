import Synchronization

/// A fixed number of atomic 64-bit words in one allocation: a histogram's buckets, sums and bounds, a reservoir's
/// counts.
///
/// Unchecked: the pointer never changes after `init`, and everything reached through it is an `Atomic`.
final class AtomicCounters: @unchecked Sendable {
    private let counters: UnsafeMutablePointer<Atomic<UInt64>>
    /// The number of counters.
    let count: Int

    /// The alignment of the words: a cache line (two on processors that fetch lines in pairs), so that groups of
    /// words padded to whole lines, such as a histogram's CPU stripes, never share one.
    static let alignment = 128

    init(count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: max(1, count) * MemoryLayout<Atomic<UInt64>>.stride, alignment: Self.alignment)
        counters = raw.bindMemory(to: Atomic<UInt64>.self, capacity: max(1, count))
        for index in 0..<count { (counters + index).initialize(to: Atomic(0)) }
    }

    deinit {
        counters.deinitialize(count: count)
        UnsafeMutableRawPointer(counters).deallocate()
    }

    /// Adds one to counter `index` and returns its new value. Relaxed: the count orders nothing.
    @inline(__always)
    func increment(_ index: Int) -> UInt64 {
        counters[index].wrappingAdd(1, ordering: .relaxed).newValue
    }

    /// Adds one to counter `index`, ordered after the caller's earlier writes: a reader that sees the new count with
    /// ``load(_:)`` or ``take(_:)`` sees them too.
    @inline(__always)
    func incrementReleasing(_ index: Int) {
        counters[index].wrappingAdd(1, ordering: .releasing)
    }

    /// Counter `index`, with what was written before it was incremented.
    func load(_ index: Int) -> UInt64 {
        counters[index].load(ordering: .acquiring)
    }

    /// Counter `index`, set back to zero, with what was written before it was incremented.
    func take(_ index: Int) -> UInt64 {
        counters[index].exchange(0, ordering: .acquiringAndReleasing)
    }

    /// Sets every counter back to zero.
    func resetAll() {
        for index in 0..<count { counters[index].store(0, ordering: .relaxed) }
    }

    /// Word `index`, stored as `value`'s bits, set to `value`; returns the previous bits.
    func exchange(_ index: Int, with bits: UInt64) -> UInt64 {
        counters[index].exchange(bits, ordering: .acquiringAndReleasing)
    }

    /// Adds `value` to the double whose bits word `index` holds.
    @inline(__always)
    func add(_ value: Double, at index: Int) {
        var current = counters[index].load(ordering: .relaxed)
        while true {
            let (exchanged, original) = counters[index].compareExchange(
                expected: current, desired: (Double(bitPattern: current) + value).bitPattern, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    /// Lowers the double in word `index` to `value` if it is smaller: once the minimum settles, a load and a
    /// comparison.
    @inline(__always)
    func lower(_ value: Double, at index: Int) {
        var current = counters[index].load(ordering: .relaxed)
        while value < Double(bitPattern: current) {
            let (exchanged, original) = counters[index].compareExchange(
                expected: current, desired: value.bitPattern, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    /// Raises the double in word `index` to `value` if it is larger.
    @inline(__always)
    func raise(_ value: Double, at index: Int) {
        var current = counters[index].load(ordering: .relaxed)
        while value > Double(bitPattern: current) {
            let (exchanged, original) = counters[index].compareExchange(
                expected: current, desired: value.bitPattern, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    /// Sets word `index` to `bits`.
    func store(_ index: Int, bits: UInt64) {
        counters[index].store(bits, ordering: .relaxed)
    }
}
