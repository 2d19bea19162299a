#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The index mapping of the base-2 exponential histogram, as the OpenTelemetry metrics data model defines it.
///
/// At scale `s` the base is `2^(2^-s)`, and bucket `i` holds the values in `(base^i, base^(i+1)]`: buckets include
/// their upper boundary, so an exact power of two belongs to the bucket below it.
///
/// - Scale ≤ 0 reads the exponent from the IEEE 754 bits (the data model's "exponent" method), which is exact.
/// - Scale > 0 uses the logarithm method with the exact-power-of-two correction. Away from powers of two, the
///   logarithm can put a value that lies within a few ulps of a boundary into the neighbouring bucket; the data
///   model accepts that. It is the same arithmetic as the Python SDK's `LogarithmMapping`, which the peer test checks.
///
/// Subnormal values are rounded up to the smallest normal value (`0x1p-1022`), which the specification allows, so
/// every index stays within the range where normal values live.
///
/// See <https://opentelemetry.io/docs/specs/otel/metrics/data-model/#exponentialhistogram>.
enum Base2ExponentialMapping {
    /// The smallest scale. At -10 every normal value maps to index -1 or 0, so two buckets hold any data.
    static let minScale = -10
    /// The largest scale. At 20 every index still fits the `sint32` of OTLP's offset.
    static let maxScale = 20

    /// `log2(e)`, the same double as `1 / log(2)`.
    private static let log2e = 1.4426950408889634

    /// The bucket index of a positive, finite `magnitude` at `scale`.
    ///
    /// Callers pass the absolute value of a non-zero finite measurement. Anything else (zero, infinity, NaN) gets a
    /// defined but meaningless index rather than a trap: the histogram never calls this with such values.
    @inline(__always)
    static func index(of magnitude: Double, scale: Int) -> Int {
        // Zero, subnormals and NaN all fail `>=`, so they land on the smallest normal value.
        let value = magnitude >= .leastNormalMagnitude ? Swift.min(magnitude, .greatestFiniteMagnitude) : .leastNormalMagnitude
        let exponent = Int(value.exponent)
        let isPowerOfTwo = value.significandBitPattern == 0
        if scale <= 0 {
            // (2^e, 2^(e+1)] is index e at scale 0; an exact 2^e is the top of bucket e-1.
            return (exponent - (isPowerOfTwo ? 1 : 0)) >> -scale
        }
        if isPowerOfTwo {
            return (exponent << scale) - 1
        }
        // index = log(value) / log(base) = ln(value) * 2^scale / ln(2); the factor is scaled exactly by the exponent.
        let scaleFactor = Double(sign: .plus, exponent: scale, significand: log2e)
        let index = Int((log(value) * scaleFactor).rounded(.down))
        // Just below 2^1024 the rounded logarithm can reach the next power of two; the last bucket holds it.
        return Swift.min(index, maxIndex(scale: scale))
    }

    /// The largest index that holds a finite value: the bucket ending at 2^1024.
    static func maxIndex(scale: Int) -> Int {
        scale > 0 ? (1024 << scale) - 1 : 1023 >> -scale
    }

    /// The index that holds the smallest normal value, and so every subnormal value too.
    static func minIndex(scale: Int) -> Int {
        index(of: .leastNormalMagnitude, scale: scale)
    }

    /// The lower boundary `base^index` of bucket `index` at `scale`: `2^(index / 2^scale)`.
    ///
    /// It is 0 or `+infinity` where that power does not fit a `Double`. For scale > 0 the index splits into a whole
    /// power of two and a fraction, so `exp2` only ever sees an argument in [0, 1) and the result is accurate to an ulp
    /// or two across the whole range.
    static func lowerBoundary(index: Int, scale: Int) -> Double {
        if scale <= 0 {
            return Double(sign: .plus, exponent: index << -scale, significand: 1)
        }
        let whole = index >> scale
        let fraction = Double(index - (whole << scale)) / Double(1 << scale)
        return Double(sign: .plus, exponent: whole, significand: exp2(fraction))
    }
}
