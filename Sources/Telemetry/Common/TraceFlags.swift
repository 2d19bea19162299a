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

    /// Whether ``sampled`` is set.
    @inlinable
    public var isSampled: Bool { contains(.sampled) }
}
