import Hummingbird
import TelemetryHTTP
import Tracing

/// Traces and measures every request of a Hummingbird 2 router, per the stable HTTP semantic conventions.
///
/// ```swift
/// router.add(middleware: TelemetryMiddleware(meterProvider: telemetry.meterProvider))
/// ```
///
/// For each request it records:
/// - a server span named `{method} {route}` with the route template (`GET /orders/{id}`, never the raw path), child
///   of the context the propagators extract from the request's headers, with `http.request.method`, `url.path`,
///   `url.scheme`, `http.route`, `http.response.status_code`, `server.address`, `server.port`, `client.address` (when
///   the context conforms to `RemoteAddressRequestContext`), `user_agent.original` and `network.protocol.version`; a
///   5xx sets the status to error, and an error that becomes a 5xx is recorded as an `exception` event (an
///   `HTTPError`'s status is the response's, and one that becomes a 4xx is the client's, not an exception);
/// - the metrics of ``HTTPServerMetrics``, and with `dashboardNames` also `http.server.requests` and
///   `http.server.duration` (ms) with `method`, `status` and `endpoint`.
///
/// The span ends, and the duration is measured, when the response body has been written; for a body of known length
/// up to 64 KiB, which goes out at once, when the middleware returns, as OpenTelemetry's Go and Java HTTP
/// instrumentation end theirs when the handler returns. Add it first, so that it sees the errors other middleware
/// throw. It replaces Hummingbird's `TracingMiddleware` and `MetricsMiddleware`;
/// use it instead of them, not with them.
public struct TelemetryMiddleware<Context: RequestContext>: RouterMiddleware {
    private let tracer: TelemetryTracer?
    private let installedTracer = InstalledTracer(scopeName: "TelemetryHummingbird")
    private let remoteAddress: RemoteAddressReader<Context>
    private let metrics: HTTPServerMetrics?
    private let stability: HTTPSemanticConventionStability
    private let protocolVersion: String?
    private let scheme: String?

    /// The instrumentation scope of the spans and metrics.
    public static var scopeName: String { "TelemetryHummingbird" }

    /// Creates the middleware.
    ///
    /// - Parameters:
    ///   - meterProvider: Where the metrics go; with `nil`, no metrics are recorded.
    ///   - tracerProvider: Where the spans go, and whose propagator reads the incoming headers. With `nil` (the
    ///     default), the tracer installed in swift-distributed-tracing's `InstrumentationSystem` (which
    ///     `TelemetrySystem.bootstrap` installs) is used, with its propagators.
    ///   - dashboardNames: Whether to record `http.server.requests` and `http.server.duration` (ms) with `method`,
    ///     `status` and `endpoint` too, for PromQL dashboards that query those names; off by default.
    ///   - stability: Which attribute names to emit; by default what `OTEL_SEMCONV_STABILITY_OPT_IN` says (`http/dup`
    ///     adds the old names).
    ///   - protocolVersion: `network.protocol.version`. Hummingbird does not tell middleware which HTTP version a
    ///     connection speaks, so it is `1.1`, Hummingbird's default server; pass `"2"` for an HTTP/2-only server, or
    ///     `nil` to leave it out.
    ///   - scheme: `url.scheme`, when the request cannot tell it. Hummingbird's HTTP/1 server marks every request
    ///     `http`, over TLS too; pass `"https"` for a server that serves HTTP/1 over TLS. With `nil` (the default) the
    ///     request's own scheme is used (right for plain HTTP/1, and for HTTP/2, which carries `:scheme`).
    public init(
        meterProvider: MeterProvider? = nil,
        tracerProvider: TracerProvider? = nil,
        dashboardNames: Bool = false,
        stability: HTTPSemanticConventionStability = .processDefault,
        protocolVersion: String? = "1.1",
        scheme: String? = nil
    ) {
        self.tracer = tracerProvider?.tracer(name: Self.scopeName)
        self.metrics = meterProvider.map {
            HTTPServerMetrics(meter: $0.meter(name: Self.scopeName), dashboardNames: dashboardNames, stability: stability)
        }
        self.stability = stability
        self.protocolVersion = protocolVersion
        self.scheme = scheme
        self.remoteAddress = RemoteAddressReader()
    }

