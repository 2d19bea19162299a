/// One range (positive or negative) of a base-2 exponential histogram: the counts of consecutive bucket indices.
///
/// The counts live in a circular buffer of exactly `maxSize` counters, allocated once in `init`. Recording into an
/// index below or above the current range only moves the range's ends, so nothing is shifted or allocated, and
/// memory never exceeds `maxSize` counters. Positions outside the occupied range always hold zero, which keeps
/// `reset()` and `downscale(by:)` cheap.
///
/// Not thread-safe: the owner serializes access, as for every aggregation state.
struct ExponentialHistogramBuckets: Sendable {
    /// The circular buffer. Bucket index `baseIndex` lives at position 0.
    private var counts: [UInt64]
    /// The bucket index stored at position 0 of `counts`.
    private var baseIndex = 0
    /// The lowest bucket index in the range; meaningless when `isEmpty`.
    private(set) var lowestIndex = 0
    /// The highest bucket index in the range; meaningless when `isEmpty`.
    private(set) var highestIndex = 0
    /// Whether no bucket has been counted since creation or the last reset.
    private(set) var isEmpty = true

    /// Creates an empty range that can hold up to `maxSize` consecutive buckets, at least 2: after enough halvings
    /// every index is -1 or 0, so two buckets are what guarantees that any index can be made to fit.
    init(maxSize: Int) {
        counts = Array(repeating: 0, count: Swift.max(2, maxSize))
    }

    /// The most consecutive buckets this range holds.
    var maxSize: Int { counts.count }

    /// The number of buckets from the lowest to the highest index, zeros in between included.
    var length: Int { isEmpty ? 0 : highestIndex - lowestIndex + 1 }

    /// The OTLP `offset`: the index of the first bucket, or 0 when empty.
    var offset: Int { isEmpty ? 0 : lowestIndex }

    /// The count of bucket `index`, 0 outside the range.
    func count(at index: Int) -> UInt64 {
        guard !isEmpty, index >= lowestIndex, index <= highestIndex else { return 0 }
        return counts[position(of: index)]
    }

    /// The total of all counts in the range.
    var totalCount: UInt64 {
        counts.reduce(0, &+)
    }

    /// How many times the scale must drop by one so that `index` fits beside the buckets already counted; 0 when it
    /// fits now. Halving the scale maps index `i` to `i >> 1`, so the answer counts the halvings until the span fits.
    func scaleReduction(toInclude index: Int) -> Int {
        guard !isEmpty else { return 0 }
        var low = Swift.min(lowestIndex, index)
        var high = Swift.max(highestIndex, index)
        var reduction = 0
        while high - low >= maxSize {
            low >>= 1
            high >>= 1
            reduction += 1
        }
        return reduction
    }

    /// Adds `amount` to bucket `index`. Returns false, and changes nothing, when `index` does not fit within
    /// `maxSize` buckets of the current range; the caller downscales first.
    @discardableResult
    mutating func increment(_ index: Int, by amount: UInt64 = 1) -> Bool {
        if isEmpty {
            baseIndex = index
            lowestIndex = index
            highestIndex = index
            isEmpty = false
        } else if index < lowestIndex {
            guard highestIndex - index < maxSize else { return false }
            lowestIndex = index
        } else if index > highestIndex {
            guard index - lowestIndex < maxSize else { return false }
            highestIndex = index
        }
        counts[position(of: index)] &+= amount
        return true
    }

    /// Merges buckets for a scale `reduction` lower: index `i` becomes `i >> reduction`, and counts that now share an
    /// index are added together. Works in place, without allocating.
    mutating func downscale(by reduction: Int) {
        guard reduction > 0, !isEmpty else { return }
        let length = self.length
        let newLowest = lowestIndex >> reduction
        // Rotate the occupied range to start at position 0, so that bucket `lowestIndex + i` sits at position `i`.
        let start = position(of: lowestIndex)
        let oldLowest = lowestIndex
        counts.withUnsafeMutableBufferPointer { buffer in
            if start != 0 {
                buffer[0..<start].reverse()
                buffer[start...].reverse()
                buffer.reverse()
            }
            // Each bucket moves to `((lowest + i) >> reduction) - newLowest`, which is never above `i`. Walking up,
            // every position below `i` has already been read, so moving a count down never overwrites an unread one.
            for i in 0..<length {
                let target = ((oldLowest + i) >> reduction) - newLowest
                if target != i {
                    let moved = buffer[i]
                    buffer[i] = 0
                    buffer[target] &+= moved
                }
            }
        }
        baseIndex = newLowest
        lowestIndex = newLowest
        highestIndex >>= reduction
    }

    /// Empties the range, keeping the buffer: only the occupied positions are zeroed.
    mutating func reset() {
        guard !isEmpty else { return }
        for index in lowestIndex...highestIndex {
            counts[position(of: index)] = 0
        }
        isEmpty = true
        baseIndex = 0
        lowestIndex = 0
        highestIndex = 0
    }

    /// The counts from `offset` upward, `length` of them, written into `destination` (which is replaced). Reusing one
    /// destination array across collections avoids allocating once its capacity is reached.
    func copyCounts(into destination: inout [UInt64]) {
        destination.removeAll(keepingCapacity: true)
        guard !isEmpty else { return }
        destination.reserveCapacity(length)
        for index in lowestIndex...highestIndex {
            destination.append(counts[position(of: index)])
        }
    }

    /// The position in `counts` of bucket `index`, which must be within `maxSize` of `baseIndex`.
    @inline(__always)
    private func position(of index: Int) -> Int {
        let position = (index - baseIndex) % counts.count
        return position < 0 ? position + counts.count : position
    }
}
