/// The two text formats a Prometheus scraper may ask for.
///
/// They agree on names and labels but differ in small ways that this module's helpers take as a parameter: what
/// HELP text escapes, how a float that happens to be whole is written, and how a counter's or an info metric's
/// family is named in the metadata lines.
package enum PrometheusExpositionFormat: Sendable, Hashable, CaseIterable {
    /// The Prometheus text exposition format 0.0.4, what every Prometheus scrapes by default.
    case text004
    /// OpenMetrics 1.0.0 text, which a scraper asks for in its `Accept` header; the only text format with exemplars.
    case openMetrics100

    /// The `Content-Type` of a page in this format.
    package var contentType: String {
        switch self {
        case .text004: "text/plain; version=0.0.4; charset=utf-8"
        case .openMetrics100: "application/openmetrics-text; version=1.0.0; charset=utf-8"
        }
    }
}
