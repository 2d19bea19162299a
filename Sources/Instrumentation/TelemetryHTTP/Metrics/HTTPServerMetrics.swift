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
public struct HTTPServerMetrics: Sendable {
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
        activeRequests.add(1, attributes: Self.activeAttributes(request))
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
        activeRequests.add(-1, attributes: Self.activeAttributes(request))
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let method = HTTPServerSemantics.normalizedMethod(request.method)

        var stable: [(String, AttributeValue)] = [
            ("http.request.method", .string(method)),
            ("url.scheme", .string(request.scheme)),
            ("http.response.status_code", .int(Int64(statusCode))),
        ]
        if let route = request.route { stable.append(("http.route", .string(route))) }
        if let version = request.protocolVersion { stable.append(("network.protocol.version", .string(version))) }
        if let errorType { stable.append(("error.type", .string(errorType))) }
        let attributes = AttributeSet(stable)
        duration.record(seconds, attributes: attributes)
        if let size = request.requestBodySize { requestBodySize.record(Int64(size), attributes: attributes) }
        if let written { responseBodySize.record(Int64(written), attributes: attributes) }

        if dashboardNames {
            let dashboard: AttributeSet = [
                "method": .string(method),
                "status": .string(String(statusCode)),
                "endpoint": .string(request.route ?? "unmatched"),
            ]
            dashboardRequests?.add(1, attributes: dashboard)
            dashboardDuration?.record(seconds * 1000, attributes: dashboard)
        }

        if stability.emitsOldNames {
            var old: [(String, AttributeValue)] = [
                ("http.method", .string(method)),
                ("http.scheme", .string(request.scheme)),
                ("http.status_code", .int(Int64(statusCode))),
            ]
            if let route = request.route { old.append(("http.route", .string(route))) }
            if let version = request.protocolVersion { old.append(("net.protocol.version", .string(version))) }
            let oldAttributes = AttributeSet(old)
            oldDuration?.record(seconds * 1000, attributes: oldAttributes)
            if let size = request.requestBodySize { oldRequestSize?.record(Int64(size), attributes: oldAttributes) }
            if let written { oldResponseSize?.record(Int64(written), attributes: oldAttributes) }
        }
    }

    private static func activeAttributes(_ request: HTTPServerRequestInfo) -> AttributeSet {
        [
            "http.request.method": .string(HTTPServerSemantics.normalizedMethod(request.method)),
            "url.scheme": .string(request.scheme),
        ]
    }
}
