/// The stable HTTP client metric of the semantic conventions, recorded for each request.
///
/// `http.client.request.duration` is a histogram in seconds with the advised boundaries
/// (``HTTPServerMetrics/durationBucketBoundaries``, the same as the server's), and the attributes
/// `http.request.method`, `server.address`, `server.port`, `http.response.status_code`, `error.type` and
/// `network.protocol.version` when known. The conventions' other client metrics (`http.client.active_requests`, body
/// sizes, connections) are still in development, so they are not recorded.
///
/// With ``HTTPSemanticConventionStability/emitsOldNames``, also the old `http.client.duration` in milliseconds with the
/// old attribute names.
/// See the [conventions](https://opentelemetry.io/docs/specs/semconv/http/http-metrics/#http-client).
public struct HTTPClientMetrics: Sendable {
    /// Which attribute names are emitted.
    public let stability: HTTPSemanticConventionStability

    private let duration: Histogram<Double>
    private let oldDuration: Histogram<Double>?

    /// Creates the instruments on `meter`.
    ///
    /// - Parameters:
    ///   - meter: The meter; its scope names the instrumentation, for example `TelemetryAsyncHTTPClient`.
    ///   - stability: Which attribute names to emit; by default what `OTEL_SEMCONV_STABILITY_OPT_IN` says.
    public init(meter: Meter, stability: HTTPSemanticConventionStability = .processDefault) {
        self.stability = stability
        duration = meter.makeHistogram(
            Double.self, name: "http.client.request.duration", unit: "s",
            description: "Duration of HTTP client requests.",
            explicitBucketBoundaries: HTTPServerMetrics.durationBucketBoundaries)
        oldDuration =
            stability.emitsOldNames
            ? meter.makeHistogram(
                Double.self, name: "http.client.duration", unit: "ms",
                description: "Duration of HTTP client requests.",
                explicitBucketBoundaries: HTTPServerMetrics.millisecondBucketBoundaries)
            : nil
    }

    /// Records one finished request.
    ///
    /// - Parameters:
    ///   - method: The method as sent; an unknown one is recorded as `_OTHER`.
    ///   - serverAddress: The host of the URL: `server.address`.
    ///   - serverPort: The port of the URL, or the scheme's default: `server.port`.
    ///   - statusCode: The response's status code, or `nil` when no response arrived.
    ///   - errorType: `error.type`, as ``HTTPClientSemantics/errorType(statusCode:error:)`` gives it.
    ///   - protocolVersion: `network.protocol.version`, such as `1.1`, when known.
    ///   - duration: From sending the request until its response head arrived, or it failed.
    public func requestEnded(
        method: String,
        serverAddress: String?,
        serverPort: Int?,
        statusCode: Int?,
        errorType: String?,
        protocolVersion: String?,
        duration elapsed: Duration
    ) {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let normalized = HTTPClientSemantics.normalizedMethod(method)
        var stable: [(String, AttributeValue)] = [("http.request.method", .string(normalized))]
        if let serverAddress { stable.append(("server.address", .string(serverAddress))) }
        if let serverPort { stable.append(("server.port", .int(Int64(serverPort)))) }
        if let statusCode { stable.append(("http.response.status_code", .int(Int64(statusCode)))) }
        if let errorType { stable.append(("error.type", .string(errorType))) }
        if let protocolVersion { stable.append(("network.protocol.version", .string(protocolVersion))) }
        duration.record(seconds, attributes: AttributeSet(stable))

        if let oldDuration {
            var old: [(String, AttributeValue)] = [("http.method", .string(normalized))]
            if let serverAddress { old.append(("net.peer.name", .string(serverAddress))) }
            if let serverPort { old.append(("net.peer.port", .int(Int64(serverPort)))) }
            if let statusCode { old.append(("http.status_code", .int(Int64(statusCode)))) }
            if let protocolVersion { old.append(("net.protocol.version", .string(protocolVersion))) }
            oldDuration.record(seconds * 1000, attributes: AttributeSet(old))
        }
    }
}
