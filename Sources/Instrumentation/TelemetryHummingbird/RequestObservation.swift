import Hummingbird
import Synchronization
import Telemetry
import TelemetryHTTP
import Tracing

/// One request's span and metrics, from its arrival until its response body is written.
///
/// The response body is written after the middleware returns, so the span cannot end there; this object ends it
/// (and records the metrics) when the body is written, when writing fails, or, should a later layer drop the
/// response unwritten, when it is released. Each happens once.
///
/// Not generic over the span's type: a generic class's metadata is looked up at every allocation.
final class RequestObservation: Sendable {
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

    /// What is learnt after the request arrived; the rest of the request stays as it arrived.
    private struct Outcome {
        var route: String?
        var statusCode = 500
        var errorType: String?
        var isFinished = false
    }

    private let span: ObservedSpan
    /// The method as the conventions record it, for renaming the span once the route is known.
    private let method: String
    private let metrics: HTTPServerMetrics?
    private let activeRequest: HTTPServerMetrics.ActiveRequest?
    private let stability: HTTPSemanticConventionStability
    private let start: ContinuousClock.Instant
    private let outcome: Mutex<Outcome>
    private let writtenBytes = Atomic<Int>(0)

    init(
        span: ObservedSpan, request: HTTPServerRequestInfo, metrics: HTTPServerMetrics?,
        stability: HTTPSemanticConventionStability, start: ContinuousClock.Instant
    ) {
        self.span = span
        self.method = HTTPServerSemantics.normalizedMethod(request.method)
        self.metrics = metrics
        self.stability = stability
        self.start = start
        self.outcome = Mutex(Outcome(route: request.route))
        self.activeRequest = metrics?.begin(request)
    }

    deinit {
        finish(responseBodySize: nil)
    }

    /// Records the route the router matched and the status the response carries.
    func responded(route: String?, statusCode: Int, unhandledError: (any Error)? = nil) {
        let (errorType, routeChanged) = outcome.withLock { outcome in
            let routeChanged = outcome.route != route
            outcome.route = route
            outcome.statusCode = statusCode
            outcome.errorType = HTTPServerSemantics.errorType(statusCode: statusCode, unhandledError: unhandledError)
            return (outcome.errorType, routeChanged)
        }
        switch span {
        case .ours(let span): responded(span, route: route, routeChanged: routeChanged, statusCode, errorType)
        case .other(let span): responded(span, route: route, routeChanged: routeChanged, statusCode, errorType)
        }
    }

    private func responded<S: Span>(
        _ span: S, route: String?, routeChanged: Bool, _ statusCode: Int, _ errorType: String?
    ) {
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

    /// `body`, counting its bytes and finishing this observation once it is written.
    func observe(_ body: ResponseBody) -> ResponseBody {
        let counted = body.map { [self] buffer in
            writtenBytes.add(buffer.readableBytes, ordering: .relaxed)
            return buffer
        }
        return ResponseBody(contentLength: body.contentLength) { [self] writer in
            do {
                // Written after the middleware returned: the span's context is set again, so that spans made while a
                // streamed body is produced are its children.
                try await ServiceContext.withValue(span.context) {
                    try await counted.write(writer)
                }
                finish(responseBodySize: writtenBytes.load(ordering: .relaxed))
            } catch {
                // A failed write (the client went away) ends the span as failed, with what was written.
                failed(error)
                finish(responseBodySize: writtenBytes.load(ordering: .relaxed))
                throw error
            }
        }
    }

    /// Marks the request failed after its status was sent: the conventions' error status and `error.type`.
    private func failed(_ error: any Error) {
        let errorType = String(reflecting: type(of: error))
        outcome.withLock { $0.errorType = errorType }
        switch span {
        case .ours(let span): Self.failed(span, errorType: errorType)
        case .other(let span): Self.failed(span, errorType: errorType)
        }
    }

    private static func failed<S: Span>(_ span: S, errorType: String) {
        span.setAttributes { set in set("error.type", .string(errorType)) }
        span.setStatus(SpanStatus(code: .error))
    }

    /// Ends the span and records the metrics, the first time only.
    func finish(responseBodySize: Int?) {
        let finished: Outcome? = outcome.withLock { outcome in
            guard !outcome.isFinished else { return nil }
            outcome.isFinished = true
            return outcome
        }
        guard let finished else { return }
        switch span {
        case .ours(let span): span.end()
        case .other(let span): span.end()
        }
        if let metrics, let activeRequest {
            metrics.end(
                activeRequest, route: finished.route, statusCode: finished.statusCode, errorType: finished.errorType,
                duration: ContinuousClock.now - start, responseBodySize: responseBodySize)
        }
    }
}
