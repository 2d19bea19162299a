/// Translation of an OpenTelemetry (UCUM) unit into the word Prometheus puts at the end of a metric name.
///
/// Source: the OpenTelemetry specification, `compatibility/prometheus_and_openmetrics.md`, "OTLP Metric points to
/// Prometheus / Metric Metadata": the unit MUST be converted to the word of the table in "Prometheus Metric points to
/// OTLP / Metric Metadata"; portions within `{}` MUST be dropped; rates such as `m/s` MUST become `meters_per_second`.
/// `1` becomes `ratio` for gauges only, as the Go and Java exporters do (the collector's translator explains why:
/// some receivers use `1` for counts of things, and `requests_ratio_total` would be nonsense).
package enum PrometheusUnit {
    /// UCUM unit → plural word, for a unit on its own or before a `/`.
    ///
    /// The specification's table, plus what the Go (`otlptranslator`) and Java exporters also accept. Where they
    /// disagree the specification wins: `TiBy` is `tebibytes` (Go and Java write `tibibytes`, a misspelling), and
    /// `kBy` (UCUM's spelling) and `KBy` (Go's and Java's) are both kilobytes.
    static let words: [String: String] = [
        // Time.
        "d": "days",
        "h": "hours",
        "min": "minutes",
        "s": "seconds",
        "ms": "milliseconds",
        "us": "microseconds",
        "ns": "nanoseconds",
        // Longer times, from the Java exporter, in UCUM's spelling.
        "wk": "weeks",
        "mo": "months",
        "a": "years",
        // Bytes.
        "By": "bytes",
        "KiBy": "kibibytes",
        "MiBy": "mebibytes",
        "GiBy": "gibibytes",
        "TiBy": "tebibytes",
        "kBy": "kilobytes",
        "KBy": "kilobytes",
        "MBy": "megabytes",
        "GBy": "gigabytes",
        "TBy": "terabytes",
        // SI.
        "m": "meters",
        "V": "volts",
        "A": "amperes",
        "J": "joules",
        "W": "watts",
        "g": "grams",
        // The rest.
        "Cel": "celsius",
        "Hz": "hertz",
        "%": "percent",
    ]

    /// UCUM unit → singular word, for the unit after a `/` (`By/s` → `bytes_per_second`).
    ///
    /// The Java exporter's singulars of `words`, plus the Go exporter's non-UCUM `w` and `y`. Go also reads `m`
    /// after a `/` as minute; UCUM's `m` is the meter (a minute is `min`), so `m` stays the meter here.
    static let singularWords: [String: String] = [
        "d": "day",
        "h": "hour",
        "min": "minute",
        "s": "second",
        "ms": "millisecond",
        "us": "microsecond",
        "ns": "nanosecond",
        "wk": "week",
        "w": "week",
        "mo": "month",
        "a": "year",
        "y": "year",
        "By": "byte",
        "KiBy": "kibibyte",
        "MiBy": "mebibyte",
        "GiBy": "gibibyte",
        "TiBy": "tebibyte",
        "kBy": "kilobyte",
        "KBy": "kilobyte",
        "MBy": "megabyte",
        "GBy": "gigabyte",
        "TBy": "terabyte",
        "m": "meter",
        "V": "volt",
        "A": "ampere",
        "J": "joule",
        "W": "watt",
        "g": "gram",
    ]

    /// The Prometheus word for `unit`, or `""` when the unit adds nothing to a name.
    ///
    /// - `""`, `{request}` (only an annotation) and, except for gauges, `1` (dimensionless) give `""`.
    /// - `1` on a gauge gives `ratio`.
    /// - A unit from the table gives its word; `m/s` gives `meters_per_second`, `1/s` and `{request}/s` give
    ///   `per_second`.
    /// - Any other unit is kept, with characters outside `[a-zA-Z0-9_]` replaced by `_` (`packets` → `packets`),
    ///   as the specification's "when possible" and the Go and Java exporters do.
    ///
    /// - Parameters:
    ///   - unit: the instrument's unit, as given to the meter.
    ///   - kind: how the metric is exposed; only gauges turn `1` into `ratio`.
    package static func word(for unit: String, kind: PrometheusMetricKind) -> String {
        let unit = trimmed(withoutAnnotations(unit))
        if unit == "1" {
            return kind == .gauge ? "ratio" : ""
        }
        if let word = words[unit] {
            return word
        }
        guard let slash = unit.firstIndex(of: "/") else {
            return sanitized(unit)
        }
        let numerator = trimmed(String(unit[..<slash]))
        let denominator = trimmed(String(unit[unit.index(after: slash)...]))
        // A dimensionless numerator (`1/s`) reads as "per second", so it contributes no word of its own.
        let main = numerator == "1" ? "" : sanitized(words[numerator] ?? numerator)
        let per = sanitized(singularWords[denominator] ?? denominator)
        switch (main.isEmpty, per.isEmpty) {
        case (_, true): return main
        case (true, false): return "per_" + per
        case (false, false): return main + "_per_" + per
        }
    }

    /// `unit` with every `{…}` annotation removed (UCUM annotations do not nest); an unclosed `{` drops the rest.
    static func withoutAnnotations(_ unit: String) -> String {
        guard unit.contains("{") else { return unit }
        var result = ""
        var inAnnotation = false
        for character in unit {
            switch character {
            case "{": inAnnotation = true
            case "}" where inAnnotation: inAnnotation = false
            default: if !inAnnotation { result.append(character) }
            }
        }
        return result
    }

    static func trimmed(_ text: String) -> String {
        String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }

    /// A unit word made of `[a-zA-Z0-9_]` only, with runs of `_` collapsed and none at either end, so that it can be
    /// joined to a name with one `_` (`[degF]` → `degF`).
    ///
    /// A colon is replaced too, although metric names allow it: Prometheus reserves colons for recording rules.
    static func sanitized(_ word: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(word.unicodeScalars.count)
        var lastWasUnderscore = true  // true at the start drops leading underscores
        for scalar in word.unicodeScalars {
            if PrometheusName.isLabelCharacter(scalar) && scalar != "_" {
                result.unicodeScalars.append(scalar)
                lastWasUnderscore = false
            } else if !lastWasUnderscore {
                result.unicodeScalars.append("_")
                lastWasUnderscore = true
            }
        }
        if result.hasSuffix("_") {
            result.removeLast()
        }
        return result
    }
}
