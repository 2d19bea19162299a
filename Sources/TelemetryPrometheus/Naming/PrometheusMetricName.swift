/// How metric names are built; the defaults follow the specification.
package struct PrometheusNamingOptions: Sendable, Hashable {
    /// Whether the unit word (`_milliseconds`, `_bytes`, `_ratio`…) is added to names. `false` is the Go
    /// exporter's `WithoutUnits`: `http.server.duration` in `ms` stays `http_server_duration`, so queries written
    /// for names without units run unchanged.
    package var addsUnitSuffixes: Bool
    /// Whether `_total` is added to counters. The specification says exporters SHOULD let users turn it off; `false`
    /// is the Go exporter's `WithoutCounterSuffixes`. OpenMetrics has no counter without `_total`, so such a
    /// counter is exposed there as `unknown` (see ``PrometheusMetricName/typeName(in:)``).
    package var addsTotalSuffixes: Bool

    /// Options with both suffixes on by default, as the specification asks.
    package init(addsUnitSuffixes: Bool = true, addsTotalSuffixes: Bool = true) {
        self.addsUnitSuffixes = addsUnitSuffixes
        self.addsTotalSuffixes = addsTotalSuffixes
    }
}

/// The Prometheus names of one OpenTelemetry metric.
///
/// Built by ``init(name:unit:kind:options:)`` per the specification (`compatibility/prometheus_and_openmetrics.md`,
/// "OTLP Metric points to Prometheus": "Metric Metadata" and "Sums"):
/// 1. characters outside `[a-zA-Z0-9_:]` become `_`, and runs of `_` become one `_`;
/// 2. the unit word (see ``PrometheusUnit``) is appended unless the name already ends with it;
/// 3. counters get `_total` after the unit, unless the name already ends with `_total`; info metrics, `_info`;
/// 4. a name that would start with a digit gets a leading `_`, as the Go translator does, since Prometheus names
///    cannot start with one.
package struct PrometheusMetricName: Sendable, Hashable {
    /// The metric family's name, without the counter's `_total`: `http_server_duration_milliseconds`,
    /// `http_server_requests`. Histogram and summary samples append `_bucket`, `_sum` and `_count` to it.
    package let family: String
    /// The name of the samples of a counter (`http_server_requests_total`), an info metric (`target_info`), a gauge
    /// or an unknown metric (`family`). For histograms and summaries it is `family`, to which each sample adds its
    /// suffix.
    package let sample: String
    /// The unit word that ends `family`, for OpenMetrics' `# UNIT` line; `nil` when the name carries no unit.
    package let unit: String?
    /// The kind the names were built for.
    package let kind: PrometheusMetricKind

    /// The names of the metric `name` in `unit`, exposed as `kind`; `nil` when nothing usable is left (an empty
    /// name, or one made only of characters that all become `_`), which the exporter drops with a warning.
    ///
    /// - Parameters:
    ///   - name: the OpenTelemetry metric name, such as `http.server.duration`.
    ///   - unit: its UCUM unit, such as `ms`; `""` for none.
    ///   - kind: what the metric becomes in Prometheus.
    ///   - options: which suffixes to add.
    package init?(name: String, unit: String, kind: PrometheusMetricKind, options: PrometheusNamingOptions = .init()) {
        var base = PrometheusName.sanitizedMetricName(name)
        // A counter's `_total` and an info metric's `_info` name its samples, not its family. They come after the
        // unit, so an existing one is taken off first and put back at the end; otherwise `requests_total` in `s`
        // would become `requests_total_seconds_total`.
        let typeSuffix: String? =
            switch kind {
            case .counter: options.addsTotalSuffixes ? PrometheusName.totalSuffix : nil
            case .info: PrometheusName.infoSuffix
            case .gauge, .histogram, .summary, .unknown: nil
            }
        if let typeSuffix, base.hasSuffix(typeSuffix) {
            let rest = String(base.dropLast(typeSuffix.count))
            if PrometheusName.hasNonUnderscore(rest) {
                base = rest
            }
        }
        let word = options.addsUnitSuffixes ? PrometheusUnit.word(for: unit, kind: kind) : ""
        var family = base
        if !word.isEmpty, !family.hasSuffix("_" + word) {
            family = PrometheusName.trimmingTrailingUnderscores(family) + "_" + word
        }
        if typeSuffix != nil {
            family = PrometheusName.trimmingTrailingUnderscores(family)
        }
        family = PrometheusName.collapsingUnderscores(family)
        if let first = family.unicodeScalars.first, PrometheusName.isDigit(first) {
            family = "_" + family
        }
        guard PrometheusName.hasNonUnderscore(family) else { return nil }
        self.family = family
        self.sample = family + (typeSuffix ?? "")
        self.unit = word.isEmpty ? nil : word
        self.kind = kind
    }

    /// The name that the `# TYPE`, `# HELP` and `# UNIT` lines carry in `format`.
    ///
    /// In 0.0.4 a counter's metadata names its samples (`http_server_requests_total`), and so does an info
    /// metric's, which is a gauge there (`target_info`); in OpenMetrics the metadata names the family, and the samples
    /// add `_total` or `_info` (`# TYPE http_server_requests counter`, `# TYPE target info`).
    package func metadataName(in format: PrometheusExpositionFormat) -> String {
        switch format {
        case .text004: sample
        case .openMetrics100: family
        }
    }

    /// The `# TYPE` word in `format`; a counter whose samples lack `_total` is `unknown` in OpenMetrics, which has no
    /// other way to expose it.
    package func typeName(in format: PrometheusExpositionFormat) -> String {
        if kind == .counter, format == .openMetrics100, sample == family {
            return PrometheusMetricKind.unknown.typeName(in: format)
        }
        return kind.typeName(in: format)
    }
}
