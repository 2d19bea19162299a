import Tracing

/// A span's attributes as the SDK keeps them: a short array of key-value pairs in the order they were first set,
/// which exporters read without hashing, and which becomes swift-distributed-tracing's `SpanAttributes` only when
/// something asks for that type.
///
/// A span's attributes are written once or twice and read once, by the exporter; `SpanAttributes`, a dictionary,
/// hashes every key on the way in and costs a closure call and a copy per attribute on the way out. So the span
/// keeps a list while it is short and set through the SDK's own calls, and switches to a `SpanAttributes` table when
/// it grows past ``listLimit`` or is changed in place through the `Span` protocol's `attributes` accessor, which
/// needs a `SpanAttributes` to lend.
package struct SpanAttributeStorage: Sendable {
    /// One attribute.
    package struct Entry: Sendable {
        package var key: String
        /// The value, in a form copied with a retain at most.
        package var stored: StoredValue

        package init(key: String, value: consuming SpanAttribute) {
            self.key = key
            self.stored = StoredValue(value)
        }

        package init(key: String, stored: StoredValue) {
            self.key = key
            self.stored = stored
        }

        package var value: SpanAttribute {
            get { stored.attribute }
            set { stored = StoredValue(newValue) }
        }
    }

    /// An attribute value as the list keeps it: the kinds spans mostly carry inline, anything else boxed.
    ///
    /// `SpanAttribute` can hold an existential (`stringConvertible`), which makes every copy of it, and of a pair
    /// holding it, go through its type's value witnesses; a span's attributes are copied in when set and read out
    /// when exported, so the list keeps this instead.
    package enum StoredValue: Sendable {
        case string(String)
        case int64(Int64)
        case double(Double)
        case bool(Bool)
        case other(Boxed)

        /// Any other value, kept as it was given.
        package final class Boxed: Sendable {
            package let attribute: SpanAttribute

            init(_ attribute: SpanAttribute) {
                self.attribute = attribute
            }
        }

        // Consumed, so that taking a payload out moves it instead of copying the whole enum first.
        @inline(__always)
        package init(_ attribute: consuming SpanAttribute) {
            switch consume attribute {
            case .string(let value): self = .string(value)
            case .int64(let value): self = .int64(value)
            case .double(let value): self = .double(value)
            case .bool(let value): self = .bool(value)
            case let other: self = .other(Boxed(other))
            }
        }

        /// The value with its strings shortened to `limit` characters, when there is a limit.
        package func truncated(to limit: Int?) -> StoredValue {
            guard let limit else { return self }
            switch self {
            case .string(let value):
                return value.utf8.count > limit && value.count > limit ? .string(String(value.prefix(limit))) : self
            case .other(let boxed):
                return boxed.attribute.exceeds(limit) ? StoredValue(boxed.attribute.truncatingStrings(to: limit)) : self
            case .int64, .double, .bool:
                return self
            }
        }

        package var attribute: SpanAttribute {
            switch self {
            case .string(let value): .string(value)
            case .int64(let value): .int64(value)
            case .double(let value): .double(value)
            case .bool(let value): .bool(value)
            case .other(let boxed): boxed.attribute
            }
        }
    }

    /// The attributes while they are a list: empty once they are a ``table``.
    package private(set) var entries: ContiguousArray<Entry>
    /// The attributes once they are a table, or `nil` while they are a list.
    package private(set) var table: SpanAttributes?

    /// The most attributes kept as a list: finding a key in a list is a linear search, cheaper than hashing for a
    /// span's usual dozen attributes and too slow for hundreds.
    static var listLimit: Int { 32 }

    /// No attributes.
    package init() { entries = [] }

    /// No attributes, with room for `capacity` of them in the list.
    package init(capacity: Int) {
        entries = []
        entries.reserveCapacity(capacity)
    }

    /// The attributes of a `SpanAttributes` value, kept as they are.
    package init(_ attributes: SpanAttributes) {
        entries = []
        table = attributes
    }

    /// The attributes of a `SpanAttributes` value, copied into a list when they are few enough: for attributes a
    /// span starts with, which the exporter will read twice.
    package init(listing attributes: SpanAttributes) {
        entries = []
        guard attributes.count <= Self.listLimit else {
            table = attributes
            return
        }
        entries.reserveCapacity(attributes.count)
        attributes.forEach { key, value in entries.append(Entry(key: key, value: value)) }
    }

    package var count: Int { table?.count ?? entries.count }

    package var isEmpty: Bool { count == 0 }

    /// The value of `key`, if set.
    package func get(_ key: String) -> SpanAttribute? {
        if let table { return table.get(key) }
        return entries.first { $0.key == key }?.value
    }

    /// Whether `key` is set.
    package func contains(_ key: String) -> Bool {
        if let table { return table.get(key) != nil }
        return entries.contains { $0.key == key }
    }

    /// Sets `key` to `value`, or removes it when `value` is `nil`.
    package mutating func set(_ key: String, value: consuming SpanAttribute?) {
        set(key, stored: value.map { StoredValue($0) })
    }

    /// Sets `key` to `stored`, or removes it when `stored` is `nil`.
    package mutating func set(_ key: String, stored: StoredValue?) {
        guard table == nil else {
            table?.set(key, value: stored?.attribute)
            return
        }
        if let index = entries.firstIndex(where: { $0.key == key }) {
            if let stored { entries[index].stored = stored } else { entries.remove(at: index) }
        } else if let stored {
            entries.append(Entry(key: key, stored: stored))
            if entries.count > Self.listLimit { makeTable() }
        }
    }

    /// Adds an attribute whose key the caller knows is not set yet, without looking for it: for code that builds a
    /// span's attributes from distinct keys. A key added twice this way would be exported twice.
    package mutating func append(uniqueKey key: String, value: consuming SpanAttribute) {
        guard table == nil else {
            table?.set(key, value: value)
            return
        }
        entries.append(Entry(key: key, value: value))
        if entries.count > Self.listLimit { makeTable() }
    }

    /// Sets every attribute of `other`, replacing values of keys already set.
    package mutating func merge(_ other: SpanAttributes) {
        other.forEach { key, value in set(key, value: value) }
    }

    /// Calls `body` with each attribute: in the order they were first set while the attributes are a list.
    package func forEach(_ body: (String, SpanAttribute) -> Void) {
        if let table { return table.forEach(body) }
        for entry in entries { body(entry.key, entry.value) }
    }

    /// The attributes as swift-distributed-tracing's value type.
    package var spanAttributes: SpanAttributes {
        if let table { return table }
        var table = SpanAttributes([String: SpanAttribute](minimumCapacity: entries.count))
        for entry in entries { table.set(entry.key, value: entry.value) }
        return table
    }

    /// Moves the attributes out as a `SpanAttributes` table, leaving no attributes behind, for an in-place change
    /// through the `Span` protocol; put the result back with ``init(_:)``. An empty list becomes an empty table with
    /// room for a typical span's attributes.
    package mutating func takeTable() -> SpanAttributes {
        if let taken = table {
            table = nil
            return taken
        }
        guard !entries.isEmpty else {
            // Dictionary(minimumCapacity:) is specialized here; SpanAttributes.reserveCapacity calls the
            // unspecialized stdlib entry point, which looks up generic metadata on every call. Room for 6 is a table
            // of 8 buckets, about 500 bytes.
            return SpanAttributes([String: SpanAttribute](minimumCapacity: 6))
        }
        let taken = spanAttributes
        entries = []
        return taken
    }

    /// Turns a list grown too long to search into a table.
    private mutating func makeTable() {
        table = spanAttributes
        entries = []
    }

    /// Keeps at most `limit` attributes and returns how many it removed. Only keys for which `isNew` is true are
    /// removed, so that at the limit the attributes a span already holds win over new ones, as the specification
    /// says; when fewer keys are new than must go, the rest are taken from the others. A list loses its last new
    /// keys.
    package mutating func trim(toCount limit: Int, isNew: (String) -> Bool = { _ in true }) -> Int {
        if table != nil { return table?.trim(toCount: limit, isNew: isNew) ?? 0 }
        let excess = entries.count - limit
        guard excess > 0 else { return 0 }
        var remaining = excess
        for pass in 0..<2 where remaining > 0 {
            var index = entries.count - 1
            while index >= 0, remaining > 0 {
                if isNew(entries[index].key) == (pass == 0) {
                    entries.remove(at: index)
                    remaining -= 1
                }
                index -= 1
            }
        }
        return excess
    }

    /// Shortens every string value to `limit` characters, when there is a limit.
    package mutating func truncateStrings(to limit: Int?) {
        guard let limit else { return }
        if table != nil {
            table?.truncateStrings(to: limit)
            return
        }
        for index in entries.indices {
            switch entries[index].stored {
            case .int64, .double, .bool: continue
            case .string, .other: break
            }
            if entries[index].value.exceeds(limit) {
                entries[index].value = entries[index].value.truncatingStrings(to: limit)
            }
        }
    }
}
