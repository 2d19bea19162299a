/// The attributes that identify one metric series: immutable, with unique keys kept in key order.
///
/// Build a set once and record with it on a hot path: its hash is computed when it is made, and two sets made from
/// the same value compare by identity first, so finding the series of a set costs neither hashing every attribute
/// nor comparing them.
///
/// ```swift
/// let getOrders: AttributeSet = ["http.request.method": "GET", "http.route": "/orders"]
/// ```
public struct AttributeSet: Sendable, Hashable {
    /// One attribute.
    public typealias Element = (key: String, value: AttributeValue)

    private let storage: Storage

    /// The empty set.
    public static let empty = AttributeSet(sorted: [])

    /// A set of `attributes`; when a key repeats, the last value wins.
    public init(_ attributes: some Sequence<(String, AttributeValue)>) {
        var elements: [Element] = []
        elements.reserveCapacity(attributes.underestimatedCount)
        for (key, value) in attributes { elements.append((key: key, value: value)) }
        // Sets are small: an insertion sort compares a few keys and hashes none, where deduplicating through a
        // dictionary hashed every key. It is stable, so of equal keys the last given stays last.
        if elements.count > 32 {
            elements = elements.enumerated()
                .sorted { $0.element.key != $1.element.key ? $0.element.key < $1.element.key : $0.offset < $1.offset }
                .map(\.element)
        } else if elements.count > 1 {
            for index in 1..<elements.count {
                let element = elements[index]
                var slot = index
                while slot > 0, element.key < elements[slot - 1].key {
                    elements[slot] = elements[slot - 1]
                    slot -= 1
                }
                if slot != index { elements[slot] = element }
            }
        }
        if elements.count > 1 {
            // Of each run of equal keys, keep the last.
            var kept = 0
            for index in elements.indices {
                if index + 1 < elements.count, elements[index + 1].key == elements[index].key { continue }
                if kept != index { elements[kept] = elements[index] }
                kept += 1
            }
            elements.removeLast(elements.count - kept)
        }
        self.init(sorted: elements)
    }

    private init(sorted elements: [Element]) {
        storage = Storage(elements: elements)
    }

    /// The attributes, in key order.
    public var elements: [Element] { storage.elements }

    /// The number of attributes.
    public var count: Int { storage.elements.count }

    /// Whether the set has no attributes.
    public var isEmpty: Bool { storage.elements.isEmpty }

    /// The value of `key`, if the set has it.
    public subscript(key: String) -> AttributeValue? {
        storage.elements.first { $0.key == key }?.value
    }

    /// The set with only the attributes whose keys `isIncluded` accepts, for a view's attribute filter.
    public func filter(keys isIncluded: (String) -> Bool) -> AttributeSet {
        let kept = storage.elements.filter { isIncluded($0.key) }
        return kept.count == count ? self : AttributeSet(sorted: kept)
    }

    /// The hash computed when the set was made.
    var precomputedHash: Int { storage.hash }

    public static func == (lhs: AttributeSet, rhs: AttributeSet) -> Bool {
        lhs.storage === rhs.storage || lhs.storage == rhs.storage
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.hash)
    }

    /// The set's hash for a dictionary or set of the given seed.
    ///
    /// The precomputed hash is already a seeded SipHash of every attribute: a lookup mixes in the table's seed
    /// instead of hashing it again, which would cost more than the rest of the lookup.
    public func _rawHashValue(seed: Int) -> Int {
        var mixed = UInt64(bitPattern: Int64(storage.hash)) ^ UInt64(bitPattern: Int64(seed))
        mixed = (mixed ^ (mixed >> 33)) &* 0xff51_afd7_ed55_8ccd
        return Int(truncatingIfNeeded: mixed ^ (mixed >> 33))
    }

    /// The sorted attributes and their hash, computed once.
    private final class Storage: Sendable, Equatable {
        let elements: [Element]
        let hash: Int

        init(elements: [Element]) {
            self.elements = elements
            var hasher = Hasher()
            for element in elements {
                hasher.combine(element.key)
                hasher.combine(element.value)
            }
            hash = hasher.finalize()
        }

        static func == (lhs: Storage, rhs: Storage) -> Bool {
            lhs.hash == rhs.hash && lhs.elements.elementsEqual(rhs.elements) { $0.key == $1.key && $0.value == $1.value }
        }
    }
}

extension AttributeSet: ExpressibleByDictionaryLiteral {
    /// A set of the given attributes; when a key repeats, the last value wins.
    public init(dictionaryLiteral elements: (String, AttributeValue)...) {
        self.init(elements)
    }
}

extension AttributeSet: Sequence {
    public func makeIterator() -> IndexingIterator<[Element]> {
        storage.elements.makeIterator()
    }
}

extension AttributeSet: CustomStringConvertible {
    /// The attributes as `{key=value, …}` in key order.
    public var description: String {
        "{" + storage.elements.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") + "}"
    }
}
