/// The kinds of instrument the specification defines.
public enum InstrumentKind: Sendable, Hashable, CaseIterable {
    /// Adds non-negative amounts: requests served, bytes sent.
    case counter
    /// Adds amounts that may be negative: items in a queue.
    case upDownCounter
    /// Records values whose distribution matters: request durations.
    case histogram
    /// Records the current value: a temperature, a setting.
    case gauge
    /// Reports a monotonic total when collected: CPU time.
    case observableCounter
    /// Reports a total that may go down when collected: memory in use.
    case observableUpDownCounter
    /// Reports current values when collected: free memory.
    case observableGauge
}

/// What identifies an instrument within a meter: its name (compared without case), kind, unit and description.
public struct InstrumentDescriptor: Sendable, Hashable {
    /// The instrument's name, as given.
    public var name: String
    /// The instrument's kind.
    public var kind: InstrumentKind
    /// The unit, in UCUM; empty when it has none.
    public var unit: String
    /// What the instrument measures, for people.
    public var description: String
    /// Whether it records doubles rather than integers.
    public var isDouble: Bool

    /// Creates a descriptor.
    public init(name: String, kind: InstrumentKind, unit: String = "", description: String = "", isDouble: Bool = false) {
        self.name = name
        self.kind = kind
        self.unit = unit
        self.description = description
        self.isDouble = isDouble
    }

    /// Whether the two describe the same instrument: names equal but for case, and everything else equal.
    public func isIdentical(to other: InstrumentDescriptor) -> Bool {
        kind == other.kind && unit == other.unit && description == other.description && isDouble == other.isDouble
            && name.lowercased() == other.name.lowercased()
    }

    /// Whether `name` follows the specification's instrument name syntax: an ASCII letter, then up to 254 ASCII
    /// letters, digits, `_`, `.`, `-` and `/`.
    public static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= 255, isLetter(first) else { return false }
        return bytes.dropFirst().allSatisfy { byte in
            isLetter(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "/")
        }
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }
}
