import Synchronization
import Tracing

/// The exemplars of one series: a few of its measurements, chosen uniformly among those the filter let through
/// since the last collection.
///
/// Made the first time a series is offered a measurement, so a series that never sees a sampled span costs nothing.
/// Offering takes the reservoir's own lock, never the series' or the stream's.
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

    private struct State {
        var slots: [Slot?]
        /// Measurements offered since the last collection, per slot group: one group for a fixed size reservoir,
        /// one per bucket for an aligned one.
        var seen: [UInt64]
        var random: UInt64
    }

    private let layout: Layout
    private let state: Mutex<State>

    init(layout: Layout) {
        self.layout = layout
        let slotCount: Int
        let groups: Int
        switch layout {
        case .fixedSize(let size):
            slotCount = max(1, size)
            groups = 1
        case .histogramBuckets(let boundaries):
            slotCount = boundaries.count + 1
            groups = slotCount
        }
        // Seeded once per reservoir; the generator only spreads replacements, it protects nothing.
        state = Mutex(State(slots: Array(repeating: nil, count: slotCount), seen: Array(repeating: 0, count: groups),
                            random: UInt64.random(in: 1...UInt64.max)))
    }

    /// Offers one measurement that passed the exemplar filter.
    func offer(_ value: NumberValue, candidate: ExemplarCandidate) {
        let bucket: Int?
        switch layout {
        case .fixedSize: bucket = nil
        case .histogramBuckets(let boundaries): bucket = ExplicitBucketHistogramState.bucketIndex(of: value.doubleValue, in: boundaries)
        }
        state.withLock { state in
            let group = bucket ?? 0
            state.seen[group] &+= 1
            let seen = state.seen[group]
            let slot: Int
            if let bucket {
                // One slot: the n-th measurement of the bucket replaces its exemplar with probability 1/n.
                guard seen == 1 || Self.next(&state.random) % seen == 0 else { return }
                slot = bucket
            } else if seen <= UInt64(state.slots.count) {
                slot = Int(seen - 1)
            } else {
                let pick = Self.next(&state.random) % seen
                guard pick < UInt64(state.slots.count) else { return }
                slot = Int(pick)
            }
            state.slots[slot] = Slot(
                // Read only for a measurement that is kept: most offers to a busy series are not.
                exemplar: Exemplar(
                    time: DefaultTracerClock.now.nanosecondsSinceEpoch, value: value, traceID: candidate.traceID,
                    spanID: candidate.spanID),
                attributes: candidate.attributes)
        }
    }

    /// The exemplars since the last collection, each with the attributes `seriesAttributes` leave out, and starts
    /// over: every collection reports the exemplars of its own interval, whatever the temporality.
    func collect(seriesAttributes: AttributeSet) -> [Exemplar] {
        let slots = state.withLock { state -> [Slot] in
            let taken = state.slots.compactMap { $0 }
            guard !taken.isEmpty else { return [] }
            for index in state.slots.indices { state.slots[index] = nil }
            for index in state.seen.indices { state.seen[index] = 0 }
            return taken
        }
        return slots.map { slot in
            var exemplar = slot.exemplar
            exemplar.filteredAttributes = slot.attributes.filter { seriesAttributes[$0] == nil }
            return exemplar
        }
    }

    /// xorshift64*: a fast generator whose state lives under the reservoir's lock.
    private static func next(_ state: inout UInt64) -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }
}
