import Hummingbird
import Telemetry
import TelemetryHTTP
import Tracing

/// One request's span and metrics, and what is learnt of the request after it arrived.
///
/// A value the middleware keeps while the request is handled. A response whose body is written after the middleware
/// returns hands it to a ``StreamedResponseObservation``, which finishes it once the body is written.
struct RequestTelemetry: Sendable {
    /// The request's span: this SDK's kept as its own type, so that calls on it need neither a cast nor a witness
    /// table, or another tracer's.
    enum ObservedSpan: Sendable {
        case ours(TelemetrySpan)
        case other(any Span)

        var context: ServiceContext {
            switch self {
            case .ours(let span): span.context
            case .other(let span): span.context
            }
        }
    }

    let span: ObservedSpan
    /// The method as the conventions record it, for renaming the span once the route is known.
    private let method: String
    private let metrics: HTTPServerMetrics?
    private let activeRequest: HTTPServerMetrics.ActiveRequest?
    private let stability: HTTPSemanticConventionStability
    private let start: ContinuousClock.Instant
    private var route: String?
    private var statusCode = 500
    private var errorType: String?

    /// Starts observing `request`, counting it as active.
    init(
        span: ObservedSpan, request: HTTPServerRequestInfo, metrics: HTTPServerMetrics?,
        stability: HTTPSemanticConventionStability, start: ContinuousClock.Instant
    ) {
        self.span = span
        self.method = HTTPServerSemantics.normalizedMethod(request.method)
        self.metrics = metrics
        self.stability = stability
        self.start = start
        self.route = request.route
        self.activeRequest = metrics?.begin(request)
    }

    /// Records the route the router matched and the status the response carries.
    mutating func responded(route: String?, statusCode: Int, unhandledError: (any Error)? = nil) {
        let routeChanged = self.route != route
        self.route = route
        self.statusCode = statusCode
        errorType = HTTPServerSemantics.errorType(statusCode: statusCode, unhandledError: unhandledError)
        switch span {
        case .ours(let span): responded(span, routeChanged: routeChanged)
        case .other(let span): responded(span, routeChanged: routeChanged)
        }
    }

    private func responded<S: Span>(_ span: S, routeChanged: Bool) {
        guard span.isRecording else { return }
        // A span named before routing is renamed once the route template is known.
        if routeChanged { span.operationName = HTTPServerSemantics.spanName(normalizedMethod: method, route: route) }
        span.setAttributes { set in
            HTTPServerSemantics.forEachResponseAttribute(
                statusCode: statusCode, errorType: errorType, route: route, stability: stability, set)
        }
        if HTTPServerSemantics.isServerError(statusCode: statusCode) {
            span.setStatus(SpanStatus(code: .error))
        }
    }

    /// Records a thrown error as the conventions' `exception` event.
    func recordError(_ error: any Error) {
        switch span {
        case .ours(let span): span.recordError(error)
        case .other(let span): span.recordError(error)
        }
    }

    /// Marks the request failed after its status was sent: the conventions' error status and `error.type`.
    mutating func failed(_ error: any Error) {
        let errorType = String(reflecting: type(of: error))
        self.errorType = errorType
        switch span {
        case .ours(let span): Self.failed(span, errorType: errorType)
        case .other(let span): Self.failed(span, errorType: errorType)
        }
    }

    private static func failed<S: Span>(_ span: S, errorType: String) {
        span.setAttributes { set in set("error.type", .string(errorType)) }
        span.setStatus(SpanStatus(code: .error))
    }

    /// Ends the span and records the metrics. Call it once.
    func finish(responseBodySize: Int?) {
        switch span {
        case .ours(let span): span.end()
        case .other(let span): span.end()
        }
        if let metrics, let activeRequest {
            metrics.end(
                activeRequest, route: route, statusCode: statusCode, errorType: errorType,
                duration: ContinuousClock.now - start, responseBodySize: responseBodySize)
        }
    }
}
