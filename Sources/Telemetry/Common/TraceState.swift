/// Vendor-specific trace data that travels with a span context, as the W3C `tracestate` header.
///
/// Entries keep their order, most recently updated first. Keys and values follow the grammar of
/// [W3C Trace Context Level 2](https://www.w3.org/TR/trace-context-2/#tracestate-header). A header with a malformed
/// member or more than 32 members is discarded whole, as the specification asks; a repeated key is not malformed,
/// and only its first (most recent) occurrence is kept.
public struct TraceState: Hashable, Sendable {
    /// One `key=value` member.
    public struct Entry: Hashable, Sendable {
        /// The member's key, for example `rojo` or `tenant@vendor`.
        public var key: String
        /// The member's opaque value.
        public var value: String
    }

    /// The W3C limit on the number of members.
    public static let maximumEntries = 32

    /// The members, most recently updated first.
    public private(set) var entries: [Entry]

    /// An empty trace state.
    public init() {
        self.entries = []
    }

    /// Whether there are no members.
    public var isEmpty: Bool { entries.isEmpty }

    /// The value stored for `key`, if any.
    public func value(forKey key: String) -> String? {
        entries.first { $0.key == key }?.value
    }

    /// Sets `key` to `value` and moves it to the front. Returns `false`, changing nothing, when the key or value
    /// breaks the W3C grammar. When the state is full, the oldest member makes room.
    @discardableResult
    public mutating func setValue(_ value: String, forKey key: String) -> Bool {
        guard Self.isValidKey(Array(key.utf8)[...]), Self.isValidValue(Array(value.utf8)[...]) else { return false }
        entries.removeAll { $0.key == key }
        entries.insert(Entry(key: key, value: value), at: 0)
        if entries.count > Self.maximumEntries { entries.removeLast() }
        return true
    }

    /// Removes `key`, if present.
    public mutating func removeValue(forKey key: String) {
        entries.removeAll { $0.key == key }
    }

    /// Parses a `tracestate` header value, or several `tracestate` fields joined with commas in the order they
    /// arrived. Returns `nil` when any member is malformed or there are more than 32 distinct keys. Empty members and
    /// optional white space around commas are allowed. A key that repeats keeps its first value: the left-most
    /// member is the most recently updated, and dropping the whole list for a duplicate would lose every vendor's
    /// state for one vendor's mistake.
    public init?(header: some StringProtocol) {
        var entries: [Entry] = []
        let bytes = Array(header.utf8)[...]
        var memberStart = bytes.startIndex
        // Scanned member by member rather than split into an array: repeated keys are skipped, not fatal, so a long
        // header of repeats would otherwise cost an array of slices as long as itself.
        while memberStart <= bytes.endIndex {
            let memberEnd = bytes[memberStart...].firstIndex(of: UInt8(ascii: ",")) ?? bytes.endIndex
            let member = bytes[memberStart..<memberEnd].trimmingOWS()
            memberStart = memberEnd + 1
            if member.isEmpty { continue }
            guard let equals = member.firstIndex(of: UInt8(ascii: "=")) else { return nil }
            let key = member[member.startIndex..<equals]
            let value = member[(equals + 1)...]
            guard Self.isValidKey(key), Self.isValidValue(value) else { return nil }
            if entries.contains(where: { $0.key.utf8.elementsEqual(key) }) { continue }
            guard entries.count < Self.maximumEntries else { return nil }
            entries.append(Entry(key: String(decoding: key, as: UTF8.self), value: String(decoding: value, as: UTF8.self)))
        }
        self.entries = entries
    }

    /// The `tracestate` header value: members joined by commas.
    public var header: String {
        var result = ""
        for (index, entry) in entries.enumerated() {
            if index > 0 { result.append(",") }
            result.append(entry.key)
            result.append("=")
            result.append(entry.value)
        }
        return result
    }

    /// Level 2's `key = ( lcalpha / DIGIT ) 0*255 ( keychar )`. Level 1 split keys at `@` into a tenant and a
    /// system id with their own lengths; Level 2 makes `@` an ordinary key character, so `foo@` and `1abc` are keys.
    static func isValidKey(_ key: ArraySlice<UInt8>) -> Bool {
        guard let first = key.first, key.count <= 256, isLowerAlpha(first) || isDigit(first) else { return false }
        return key.dropFirst().allSatisfy { c in
            isLowerAlpha(c) || isDigit(c) || c == UInt8(ascii: "_") || c == UInt8(ascii: "-") || c == UInt8(ascii: "*")
                || c == UInt8(ascii: "/") || c == UInt8(ascii: "@")
        }
    }

    static func isValidValue(_ value: ArraySlice<UInt8>) -> Bool {
        func isNonBlank(_ c: UInt8) -> Bool {
            (0x21...0x7E).contains(c) && c != UInt8(ascii: ",") && c != UInt8(ascii: "=")
        }
        guard let last = value.last, value.count <= 256, isNonBlank(last) else { return false }
        return value.allSatisfy { $0 == 0x20 || isNonBlank($0) }
    }

    private static func isLowerAlpha(_ c: UInt8) -> Bool { c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z") }
    private static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
}

extension ArraySlice where Element == UInt8 {
    /// Drops spaces and horizontal tabs at both ends (HTTP's optional white space).
    func trimmingOWS() -> ArraySlice<UInt8> {
        var slice = self
        while let first = slice.first, first == 0x20 || first == 0x09 { slice.removeFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 { slice.removeLast() }
        return slice
    }
}
