/// A consistent-probability rejection threshold: out of 2⁵⁶ equally likely randomness values, how many are dropped.
///
/// OpenTelemetry's consistent probability sampling compares a trace's 56-bit randomness (the right-most 7 bytes of
/// its trace id, or the `rv` value of its trace state) with this threshold: the trace is kept when
/// `randomness >= threshold`. Every sampler that uses the same randomness therefore agrees: a trace kept at one
/// probability is kept at every higher one, in every service. The threshold travels in `tracestate` as
/// `ot=th:<hex>`, so a backend can tell how many traces each kept one stands for (``adjustedCount``).
/// See the specification's [probability sampling](https://opentelemetry.io/docs/specs/otel/trace/tracestate-probability-sampling/)
/// and [`th` encoding](https://opentelemetry.io/docs/specs/otel/trace/tracestate-handling/#sampling-threshold-value-th).
///
/// ```swift
/// let tenth = try SamplingThreshold(probability: 0.1)
/// tenth.encoded        // "e666": th:e666 in tracestate
/// tenth.probability    // 0.100006103515625, the probability the 4 encoded digits actually give
/// ```
public struct SamplingThreshold: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// 2⁵⁶: the number of distinct randomness values, and one more than the largest threshold.
    public static let randomnessRange: UInt64 = 1 << 56

    /// The largest valid threshold: it keeps one randomness value in 2⁵⁶, the smallest probability there is.
    public static let maximumRawValue: UInt64 = randomnessRange - 1

    /// The number of hex digits the specification recommends SDKs encode: enough to keep 1-in-N probabilities within
    /// a few parts in 100,000.
    public static let defaultPrecision = 4

    /// Keeps everything: `th:0`.
    public static let alwaysSample = SamplingThreshold(uncheckedRawValue: 0)

    /// The rejection threshold, from 0 (keep all) to ``maximumRawValue``.
    public let rawValue: UInt64

    /// Creates a threshold from its 56-bit value. Returns `nil` when it is 2⁵⁶ or more.
    public init?(rawValue: UInt64) {
        guard rawValue <= Self.maximumRawValue else { return nil }
        self.rawValue = rawValue
    }

    init(uncheckedRawValue: UInt64) {
        self.rawValue = uncheckedRawValue
    }

    /// The threshold that samples with `probability`, rounded to `precision` significant hex digits.
    ///
    /// The threshold is rounded to the nearest value with `precision` hex digits, and each leading `f` or `0` digit
    /// earns one more, so that the precision applies to the digits that carry information: small probabilities put
    /// leading `f`s in the threshold, probabilities near 1 leading `0`s. 0.01 at precision 4 is `fd70a` and 0.99 is
    /// `028f6`; 0.999999 is `000010c7`, where four digits alone would round to `0`, sampling everything.
    /// The specification's illustration adds digits for small probabilities only; the symmetric rule is the one of
    /// the Collector's `pkg/sampling` (which the specification points to for integer arithmetic) and of the Go SDK's
    /// consistent sampler, so the encodings agree with theirs. Probability 1 is `0`; probabilities below 2⁻⁵⁶ round up
    /// to 2⁻⁵⁶.
    ///
    /// - Parameters:
    ///   - probability: From 2⁻⁵⁶ to 1. Zero is not a probability here: never sampling is ``AlwaysOffSampler``.
    ///   - precision: Hex digits to keep, from 1 to 14; 14 keeps the exact threshold.
    /// - Throws: ``TelemetryConfigurationError`` when `probability` is not in (0, 1] or `precision` is not in 1...14.
    public init(probability: Double, precision: Int = SamplingThreshold.defaultPrecision) throws {
        guard probability > 0, probability <= 1 else {
            throw TelemetryConfigurationError(
                variable: nil, value: "probability = \(probability)", reason: "expected a probability above 0 and at most 1")
        }
        guard (1...14).contains(precision) else {
            throw TelemetryConfigurationError(
                variable: nil, value: "precision = \(precision)", reason: "expected 1 to 14 hex digits")
        }
        self = Self.rounded(probability: probability, precision: precision)
    }

    /// The exact threshold for `probability` (assumed in (0, 1]), rounded to `precision` (1...14) hex digits.
    static func rounded(probability: Double, precision: Int) -> SamplingThreshold {
        if probability >= 1 { return .alwaysSample }
        // p × 2⁵⁶ is exact in a Double for any p above 2⁻⁵⁶ (scaling by a power of two), so only the final rounding
        // to an integer loses anything: this is the threshold the probability itself asks for.
        let kept = (probability * 72_057_594_037_927_936.0).rounded(.toNearestOrEven)
        let keptCount = kept < 1 ? 1 : UInt64(kept)
        let exact = keptCount >= randomnessRange ? 0 : randomnessRange - keptCount
        // Leading f digits (small p) and leading 0 digits (p near 1) carry no information: one extra digit for each
        // factor of 16 that p, or 1 - p, is below 1, counted on frexp's exponent as the specification's rule counts
        // it. 1 - p is exact for p ≥ 1/2, the only case where it can earn a digit.
        func extraDigits(_ value: Double) -> Int {
            let exponent = value.exponent  // value = m × 2^exponent with 1 ≤ m < 2, so frexp's is exponent + 1.
            return exponent >= 0 ? 0 : Int(-(exponent + 1)) / 4
        }
        let digits = min(14, precision + max(extraDigits(probability), extraDigits(1 - probability)))
        guard digits < 14 else { return SamplingThreshold(uncheckedRawValue: exact) }
        let unit = UInt64(1) << UInt64(4 * (14 - digits))
        var rounded = (exact / unit) * unit
        if exact % unit >= unit / 2 { rounded += unit }
        // Rounding up past the largest threshold would mean probability 0; keep the truncated digits instead.
        if rounded > maximumRawValue { rounded = (exact / unit) * unit }
        return SamplingThreshold(uncheckedRawValue: rounded)
    }

    /// Parses a `th` value: 1 to 14 hex digits, extended with trailing zeros to 14. Returns `nil` for anything else.
    public init?(encoded: some StringProtocol) {
        let bytes = encoded.utf8
        guard bytes.count <= 14, let value = Hex.parseUInt64(bytes, allowUppercase: true) else { return nil }
        self.rawValue = value << UInt64(4 * (14 - bytes.count))
    }

    /// The `th` value: lowercase hex without trailing zeros, and `0` for ``alwaysSample``.
    public var encoded: String {
        guard rawValue != 0 else { return "0" }
        var value = rawValue
        var length = 14
        while value & 0xF == 0 {
            value >>= 4
            length -= 1
        }
        return Hex.string(value, width: length)
    }

    /// The probability this threshold samples with: `(2⁵⁶ − threshold) / 2⁵⁶`.
    public var probability: Double {
        Double(Self.randomnessRange - rawValue) / Double(Self.randomnessRange)
    }

    /// How many traces each sampled trace stands for: the inverse of ``probability``.
    public var adjustedCount: Double {
        Double(Self.randomnessRange) / Double(Self.randomnessRange - rawValue)
    }

    /// Whether a trace with this 56-bit randomness is kept: `randomness >= threshold`.
    @inlinable
    public func shouldSample(randomness: UInt64) -> Bool {
        randomness >= rawValue
    }

    public static func < (lhs: SamplingThreshold, rhs: SamplingThreshold) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "th:\(encoded)" }
}
