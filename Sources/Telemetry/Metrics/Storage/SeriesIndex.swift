import Synchronization

/// The series of a cumulative stream, found without a lock: an append-only open-addressing table from attribute sets
/// to cells.
///
/// A cumulative stream never forgets a series, so an entry, once published, stays valid for the stream's life: a
/// reader follows slots with acquire loads and uses what it finds without retaining it, while the stream's lock
/// serializes the writers, which add entries and replace a table that fills up by one twice its size. Entries and
/// retired tables are owned by ``SeriesIndexStorage``, under the stream's lock, and freed only with the stream, so a
/// reader never meets freed memory. Memory stays bounded: the entries are at most the cardinality limit, and the
/// retired tables together are smaller than the current one.
struct SeriesIndex<Cell: AggregatorCell>: ~Copyable, Sendable {
    /// The current table's address; 0 until the first series is added.
    private let current = Atomic<UInt>(0)

    init() {}

    /// Runs `body` with the cell of `attributes`, or returns nil when the table has none.
    @inline(__always)
    func withCell<Result>(of attributes: AttributeSet, _ body: (Cell) -> Result) -> Result? {
        let address = current.load(ordering: .acquiring)
        guard let pointer = UnsafeRawPointer(bitPattern: address) else { return nil }
        // Used without retaining it: the stream's state owns every table until the stream goes, and a retain here
        // would make every recording thread write the same reference count.
        return Unmanaged<SeriesTable<Cell>>.fromOpaque(pointer)._withUnsafeGuaranteedRef { table in
            table.withCell(of: attributes, body)
        }
    }

    /// Whether the table has a series for `attributes`; for tests.
    func contains(_ attributes: AttributeSet) -> Bool {
        withCell(of: attributes) { _ in true } ?? false
    }

    /// Adds `cell` as the series of `attributes`. Call it under the stream's lock, with the storage that lock guards.
    func add(_ cell: Cell, for attributes: AttributeSet, storage: inout SeriesIndexStorage<Cell>) {
        let entry = SeriesEntry(attributes: attributes, cell: cell)
        storage.entries.append(entry)
        if storage.tables.last.map({ storage.entries.count * 2 > $0.capacity }) ?? true {
            // At least four times the entries, a power of two: the table is a quarter full when made and replaced
            // when half full, which keeps every probe sequence short.
            var capacity = 16
            while capacity < storage.entries.count * 4 { capacity <<= 1 }
            let table = SeriesTable<Cell>(capacity: capacity)
            for existing in storage.entries { table.insert(existing) }
            storage.tables.append(table)
            current.store(UInt(bitPattern: Unmanaged.passUnretained(table).toOpaque()), ordering: .releasing)
        } else if let table = storage.tables.last {
            table.insert(entry)
        }
    }
}

/// What keeps a ``SeriesIndex``'s entries and tables alive: held under the stream's lock.
struct SeriesIndexStorage<Cell: AggregatorCell>: Sendable {
    fileprivate var entries: [SeriesEntry<Cell>] = []
    fileprivate var tables: [SeriesTable<Cell>] = []
}

/// One series in the index: immutable once published.
final class SeriesEntry<Cell: AggregatorCell>: Sendable {
    let attributes: AttributeSet
    let cell: Cell

    init(attributes: AttributeSet, cell: Cell) {
        self.attributes = attributes
        self.cell = cell
    }
}

/// A fixed-capacity table of entry addresses, each slot written once.
///
/// Unchecked: the slot pointer never changes after `init`, and the slots are atomics.
final class SeriesTable<Cell: AggregatorCell>: @unchecked Sendable {
    let capacity: Int
    private let slots: UnsafeMutablePointer<Atomic<UInt>>

    init(capacity: Int) {
        self.capacity = capacity
        slots = .allocate(capacity: capacity)
        for index in 0..<capacity { (slots + index).initialize(to: Atomic(0)) }
    }

    deinit {
        slots.deinitialize(count: capacity)
        slots.deallocate()
    }

    @inline(__always)
    func withCell<Result>(of attributes: AttributeSet, _ body: (Cell) -> Result) -> Result? {
        let mask = capacity - 1
        var index = attributes.precomputedHash & mask
        while true {
            let address = slots[index].load(ordering: .acquiring)
            guard let pointer = UnsafeRawPointer(bitPattern: address) else { return nil }
            let found: Result? = Unmanaged<SeriesEntry<Cell>>.fromOpaque(pointer)._withUnsafeGuaranteedRef { entry in
                entry.attributes == attributes ? body(entry.cell) : nil
            }
            if let found { return found }
            index = (index + 1) & mask
        }
    }

    /// Publishes `entry` in the first free slot of its probe sequence; the table is never more than half full.
    func insert(_ entry: SeriesEntry<Cell>) {
        let mask = capacity - 1
        var index = entry.attributes.precomputedHash & mask
        while slots[index].load(ordering: .relaxed) != 0 { index = (index + 1) & mask }
        slots[index].store(UInt(bitPattern: Unmanaged.passUnretained(entry).toOpaque()), ordering: .releasing)
    }
}
