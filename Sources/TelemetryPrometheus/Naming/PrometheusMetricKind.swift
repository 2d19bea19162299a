/// What an OpenTelemetry metric becomes in Prometheus, which decides its suffixes and its `# TYPE`.
///
/// The exporter picks it from the data point kind, per the specification's "OTLP Metric points to Prometheus":
/// a cumulative monotonic sum is a counter; a gauge or a non-monotonic sum is a gauge; an explicit-bucket histogram
/// is a histogram; the resource becomes an info metric (`target_info`).
package enum PrometheusMetricKind: Sendable, Hashable, CaseIterable {
    /// A cumulative monotonic sum: `_total` is added to its name.
    case counter
    /// A gauge, or a non-monotonic sum: unit `1` becomes `_ratio`.
    case gauge
    /// A histogram: samples `_bucket` (with `le`), `_sum` and `_count`.
    case histogram
    /// A summary: samples with `quantile`, `_sum` and `_count`.
    case summary
    /// An OpenMetrics info metric: its one sample is `<family>_info` with value 1.
    case info
    /// A metric whose type is unknown (`untyped` in the 0.0.4 format).
    case unknown

    /// The word for this kind in a `# TYPE` line of `format`.
    ///
    /// The 0.0.4 format has neither `info` nor `unknown`: an info metric is a gauge there (specification,
    /// "Differences between Prometheus formats"), and the unknown type is spelled `untyped`.
    package func typeName(in format: PrometheusExpositionFormat) -> String {
        switch (self, format) {
        case (.counter, _): "counter"
        case (.gauge, _): "gauge"
        case (.histogram, _): "histogram"
        case (.summary, _): "summary"
        case (.info, .text004): "gauge"
        case (.info, .openMetrics100): "info"
        case (.unknown, .text004): "untyped"
        case (.unknown, .openMetrics100): "unknown"
        }
    }
}
