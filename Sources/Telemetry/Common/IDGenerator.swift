import Synchronization

/// Makes the ids of new traces and spans.
///
/// The tracer calls it on the thread that starts a span, for every span, so an implementation must be fast and must
/// not block. Supply your own to meet a backend's id format (for example ids that begin with a timestamp).
public protocol IDGenerator: Sendable {
    /// Returns a new, valid (not all zero) trace id.
    func newTraceID() -> TraceID
    /// Returns a new, valid (not zero) span id.
    func newSpanID() -> SpanID
    /// Whether at least the right-most 7 bytes of every trace id are random or pseudo-random. When `true`, new
    /// traces carry the W3C ``TraceFlags/random`` flag, which lets samplers downstream rely on that randomness.
    /// The default is `false`: a generator that does not say so may be encoding timestamps or counters.
    var generatesRandomTraceIDs: Bool { get }
}

extension IDGenerator {
    /// `false`: a generator's trace ids are not assumed random unless it says so.
    public var generatesRandomTraceIDs: Bool { false }
}

/// The default ``IDGenerator``: uniformly distributed random ids, with no system call and no lock per id.
///
/// The ids come from SplitMix64 over one atomic counter, seeded from the system's random source once per process.
/// They are unpredictable enough for tracing, not for security.
public struct RandomIDGenerator: IDGenerator {
    /// Creates the generator. Every instance draws from the same process-wide sequence.
    public init() {}

    /// `true`: all 16 bytes of a trace id come from the pseudo-random sequence.
    public var generatesRandomTraceIDs: Bool { true }

    @inlinable
    public func newTraceID() -> TraceID {
        while true {
            let id = Self.traceID(seed: Self.newTraceSeed())
            if id.isValid { return id }
        }
    }

    /// The seed of a new trace id: two steps of the sequence taken at once. ``traceID(seed:)`` turns it into the id,
    /// so an unsampled span can carry its trace id in 8 bytes instead of an allocation.
    @usableFromInline
    static func newTraceSeed() -> UInt64 {
        randomIDState.wrappingAdd(2 &* golden, ordering: .relaxed).newValue
    }

    /// The trace id `newTraceID()` makes from `seed`; it may be invalid (all zero) for one seed in 2^64.
    @usableFromInline
    static func traceID(seed: UInt64) -> TraceID {
        TraceID(high: mix(seed &- golden), low: mix(seed))
    }

    @inlinable
    public func newSpanID() -> SpanID {
        while true {
            let id = SpanID(Self.next())
            if id.isValid { return id }
        }
    }

    @inlinable
    static var golden: UInt64 { 0x9E37_79B9_7F4A_7C15 }

    @usableFromInline
    static func next() -> UInt64 {
        mix(randomIDState.wrappingAdd(golden, ordering: .relaxed).newValue)
    }

    /// SplitMix64: the counter walks by an odd constant, and this finaliser spreads every bit of it.
    @usableFromInline
    static func mix(_ state: UInt64) -> UInt64 {
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

private let randomIDState = Atomic<UInt64>(UInt64.random(in: .min ... .max))

/// A generator whose trace ids are ``RandomIDGenerator/traceID(seed:)`` of a 64-bit seed, so that an unsampled local
/// trace can carry the seed inline instead of a trace-wide object.
protocol SeededTraceIDGenerator: IDGenerator {}

extension RandomIDGenerator: SeededTraceIDGenerator {}
