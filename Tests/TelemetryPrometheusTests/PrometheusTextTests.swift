import Foundation
import Testing

@testable import TelemetryPrometheus

/// Escaping and numbers, per the Prometheus exposition formats page (0.0.4) and OpenMetrics 1.0.
@Suite("Prometheus text escaping and numbers")
struct PrometheusTextTests {
    // MARK: Escaping

    @Test("label values escape backslash, double quote and line feed, the same in both formats")
    func labelValues() {
        // The exposition formats page's own example: path="C:\\DIR\\FILE.TXT",error="Cannot find file:\n\"FILE.TXT\"".
        #expect(PrometheusText.escapedLabelValue(#"C:\DIR\FILE.TXT"#) == #"C:\\DIR\\FILE.TXT"#)
        #expect(
            PrometheusText.escapedLabelValue("Cannot find file:\n\"FILE.TXT\"") == #"Cannot find file:\n\"FILE.TXT\""#)
        #expect(PrometheusText.escapedLabelValue(#"\n"#) == #"\\n"#)
        #expect(PrometheusText.escapedLabelValue("plain /api/v1 é 日本\t") == "plain /api/v1 é 日本\t")
        #expect(PrometheusText.escapedLabelValue("a\rb") == "a\rb")
        #expect(PrometheusText.escapedLabelValue("") == "")
    }

    @Test("HELP escapes backslash and line feed; only OpenMetrics also escapes double quotes")
    func help() {
        let help = "Latency \"p99\" in C:\\tmp\nsecond line"
        #expect(PrometheusText.escapedHelp(help, in: .text004) == #"Latency "p99" in C:\\tmp\nsecond line"#)
        #expect(PrometheusText.escapedHelp(help, in: .openMetrics100) == #"Latency \"p99\" in C:\\tmp\nsecond line"#)
        // OpenMetrics' own example: `# HELP foo_seconds Some text and \n some \" escaping`.
        #expect(
            PrometheusText.escapedHelp("Some text and \n some \" escaping", in: .openMetrics100)
                == #"Some text and \n some \" escaping"#)
        #expect(PrometheusText.escapedHelp("nothing to do", in: .text004) == "nothing to do")
    }

    // MARK: Numbers

    @Test("non-finite values are +Inf, -Inf and NaN in both formats")
    func nonFinite() {
        for format in PrometheusExpositionFormat.allCases {
            #expect(PrometheusText.formatted(Double.infinity, in: format) == "+Inf")
            #expect(PrometheusText.formatted(-Double.infinity, in: format) == "-Inf")
            #expect(PrometheusText.formatted(Double.nan, in: format) == "NaN")
            #expect(PrometheusText.formattedBound(.infinity, in: format) == "+Inf")
        }
    }

    /// OpenMetrics 1.0, "Considerations: Canonical Numbers": the renderings exposers SHOULD produce, which `le` and
    /// `quantile` values MUST follow.
    @Test(
        "OpenMetrics canonical numbers",
        arguments: [
            (0.0, "0.0"), (0.001, "0.001"), (0.002, "0.002"), (0.01, "0.01"), (0.1, "0.1"), (0.9, "0.9"),
            (0.95, "0.95"), (0.99, "0.99"), (0.999, "0.999"), (1.0, "1.0"), (1.7, "1.7"), (10.0, "10.0"),
            (1e-10, "1e-10"), (1e-09, "1e-09"), (1e-05, "1e-05"), (0.0001, "0.0001"), (100000.0, "100000.0"),
            (1e+06, "1e+06"), (1e+10, "1e+10"),
        ]
    )
    func canonical(value: Double, expected: String) {
        #expect(PrometheusText.formatted(value, in: .openMetrics100) == expected)
        #expect(PrometheusText.formattedBound(value, in: .openMetrics100) == expected)
    }

    @Test(
        "0.0.4 writes floats as Go's %g does, whole numbers without a point",
        arguments: [
            (0.0, "0"), (-0.0, "-0"), (1.0, "1"), (2.5, "2.5"), (10.0, "10"), (0.005, "0.005"), (100000.0, "100000"),
            (999999.0, "999999"), (1e6, "1e+06"), (1234567.0, "1.234567e+06"), (-3982045.0, "-3.982045e+06"),
            (1.458255915e9, "1.458255915e+09"), (0.00011, "0.00011"), (1.1e-5, "1.1e-05"), (123.456, "123.456"),
            (0.1 + 0.2, "0.30000000000000004"), (1e21, "1e+21"), (1e100, "1e+100"), (5e-324, "5e-324"),
            (Double.greatestFiniteMagnitude, "1.7976931348623157e+308"), (-0.5, "-0.5"), (12345.678, "12345.678"),
        ]
    )
    func goStyle(value: Double, expected: String) {
        #expect(PrometheusText.formatted(value, in: .text004) == expected)
    }

    @Test("OpenMetrics marks whole floats with .0 and leaves the others as 0.0.4 writes them")
    func openMetricsFloats() {
        #expect(PrometheusText.formatted(-0.0, in: .openMetrics100) == "-0.0")
        #expect(PrometheusText.formatted(42.0, in: .openMetrics100) == "42.0")
        #expect(PrometheusText.formatted(1e6, in: .openMetrics100) == "1e+06")
        #expect(PrometheusText.formatted(2.5, in: .openMetrics100) == "2.5")
        #expect(PrometheusText.formatted(-3982045.0, in: .openMetrics100) == "-3.982045e+06")
    }

    @Test("integers have no point and no exponent")
    func integers() {
        #expect(PrometheusText.formatted(Int64(0)) == "0")
        #expect(PrometheusText.formatted(Int64(-42)) == "-42")
        #expect(PrometheusText.formatted(Int64.max) == "9223372036854775807")
        #expect(PrometheusText.formatted(UInt64.max) == "18446744073709551615")
        #expect(PrometheusText.formatted(UInt64(1_000_000)) == "1000000")
    }

    @Test("every float written reads back as the same Double, in both formats")
    func roundTrip() {
        var generator = SplitMix64(seed: 0x5EED)
        var values: [Double] = [
            .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, .pi, -.pi, 1.0 / 3.0,
            Double(Int64.max), Double(UInt64.max), 0x1p53, 0x1p53 + 2, 123_456_789.123_456_789,
        ]
        for _ in 0..<20_000 {
            values.append(Double(bitPattern: generator.next()))
        }
        for value in values where value.isFinite {
            for format in PrometheusExpositionFormat.allCases {
                let text = PrometheusText.formatted(value, in: format)
                #expect(Double(text)?.bitPattern == value.bitPattern, "\(value) → \(text)")
            }
        }
    }

    @Test("written floats match the grammars: 0.0.4 Go ParseFloat syntax, OpenMetrics realnumber")
    func grammar() throws {
        // OpenMetrics' ABNF `realnumber`, as a regular expression.
        let realNumber = try Regex(#"^[+-]?([0-9]+(\.[0-9]*)?|[0-9]*\.[0-9]+)(e[+-]?[0-9]+)?$"#)
        var generator = SplitMix64(seed: 7)
        for _ in 0..<2_000 {
            let value = Double(bitPattern: generator.next())
            guard value.isFinite else { continue }
            let openMetrics = PrometheusText.formatted(value, in: .openMetrics100)
            #expect(openMetrics.wholeMatch(of: realNumber) != nil, "\(openMetrics)")
            // A float, never something that reads as an integer.
            #expect(openMetrics.contains(".") || openMetrics.contains("e"), "\(openMetrics)")
        }
    }
}

/// A small deterministic generator, so a failure names a value that can be reproduced.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
