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
        package var value: SpanAttribute

        package init(key: String, value: SpanAttribute) {
            self.key = key
            self.value = value
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
    package mutating func set(_ key: String, value: SpanAttribute?) {
        guard table == nil else {
            table?.set(key, value: value)
            return
        }
        if let index = entries.firstIndex(where: { $0.key == key }) {
            if let value { entries[index].value = value } else { entries.remove(at: index) }
        } else if let value {
            entries.append(Entry(key: key, value: value))
            if entries.count > Self.listLimit { makeTable() }
        }
    }

    /// Adds an attribute whose key the caller knows is not set yet, without looking for it: for code that builds a
    /// span's attributes from distinct keys. A key added twice this way would be exported twice.
    package mutating func append(uniqueKey key: String, value: SpanAttribute) {
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
        for index in entries.indices where entries[index].value.exceeds(limit) {
            entries[index].value = entries[index].value.truncatingStrings(to: limit)
        }
    }
}
