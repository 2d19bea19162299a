/// The HTTP server metrics of the semantic conventions, and optionally the dashboard names, recorded for each request.
///
/// Always recorded, per the [conventions](https://opentelemetry.io/docs/specs/semconv/http/http-metrics/):
/// - `http.server.request.duration`, a histogram in seconds with the advised boundaries
///   ``durationBucketBoundaries``, with `http.request.method`, `url.scheme`, `http.route`,
///   `http.response.status_code`, `network.protocol.version` and, for a 5xx, `error.type`;
/// - `http.server.active_requests`, an up-down counter with `http.request.method` and `url.scheme`;
/// - `http.server.request.body.size` and `http.server.response.body.size`, histograms in bytes.
///
/// With ``dashboardNames``, also the counter `http.server.requests` and the histogram `http.server.duration` in
/// milliseconds, with the attributes `method`, `status` and `endpoint` (the route template, or `unmatched`). Exposed
/// through `PrometheusExporter(options: .withoutUnits)` they are `http_server_requests_total` and
/// `http_server_duration_bucket`, the names of PromQL dashboards such as
/// `histogram_quantile(0.95, rate(http_server_duration_bucket[5m]))`.
///
/// With ``HTTPSemanticConventionStability/emitsOldNames`` (`OTEL_SEMCONV_STABILITY_OPT_IN=http/dup`), also the old
/// `http.server.duration` in milliseconds (unless ``dashboardNames`` already records that name),
/// `http.server.request.size` and `http.server.response.size`, with the old attribute names.
public final class HTTPServerMetrics: Sendable {
    /// The conventions' advised boundaries for `http.server.request.duration`, in seconds.
    public static let durationBucketBoundaries: [Double] = [
        0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
    ]
    /// The same boundaries in milliseconds, for the histograms named `http.server.duration`.
    public static let millisecondBucketBoundaries: [Double] = [
        5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000,
    ]

    /// Whether the dashboard names are recorded too.
    public let dashboardNames: Bool
    /// Which attribute names are emitted.
    public let stability: HTTPSemanticConventionStability

    private let duration: Histogram<Double>
    private let activeRequests: UpDownCounter<Int64>
    private let requestBodySize: Histogram<Int64>
    private let responseBodySize: Histogram<Int64>
    private let dashboardRequests: Counter<Int64>?
    private let dashboardDuration: Histogram<Double>?
    private let oldDuration: Histogram<Double>?
    private let oldRequestSize: Histogram<Int64>?
    private let oldResponseSize: Histogram<Int64>?
    /// The series requests end in, bound once, so that a request finds them without building attribute sets.
    private let cache = HTTPServerSeriesCache()

