/// Vendor-specific trace data that travels with a span context, as the W3C `tracestate` header.
///
/// Entries keep their order, most recently updated first. A header that breaks the W3C grammar is discarded
/// whole, as the specification asks.
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

    /// Parses a `tracestate` header value. Returns `nil` when any member is malformed, a key repeats, or there are
    /// more than 32 members. Empty members and optional white space around commas are allowed.
    public init?(header: some StringProtocol) {
        var entries: [Entry] = []
        let bytes = Array(header.utf8)
        for rawMember in bytes.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            let member = rawMember.trimmingOWS()
            if member.isEmpty { continue }
            guard let equals = member.firstIndex(of: UInt8(ascii: "=")) else { return nil }
            let key = member[member.startIndex..<equals]
            let value = member[(equals + 1)...]
            guard Self.isValidKey(key), Self.isValidValue(value) else { return nil }
            let keyString = String(decoding: key, as: UTF8.self)
            guard !entries.contains(where: { $0.key == keyString }) else { return nil }
            entries.append(Entry(key: keyString, value: String(decoding: value, as: UTF8.self)))
            guard entries.count <= Self.maximumEntries else { return nil }
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

    static func isValidKey(_ key: ArraySlice<UInt8>) -> Bool {
        func isKeyChar(_ c: UInt8) -> Bool {
            isLowerAlpha(c) || isDigit(c) || c == UInt8(ascii: "_") || c == UInt8(ascii: "-") || c == UInt8(ascii: "*")
                || c == UInt8(ascii: "/")
        }
        guard let first = key.first else { return false }
        if let at = key.firstIndex(of: UInt8(ascii: "@")) {
            // Multi-tenant key: tenant-id "@" system-id.
            let tenant = key[key.startIndex..<at]
            let system = key[(at + 1)...]
            guard tenant.count >= 1, tenant.count <= 241, system.count >= 1, system.count <= 14 else { return false }
            guard isLowerAlpha(first) || isDigit(first), tenant.dropFirst().allSatisfy(isKeyChar) else { return false }
            guard let systemFirst = system.first, isLowerAlpha(systemFirst) else { return false }
            return system.dropFirst().allSatisfy(isKeyChar)
        }
        guard key.count <= 256, isLowerAlpha(first) else { return false }
        return key.dropFirst().allSatisfy(isKeyChar)
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
