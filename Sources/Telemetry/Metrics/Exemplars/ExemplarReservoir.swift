import Synchronization
import Tracing

/// The exemplars of one series: a few of its measurements, chosen uniformly among those the filter let through
/// since the last collection.
///
/// Made the first time a series is offered a measurement, so a series that never sees a sampled span costs nothing.
/// Counting an offer is one atomic increment; the reservoir's lock is taken only when the measurement replaces a
/// slot, which for a busy series is rare (`size / seen`), so offers from many threads do not queue on it.
///
/// The two reservoirs of the specification:
/// - **fixed size**: `size` slots, filled in order, then each new measurement replaces a random slot with probability
///   `size / seen` (reservoir sampling);
/// - **aligned with histogram buckets**: one slot per bucket, each sampled the same way among the measurements of its
///   bucket.
final class ExemplarReservoir: Sendable {
    /// How the slots are chosen.
    enum Layout: Sendable {
        /// `size` slots for any measurement.
        case fixedSize(Int)
        /// One slot per bucket of these upper boundaries, plus one above the last.
        case histogramBuckets([Double])

        /// The specification's default for sums and last values: one slot.
        static let single = Layout.fixedSize(1)
    }

    private struct Slot {
        var exemplar: Exemplar
        var attributes: AttributeSet
    }

    private let layout: Layout
    private let slots: Mutex<[Slot?]>
    /// Measurements offered since the last collection, per group: one group for a fixed size reservoir, one per
    /// bucket for an aligned one.
    private let seen: AtomicCounters
    /// Mixed with the collection's number and the count of an offer to draw its random number: no generator state
    /// is shared between threads, and each interval draws differently.
    private let seed: UInt64
    private let collections = Atomic<UInt64>(0)

    init(layout: Layout, seed: UInt64 = UInt64.random(in: 0...UInt64.max)) {
        self.layout = layout
        self.seed = seed
        switch layout {
        case .fixedSize(let size):
            slots = Mutex(Array(repeating: nil, count: max(1, size)))
            seen = AtomicCounters(count: 1)
        case .histogramBuckets(let boundaries):
            slots = Mutex(Array(repeating: nil, count: boundaries.count + 1))
            seen = AtomicCounters(count: boundaries.count + 1)
        }
    }

    /// Offers one measurement that passed the exemplar filter.
    func offer(_ value: NumberValue, candidate: ExemplarCandidate) {
        let seed = self.seed ^ Self.random(0, collections.load(ordering: .relaxed))
        let slot: Int
        switch layout {
        case .fixedSize(let size):
            let count = seen.increment(0)
            if count <= UInt64(size) {
                slot = Int(count - 1)
            } else {
                let pick = Self.random(seed, count) % count
                guard pick < UInt64(size) else { return }
                slot = Int(pick)
            }
        case .histogramBuckets(let boundaries):
            let bucket = ExplicitBucketHistogramState.bucketIndex(of: value.doubleValue, in: boundaries)
            // One slot: the n-th measurement of the bucket replaces its exemplar with probability 1/n.
            let count = seen.increment(bucket)
            guard count == 1 || Self.random(seed &+ UInt64(bucket), count) % count == 0 else { return }
            slot = bucket
        }
        // Read only for a measurement that is kept: most offers to a busy series are not.
        let exemplar = Exemplar(
            time: DefaultTracerClock.now.nanosecondsSinceEpoch, value: value, traceID: candidate.traceID,
            spanID: candidate.spanID)
        slots.withLock { $0[slot] = Slot(exemplar: exemplar, attributes: candidate.attributes) }
    }

    /// The exemplars taken up to `end`, each with the attributes `seriesAttributes` leave out, and starts over: every
    /// collection reports the exemplars of its own interval, whatever the temporality.
    ///
    /// An exemplar taken after `end` belongs to the next interval: its measurement raced with this collection and
    /// may be counted in the next point, so it stays for that point. One taken before `start` is dropped: the point
    /// it would join begins after it.
    func collect(seriesAttributes: AttributeSet, start: UInt64, end: UInt64) -> [Exemplar] {
        let taken = slots.withLock { slots -> [Slot] in
            var taken: [Slot] = []
            for index in slots.indices {
                guard let slot = slots[index], slot.exemplar.time <= end else { continue }
                slots[index] = nil
                if slot.exemplar.time >= start { taken.append(slot) }
            }
            seen.resetAll()
            collections.wrappingAdd(1, ordering: .relaxed)
            return taken
        }
        return taken.map { slot in
            var exemplar = slot.exemplar
            exemplar.filteredAttributes = slot.attributes.filter { seriesAttributes[$0] == nil }
            return exemplar
        }
    }

    /// SplitMix64 of the seed and the offer's count: a uniform draw per offer, without shared state.
    private static func random(_ seed: UInt64, _ count: UInt64) -> UInt64 {
        var mixed = seed &+ count &* 0x9E37_79B9_7F4A_7C15
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
