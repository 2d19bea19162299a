import Telemetry

/// Exposes the metrics of a ``MeterProvider`` as a Prometheus page, for a scraper to pull.
///
/// The exporter is a pull ``MetricReader``: give it to the provider, then serve ``render(accept:)`` at `/metrics`,
/// either from your own router or with ``PrometheusHTTPServer``.
///
/// ```swift
/// let prometheus = PrometheusExporter(options: .withoutUnits)
/// let provider = MeterProvider(readers: [prometheus])
/// // In a Hummingbird or Vapor route:
/// let page = prometheus.render(accept: request.headers["Accept"])
/// // respond with page.body and `Content-Type: page.contentType`
/// ```
///
/// Names, labels and types follow the OpenTelemetry specification's "Prometheus and OpenMetrics Compatibility":
/// - a monotonic sum is a counter whose samples end in `_total`; a non-monotonic sum (an up-down counter) and a gauge
///   are gauges; an explicit-bucket histogram gives `_bucket{le=…}` (cumulative, ending at `le="+Inf"`), `_sum` and
///   `_count`;
/// - the unit is appended to the name (`http.server.duration` in `ms` is `http_server_duration_milliseconds`) unless
///   ``Options/addsUnitSuffixes`` is off;
/// - every sample carries `otel_scope_name` and `otel_scope_version` (and the scope's schema URL and attributes);
/// - each resource becomes one `target_info` sample carrying its attributes;
/// - streams of several scopes with the same Prometheus name share one family (one `# HELP` and `# TYPE`); a stream
///   whose name is taken by a family of another type is left out, since a page with both would be refused.
///
/// What Prometheus' text formats cannot carry is handled so:
/// - **Exponential histograms** become classic histograms: each bucket of the exponential histogram becomes one
///   `le` bucket at its upper bound (`base^(index+1)`; for negative values `-base^index`), the zero bucket becomes
///   `le="<zero threshold>"`, then `+Inf`. No observation is lost and `histogram_quantile` works on them; the
///   `le` values change when the histogram rescales. (Prometheus' native histograms, the specification's target for
///   them, exist only in the protobuf format.)
/// - **Delta** sums and histograms are left out, as the specification allows. The exporter's own reader always asks
///   for cumulative temporality, so this only concerns points given to ``render(_:format:)`` directly.
/// - **Exemplars** are written in OpenMetrics only (the 0.0.4 format has none): the latest one of each counter and of
///   each histogram bucket, with `trace_id` and `span_id`.
/// - `_created` samples are not written (OpenMetrics makes them optional).
public final class PrometheusExporter: MetricReader {
    /// How names and labels are built.
    public struct Options: Sendable, Hashable {
        /// Whether the unit word (`_milliseconds`, `_seconds`, `_bytes`, `_ratio`…) is appended to names. Turning it
        /// off is the Go exporter's `WithoutUnits`: `http.server.duration` in `ms` is then exposed as
        /// `http_server_duration`, so that queries such as
        /// `histogram_quantile(0.95, rate(http_server_duration_bucket[5m]))` run unchanged. Counters keep `_total`.
        public var addsUnitSuffixes: Bool
        /// Whether counters' samples end in `_total`. Turning it off is the Go exporter's `WithoutCounterSuffixes`;
        /// OpenMetrics has no counter without `_total`, so such a counter is `unknown` there.
        public var addsTotalSuffixes: Bool
        /// Whether each resource is exposed as a `target_info` sample (the Go exporter's `WithoutTargetInfo` turns it
        /// off).
        public var exposesTargetInfo: Bool
        /// Whether every sample carries `otel_scope_name`, `otel_scope_version`, and the scope's schema URL and
        /// attributes (the Go exporter's `WithoutScopeInfo` turns it off).
        public var addsScopeLabels: Bool

        /// Options following the specification: unit suffixes, `_total`, `target_info` and scope labels all on.
        public init(
            addsUnitSuffixes: Bool = true,
            addsTotalSuffixes: Bool = true,
            exposesTargetInfo: Bool = true,
            addsScopeLabels: Bool = true
        ) {
            self.addsUnitSuffixes = addsUnitSuffixes
            self.addsTotalSuffixes = addsTotalSuffixes
            self.exposesTargetInfo = exposesTargetInfo
            self.addsScopeLabels = addsScopeLabels
        }

        /// The specification's defaults.
        public static let `default` = Options()

        /// The defaults without unit suffixes (the Go exporter's `WithoutUnits`), which expose the product brief's
        /// `http.server.duration` in `ms` as `http_server_duration` and `http.server.requests` as
        /// `http_server_requests_total`.
        public static let withoutUnits = Options(addsUnitSuffixes: false)
    }

    /// The pull reader this exporter collects through.
    public let reader: ManualMetricReader
    /// How names and labels are built.
    public let options: Options

    /// Creates an exporter; pass it to ``MeterProvider/init(resource:readers:views:cardinalityLimit:logger:)``.
    ///
    /// Its reader asks for cumulative temporality, the only one a pull exporter can expose: each scrape sees the
    /// totals since the start, so several scrapers (or a lost scrape) never disturb each other.
    public init(options: Options = .default) {
        self.reader = ManualMetricReader(temporality: .cumulative)
        self.options = options
    }

    public func temporality(for kind: InstrumentKind) -> AggregationTemporality {
        reader.temporality(for: kind)
    }

    public func register(_ producer: MetricProducer) {
        reader.register(producer)
    }

    /// Collects the metrics now and renders them in the format that `accept` (an HTTP `Accept` header value) asks for.
    ///
    /// OpenMetrics 1.0 is chosen when the header prefers `application/openmetrics-text` to `text/plain`, as
    /// Prometheus' own scrapes do; the 0.0.4 text format otherwise, and when the header is absent. Serve `body` with
    /// `Content-Type: contentType`.
    public func render(accept: String?) -> (contentType: String, body: String) {
        let format = PrometheusFormat(accept: accept)
        return (format.contentType, render(reader.collect(), format: format))
    }

    /// Renders `metrics` in the given format, without collecting.
    public func render(_ metrics: [MetricData], format: PrometheusFormat) -> String {
        PrometheusRenderer(options: options).render(metrics, format: format.exposition)
    }
}

/// The text formats a ``PrometheusExporter`` writes.
public enum PrometheusFormat: Sendable, Hashable, CaseIterable {
    /// The Prometheus text exposition format 0.0.4: `text/plain; version=0.0.4`.
    case text004
    /// OpenMetrics 1.0.0 text, with exemplars and `# EOF`: `application/openmetrics-text; version=1.0.0`.
    case openMetrics100

    /// The `Content-Type` of a page in this format.
    public var contentType: String { exposition.contentType }

    var exposition: PrometheusExpositionFormat {
        switch self {
        case .text004: .text004
        case .openMetrics100: .openMetrics100
        }
    }

    /// The format that the HTTP `Accept` header value `accept` asks for, by Prometheus' rules.
    ///
    /// The media ranges are taken by decreasing quality (`q`), the more specific first among equals; the first one
    /// that is `text/plain` with version `0.0.4` or none gives the 0.0.4 format, and the first that is
    /// `application/openmetrics-text` with version `1.0.0`, `0.0.1` or none gives OpenMetrics 1.0. Anything else,
    /// `*/*` and a missing or unreadable header included, gives the 0.0.4 format, as Prometheus' Go client does.
    public init(accept: String?) {
        self = PrometheusContentNegotiation.format(forAccept: accept)
    }
}
