import TelemetryHTTP
import Tracing
import Vapor

/// Traces and measures every request of a Vapor 4 application, per the stable HTTP semantic conventions.
///
/// ```swift
/// app.middleware.use(TelemetryMiddleware(meterProvider: telemetry.meterProvider))
/// ```
///
/// For each request it records:
/// - a server span named `{method} {route}` with the route template as Vapor writes it (`GET /orders/:id`, never the
///   raw path; `GET` alone when no route matched), child of the context the propagators extract from the request's
///   headers, with `http.request.method`, `url.path`, `url.query` (sensitive values redacted), `url.scheme`,
///   `http.route`, `http.response.status_code`, `server.address` and `server.port` (from `Host`), `client.address`,
///   `user_agent.original` and `network.protocol.version`; a 5xx sets the status to error, and an error that becomes
///   a 5xx is recorded as an `exception` event (an `AbortError`'s status is the response's, and one that becomes a
///   4xx is the client's, not an exception);
/// - the metrics of ``HTTPServerMetrics``, and with `dashboardNames` also `http.server.requests` and
///   `http.server.duration` (ms) with `method`, `status` and `endpoint`.
///
/// The handler runs with the span's context both as the task's `ServiceContext` and as `request.serviceContext`, so
/// spans made either way are its children.
///
/// Add it with `app.middleware.use(_:)`, which places it after Vapor's default `ErrorMiddleware`: there it sees the
/// errors handlers throw before they become responses. Vapor matches the route before any middleware runs, so the span
/// has its final name from its start. It replaces Vapor's `TracingMiddleware`; use it instead of it, not with it.
///
/// The span ends, and the duration is measured, when the response is produced: Vapor writes the response body after
/// every middleware has returned and gives middleware no hook for when that is done, so a streamed body's writing is
/// not part of the span and its size is not recorded. A body held in memory has its size recorded.
public struct TelemetryMiddleware: AsyncMiddleware {
    private let tracer: TelemetryTracer?
    private let installedTracer = InstalledTracer(scopeName: "TelemetryVapor")
    private let metrics: HTTPServerMetrics?
    private let stability: HTTPSemanticConventionStability

    /// The instrumentation scope of the spans and metrics.
    public static var scopeName: String { "TelemetryVapor" }

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
    public init(
        meterProvider: MeterProvider? = nil,
        tracerProvider: TracerProvider? = nil,
        dashboardNames: Bool = false,
        stability: HTTPSemanticConventionStability = .processDefault
    ) {
        self.tracer = tracerProvider?.tracer(name: Self.scopeName)
        self.metrics = meterProvider.map {
            HTTPServerMetrics(meter: $0.meter(name: Self.scopeName), dashboardNames: dashboardNames, stability: stability)
        }
        self.stability = stability
    }

    /// Traces and measures `request` around `next`.
    public func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let tracer {
            return try await respond(to: request, chainingTo: next, tracer: tracer)
        }
        switch installedTracer.resolve() {
        case .ours(let tracer): return try await respond(to: request, chainingTo: next, tracer: tracer)
        case .other(let tracer): return try await respond(to: request, chainingTo: next, tracer: tracer)
        }
    }

    /// Starts the server span; our tracer takes the attributes at the start, where the sampler sees them.
    private func startSpan<T: Tracer>(_ info: HTTPServerRequestInfo, parent: ServiceContext, tracer: T) -> any Span {
        let name = HTTPServerSemantics.spanName(for: info)
        if let ours = tracer as? TelemetryTracer {
            return ours.startSpan(
                name, kind: .server, parentContext: parent,
                attributeStorage: HTTPServerSemantics.requestAttributeStorage(for: info, stability: stability))
        }
        let span = tracer.startSpan(name, context: parent, ofKind: .server)
        if span.isRecording {
            span.updateAttributes { HTTPServerSemantics.addRequestAttributes(for: info, stability: stability, to: &$0) }
        }
        return span
    }

    private func respond<T: Tracer>(
        to request: Request, chainingTo next: any AsyncResponder, tracer: T
    ) async throws -> Response {
        let start = ContinuousClock.now
        // Vapor sets `request.route` before the middleware chain runs, so the route is known here.
        let info = HTTPServerRequestInfo(request)

        // A malformed or missing traceparent leaves the context as it was: the span starts a new trace.
        let outerContext = request.serviceContext
        var parent = outerContext
        tracer.extract(request.headers, into: &parent, using: HTTPHeadersExtractor())
        let span = startSpan(info, parent: parent, tracer: tracer)
        let active = metrics?.begin(info)

        let statusCode: Int
        let errorType: String?
        let response: Result<Response, any Error>
        // Vapor's future-based responders and `withSpan(context: request.serviceContext)` read the request's context;
        // async code reads the task's. Both are the span's while the handler runs, and the outer one afterwards.
        request.serviceContext = span.context
        do {
            let produced = try await ServiceContext.withValue(span.context) {
                try await next.respond(to: request)
            }
            statusCode = Int(produced.status.code)
            errorType = HTTPServerSemantics.errorType(statusCode: statusCode)
            response = .success(produced)
        } catch {
            // Vapor's ErrorMiddleware answers an `AbortError` with its status, and anything else with 500.
            let abort = error as? any AbortError
            statusCode = Int(abort?.status.code ?? 500)
            errorType = HTTPServerSemantics.errorType(
                statusCode: statusCode, unhandledError: abort == nil ? error : nil)
            // An error that becomes a 4xx answer is the client's: recorded as an exception only when the server failed.
            if HTTPServerSemantics.isServerError(statusCode: statusCode) { span.recordError(error) }
            response = .failure(error)
        }
        request.serviceContext = outerContext

        if span.isRecording {
            span.setAttributes { set in
                HTTPServerSemantics.forEachResponseAttribute(
                    statusCode: statusCode, errorType: errorType, route: info.route, stability: stability, set)
            }
            if HTTPServerSemantics.isServerError(statusCode: statusCode) {
                span.setStatus(SpanStatus(code: .error))
            }
        }
        span.end()
        // A streamed body's size is unknown (`count` is -1) until written, after this returns; an error's response is
        // made by a later middleware.
        let bodySize = (try? response.get()).map(\.body.count).flatMap { $0 >= 0 ? $0 : nil }
        if let metrics, let active {
            metrics.end(
                active, route: info.route, statusCode: statusCode, errorType: errorType,
                duration: ContinuousClock.now - start, responseBodySize: bodySize)
        }
        return try response.get()
    }
}
