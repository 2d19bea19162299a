/// A number an instrument records: `Int64` or `Double`.
///
/// ```swift
/// let requests = meter.makeCounter(name: "http.server.requests")                    // Counter<Int64>
/// let duration = meter.makeHistogram(Double.self, name: "http.server.duration", unit: "ms")
/// ```
///
/// The requirements are the SDK's: sums and last values of either kind live in one 64-bit atomic word, so that
/// recording on a series takes no lock. Other conformances are not supported.
public protocol MetricValue: Sendable, Comparable {
    /// The number's bits, as stored in the atomic word.
    var _metricBits: UInt64 { get }
    /// The number whose bits are `bits`.
    init(_metricBits bits: UInt64)
    /// The number as the data model carries it.
    var _numberValue: NumberValue { get }
    /// The number as a double, as histograms take it.
    var _doubleValue: Double { get }
    /// `lhs + rhs`, wrapping rather than trapping for integers.
    static func _sum(_ lhs: Self, _ rhs: Self) -> Self
    /// `lhs - rhs`, wrapping rather than trapping for integers.
    static func _difference(_ lhs: Self, _ rhs: Self) -> Self
    /// Zero.
    static var _zero: Self { get }
}

extension Int64: MetricValue {
    public var _metricBits: UInt64 { UInt64(bitPattern: self) }

    public init(_metricBits bits: UInt64) { self.init(bitPattern: bits) }

    public var _numberValue: NumberValue { .int(self) }

    public var _doubleValue: Double { Double(self) }

    public static func _sum(_ lhs: Int64, _ rhs: Int64) -> Int64 { lhs &+ rhs }

    public static func _difference(_ lhs: Int64, _ rhs: Int64) -> Int64 { lhs &- rhs }

    public static var _zero: Int64 { 0 }

}

extension Double: MetricValue {
    public var _metricBits: UInt64 { bitPattern }

    public init(_metricBits bits: UInt64) { self.init(bitPattern: bits) }

    public var _numberValue: NumberValue { .double(self) }

    public var _doubleValue: Double { self }

    public static func _sum(_ lhs: Double, _ rhs: Double) -> Double { lhs + rhs }

    public static func _difference(_ lhs: Double, _ rhs: Double) -> Double { lhs - rhs }

    public static var _zero: Double { 0 }

}