    /// Creates the instruments on `meter`.
    ///
    /// - Parameters:
    ///   - meter: The meter; its scope names the instrumentation, for example `TelemetryHummingbird`.
    ///   - dashboardNames: Whether to record `http.server.requests` and `http.server.duration` (ms) with `method`,
    ///     `status` and `endpoint` too; off by default.
    ///   - stability: Which attribute names to emit; by default what `OTEL_SEMCONV_STABILITY_OPT_IN` says.
    public init(
        meter: Meter, dashboardNames: Bool = false, stability: HTTPSemanticConventionStability = .processDefault
    ) {
        self.dashboardNames = dashboardNames
        self.stability = stability
        duration = meter.makeHistogram(
            Double.self, name: "http.server.request.duration", unit: "s",
            description: "Duration of HTTP server requests.", explicitBucketBoundaries: Self.durationBucketBoundaries)
        activeRequests = meter.makeUpDownCounter(
            Int64.self, name: "http.server.active_requests", unit: "{request}",
            description: "Number of active HTTP server requests.")
        requestBodySize = meter.makeHistogram(
            Int64.self, name: "http.server.request.body.size", unit: "By",
            description: "Size of HTTP server request bodies.")
        responseBodySize = meter.makeHistogram(
            Int64.self, name: "http.server.response.body.size", unit: "By",
            description: "Size of HTTP server response bodies.")
        if dashboardNames {
            dashboardRequests = meter.makeCounter(
                Int64.self, name: "http.server.requests", description: "HTTP server requests served.")
            dashboardDuration = meter.makeHistogram(
                Double.self, name: "http.server.duration", unit: "ms",
                description: "Duration of HTTP server requests.",
                explicitBucketBoundaries: Self.millisecondBucketBoundaries)
        } else {
            dashboardRequests = nil
            dashboardDuration = nil
        }
        if stability.emitsOldNames {
            // One instrument name with two sets of attribute names would mix their series in every query, so the
            // dashboard histogram, when on, keeps the name.
            oldDuration =
                dashboardNames
                ? nil
                : meter.makeHistogram(
                    Double.self, name: "http.server.duration", unit: "ms",
                    description: "Duration of HTTP server requests.",
                    explicitBucketBoundaries: Self.millisecondBucketBoundaries)
            oldRequestSize = meter.makeHistogram(
                Int64.self, name: "http.server.request.size", unit: "By",
                description: "Size of HTTP server request bodies.")
            oldResponseSize = meter.makeHistogram(
                Int64.self, name: "http.server.response.size", unit: "By",
                description: "Size of HTTP server response bodies.")
        } else {
            oldDuration = nil
            oldRequestSize = nil
            oldResponseSize = nil
        }
    }

    /// Counts `request` as active. Call ``requestEnded(_:statusCode:errorType:duration:responseBodySize:)`` with the
    /// same request exactly once afterwards.
    public func requestStarted(_ request: HTTPServerRequestInfo) {
        _ = begin(request)
    }

    /// Records a finished request and counts it as no longer active.
    ///
    /// - Parameters:
    ///   - request: The request, as passed to ``requestStarted(_:)``, with its route if one matched.
    ///   - statusCode: The response's status code.
    ///   - errorType: `error.type`, as ``HTTPServerSemantics/errorType(statusCode:unhandledError:)`` gives it.
    ///   - duration: From the request's arrival until its response was written.
    ///   - responseBodySize: The bytes of response body written, if known.
    public func requestEnded(
        _ request: HTTPServerRequestInfo,
        statusCode: Int,
        errorType: String?,
        duration elapsed: Duration,
        responseBodySize written: Int?
    ) {
        end(
            ActiveRequest(request, metrics: self), route: request.route, statusCode: statusCode,
            errorType: errorType, duration: elapsed, responseBodySize: written)
    }

    /// A request counted as active: what its end records needs from its start, kept so that the end neither looks up
    /// the active-requests series again nor copies the whole ``HTTPServerRequestInfo``.
    package struct ActiveRequest: Sendable {
        fileprivate let series: BoundUpDownCounter<Int64>
        fileprivate let method: String
        fileprivate let scheme: String
        fileprivate let protocolVersion: String?
        fileprivate let requestBodySize: Int?

        fileprivate init(_ request: HTTPServerRequestInfo, metrics: HTTPServerMetrics) {
            method = HTTPServerSemantics.normalizedMethod(request.method)
            scheme = request.scheme
            series = metrics.activeSeries(method: method, scheme: scheme)
            protocolVersion = request.protocolVersion
            requestBodySize = request.requestBodySize
        }
    }

    /// ``requestStarted(_:)``, returning what ``end(_:route:statusCode:errorType:duration:responseBodySize:)`` needs.
    package func begin(_ request: HTTPServerRequestInfo) -> ActiveRequest {
        let active = ActiveRequest(request, metrics: self)
        active.series.add(1)
        return active
    }

