/// The W3C trace flags carried with a span context.
public struct TraceFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8

    /// Creates flags from their wire byte.
    @inlinable
    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// The caller may have recorded this trace: downstream services following a parent-based sampler record it too.
    public static let sampled = TraceFlags(rawValue: 0x01)

    /// At least the right-most 7 bytes of the trace id are random, so samplers and backends may use them as a
    /// uniformly distributed value (W3C Trace Context Level 2).
    public static let random = TraceFlags(rawValue: 0x02)

    /// The flags W3C Trace Context Level 2 defines. Only these are extracted, inherited by child spans and injected:
    /// the other bits have no meaning yet, and passing them on would assert something nobody decided.
    static let defined: TraceFlags = [.sampled, .random]

    /// Whether ``sampled`` is set.
    @inlinable
    public var isSampled: Bool { contains(.sampled) }

    /// Whether ``random`` is set.
    @inlinable
    public var isRandom: Bool { contains(.random) }
}