    /// Traces and measures `request` around `next`.
    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let tracer {
            return try await handle(request, context: context, next: next, tracer: tracer)
        }
        switch installedTracer.resolve() {
        case .ours(let tracer): return try await handle(request, context: context, next: next, tracer: tracer)
        case .other(let tracer): return try await handle(request, context: context, next: next, tracer: tracer)
        }
    }

    // Inlined, as `observe` is: each nonisolated async function entered is a check for the executor to run on.
    @inline(__always)
    private func handle<T: Tracer>(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response, tracer: T
    ) async throws -> Response {
        let start = ContinuousClock.now
        var info = HTTPServerRequestInfo(
            request, remoteAddress: remoteAddress.read(context), protocolVersion: protocolVersion, scheme: scheme)
        // A route added through the router already has its endpoint path when its middleware runs: the span is then
        // named after the route from its start, where samplers see it. Otherwise the route is filled in after routing.
        info.route = Self.route(context)

        // A malformed or missing traceparent leaves the context as it was: the span starts a new trace.
        var parent = ServiceContext.current ?? .topLevel
        tracer.extract(request.headers, into: &parent, using: HTTPFieldsExtractor())
        let name = HTTPServerSemantics.spanName(for: info)
        if let ours = tracer as? TelemetryTracer {
            // Our tracer takes the attributes at the start, where the sampler sees them, as the list it keeps.
            let span = ours.startSpan(
                name, kind: .server, parentContext: parent,
                attributeStorage: HTTPServerSemantics.requestAttributeStorage(for: info, stability: stability))
            return try await observe(request, context: context, next: next, span: .ours(span), info: info, start: start)
        }
        let span = tracer.startSpan(name, context: parent, ofKind: .server)
        if span.isRecording {
            span.updateAttributes { HTTPServerSemantics.addRequestAttributes(for: info, stability: stability, to: &$0) }
        }
        return try await observe(request, context: context, next: next, span: .other(span), info: info, start: start)
    }

    // Inlined into its caller: each nonisolated async function entered is a check for the executor to run on.
    @inline(__always)
    private func observe(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response,
        span: RequestTelemetry.ObservedSpan, info: HTTPServerRequestInfo, start: ContinuousClock.Instant
    ) async throws -> Response {
        var telemetry = RequestTelemetry(span: span, request: info, metrics: metrics, stability: stability, start: start)
        do {
            var response = try await ServiceContext.withValue(span.context) {
                try await next(request, context)
            }
            // The router sets the endpoint path in storage the context shares, so it is visible here after routing.
            telemetry.responded(route: Self.route(context), statusCode: Int(response.status.code))
            if let length = response.body.contentLength, length <= Self.immediateBodyLimit {
                // A body this small is written at once, in the same write as the response head when it is a single
                // buffer: the request is finished now. Wrapping the body to see it written would cost that single
                // write (three instead), which is most of what tracing a small response costs.
                telemetry.finish(responseBodySize: length)
            } else {
                response.body = StreamedResponseObservation(telemetry).observe(response.body)
            }
            return response
        } catch {
            // Hummingbird answers an `HTTPResponseError` with its status, and anything else with 500.
            let httpError = error as? any HTTPResponseError
            let statusCode = Int(httpError?.status.code ?? 500)
            // An error that becomes a 4xx answer is the client's: recorded as an exception only when the server failed.
            if HTTPServerSemantics.isServerError(statusCode: statusCode) { telemetry.recordError(error) }
            telemetry.responded(
                route: Self.route(context), statusCode: statusCode, unhandledError: httpError == nil ? error : nil)
            telemetry.finish(responseBodySize: nil)
            throw error
        }
    }

    /// The largest body of known length whose request is finished when the middleware returns rather than when the
    /// body has been written.
    static var immediateBodyLimit: Int { 64 * 1024 }

    /// The matched route template. Hummingbird marks a request no route matched (and a file its file middleware did
    /// not find) with the endpoint path `NotFound`; templates start with `/`, so that mark is not a route.
    static func route(_ context: Context) -> String? {
        guard let path = context.endpointPath, path.hasPrefix("/") else { return nil }
        return path
    }
}