    /// ``requestEnded(_:statusCode:errorType:duration:responseBodySize:)`` for a request ``begin(_:)`` counted.
    package func end(
        _ active: ActiveRequest,
        route: String?,
        statusCode: Int,
        errorType: String?,
        duration elapsed: Duration,
        responseBodySize written: Int?
    ) {
        active.series.add(-1)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let key = HTTPServerSeriesCache.ResponseKey(
            method: active.method, scheme: active.scheme, statusCode: statusCode, route: route,
            protocolVersion: active.protocolVersion, errorType: errorType)
        let requestSize = active.requestBodySize
        if let series = cache.responseSeries(key, make: bindResponseSeries) {
            series.record(seconds: seconds, requestBodySize: requestSize, responseBodySize: written)
            return
        }
        // More distinct responses than the cache keeps: record through the attribute sets, as any caller would.
        let sets = responseAttributeSets(key)
        duration.record(seconds, attributes: sets.stable)
        if let requestSize { requestBodySize.record(Int64(requestSize), attributes: sets.stable) }
        if let written { responseBodySize.record(Int64(written), attributes: sets.stable) }
        if let dashboard = sets.dashboard {
            dashboardRequests?.add(1, attributes: dashboard)
            dashboardDuration?.record(seconds * 1000, attributes: dashboard)
        }
        if let old = sets.old {
            oldDuration?.record(seconds * 1000, attributes: old)
            if let requestSize { oldRequestSize?.record(Int64(requestSize), attributes: old) }
            if let written { oldResponseSize?.record(Int64(written), attributes: old) }
        }
    }

    private func activeSeries(method: String, scheme: String) -> BoundUpDownCounter<Int64> {
        cache.activeSeries(HTTPServerSeriesCache.ActiveKey(method: method, scheme: scheme)) { key in
            activeRequests.bind(["http.request.method": .string(key.method), "url.scheme": .string(key.scheme)])
        }
    }

    private func bindResponseSeries(_ key: HTTPServerSeriesCache.ResponseKey) -> HTTPServerSeriesCache.ResponseSeries {
        let sets = responseAttributeSets(key)
        return HTTPServerSeriesCache.ResponseSeries(
            duration: duration.bind(sets.stable),
            requestBodySize: requestBodySize.bind(sets.stable),
            responseBodySize: responseBodySize.bind(sets.stable),
            dashboardRequests: sets.dashboard.flatMap { dashboard in dashboardRequests?.bind(dashboard) },
            dashboardDuration: sets.dashboard.flatMap { dashboard in dashboardDuration?.bind(dashboard) },
            oldDuration: sets.old.flatMap { old in oldDuration?.bind(old) },
            oldRequestSize: sets.old.flatMap { old in oldRequestSize?.bind(old) },
            oldResponseSize: sets.old.flatMap { old in oldResponseSize?.bind(old) }
        )
    }

    /// The attributes of a finished request: the stable names, the dashboard names when on, and the old names with
    /// `http/dup`.
    private func responseAttributeSets(
        _ key: HTTPServerSeriesCache.ResponseKey
    ) -> (stable: AttributeSet, dashboard: AttributeSet?, old: AttributeSet?) {
        var stable: [(String, AttributeValue)] = [
            ("http.request.method", .string(key.method)),
            ("url.scheme", .string(key.scheme)),
            ("http.response.status_code", .int(Int64(key.statusCode))),
        ]
        if let route = key.route { stable.append(("http.route", .string(route))) }
        if let version = key.protocolVersion { stable.append(("network.protocol.version", .string(version))) }
        if let errorType = key.errorType { stable.append(("error.type", .string(errorType))) }

        var dashboard: AttributeSet?
        if dashboardNames {
            dashboard = [
                "method": .string(key.method),
                "status": .string(String(key.statusCode)),
                "endpoint": .string(key.route ?? "unmatched"),
            ]
        }
        var old: AttributeSet?
        if stability.emitsOldNames {
            var names: [(String, AttributeValue)] = [
                ("http.method", .string(key.method)),
                ("http.scheme", .string(key.scheme)),
                ("http.status_code", .int(Int64(key.statusCode))),
            ]
            if let route = key.route { names.append(("http.route", .string(route))) }
            if let version = key.protocolVersion { names.append(("net.protocol.version", .string(version))) }
            old = AttributeSet(names)
        }
        return (AttributeSet(stable), dashboard, old)
    }
}
