import Testing

@testable import TelemetryPrometheus

/// Units, per the specification's unit table ("Prometheus Metric points to OTLP / Metric Metadata") and its rules in
/// "OTLP Metric points to Prometheus / Metric Metadata".
@Suite("Prometheus unit words")
struct PrometheusUnitTests {
    /// The specification's table, row by row, and what the Go and Java exporters add.
    static let table: [(String, String)] = [
        ("d", "days"), ("h", "hours"), ("min", "minutes"), ("s", "seconds"), ("ms", "milliseconds"),
        ("us", "microseconds"), ("ns", "nanoseconds"),
        ("By", "bytes"), ("KiBy", "kibibytes"), ("MiBy", "mebibytes"), ("GiBy", "gibibytes"), ("TiBy", "tebibytes"),
        ("kBy", "kilobytes"), ("KBy", "kilobytes"), ("MBy", "megabytes"), ("GBy", "gigabytes"), ("TBy", "terabytes"),
        ("m", "meters"), ("V", "volts"), ("A", "amperes"), ("J", "joules"), ("W", "watts"), ("g", "grams"),
        ("Cel", "celsius"), ("Hz", "hertz"), ("%", "percent"),
        ("wk", "weeks"), ("mo", "months"), ("a", "years"),
    ]

    @Test("every unit of the table becomes its word, for every kind", arguments: table)
    func tableWords(unit: String, word: String) {
        for kind in PrometheusMetricKind.allCases {
            #expect(PrometheusUnit.word(for: unit, kind: kind) == word, "\(kind)")
        }
        #expect(PrometheusMetricName(name: "x", unit: unit, kind: .gauge)?.family == "x_" + word)
    }

    @Test(
        "rates over time become words joined by _per_",
        arguments: [
            ("m/s", "meters_per_second"),
            ("By/s", "bytes_per_second"),
            ("KiBy/s", "kibibytes_per_second"),
            ("1/s", "per_second"),
            ("{request}/s", "per_second"),
            ("{packet}/min", "per_minute"),
            ("By/h", "bytes_per_hour"),
            ("By/d", "bytes_per_day"),
            ("By/wk", "bytes_per_week"),
            ("By/w", "bytes_per_week"),
            ("By/mo", "bytes_per_month"),
            ("By/a", "bytes_per_year"),
            ("By/y", "bytes_per_year"),
            ("J/ms", "joules_per_millisecond"),
            // UCUM's `m` is the meter wherever it stands.
            ("g/m", "grams_per_meter"),
            // Units outside the table are kept, cleaned.
            ("requests/s", "requests_per_second"),
            ("[degF]/s", "degF_per_second"),
            ("By/{x}", "bytes"),
            ("By/", "bytes"),
            (" By / s ", "bytes_per_second"),
        ]
    )
    func rates(unit: String, word: String) {
        #expect(PrometheusUnit.word(for: unit, kind: .gauge) == word)
    }

    @Test(
        "annotations in {} are dropped; an annotation alone adds nothing",
        arguments: [
            ("{packets}", ""),
            ("{request}", ""),
            ("", ""),
            ("  ", ""),
            ("By{transmitted}", "bytes"),
            ("{a}By{b}", "bytes"),
            ("k{unclosed", "k"),
        ]
    )
    func annotations(unit: String, word: String) {
        #expect(PrometheusUnit.word(for: unit, kind: .counter) == word)
    }

    @Test("1 is ratio for gauges and nothing for the other kinds")
    func dimensionless() {
        #expect(PrometheusUnit.word(for: "1", kind: .gauge) == "ratio")
        for kind in PrometheusMetricKind.allCases where kind != .gauge {
            #expect(PrometheusUnit.word(for: "1", kind: kind) == "", "\(kind)")
        }
    }

    @Test(
        "units outside the table are kept, with characters outside [a-zA-Z0-9_] replaced",
        arguments: [
            ("packets", "packets"),
            ("[degF]", "degF"),
            ("km:h", "km_h"),
            ("10.ms", "10_ms"),
            ("__x__", "x"),
        ]
    )
    func unknownUnits(unit: String, word: String) {
        #expect(PrometheusUnit.word(for: unit, kind: .gauge) == word)
    }
}
