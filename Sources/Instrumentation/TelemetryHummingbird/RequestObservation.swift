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
    private struct State {
        var request: HTTPServerRequestInfo
        var statusCode = 500
        var errorType: String?
        var isFinished = false
    }

    private let span: any Span
    private let metrics: HTTPServerMetrics?
    private let stability: HTTPSemanticConventionStability
    private let start: ContinuousClock.Instant
    private let state: Mutex<State>
    private let writtenBytes = Atomic<Int>(0)

    init(
        span: any Span, request: HTTPServerRequestInfo, metrics: HTTPServerMetrics?,
        stability: HTTPSemanticConventionStability, start: ContinuousClock.Instant
    ) {
        self.span = span
        self.metrics = metrics
        self.stability = stability
        self.start = start
        self.state = Mutex(State(request: request))
        metrics?.requestStarted(request)
    }

    deinit {
        finish(responseBodySize: nil)
    }

    /// Records the route the router matched and the status the response carries.
    func responded(route: String?, statusCode: Int, unhandledError: (any Error)? = nil) {
        let (request, errorType, routeChanged) = state.withLock { state in
            let routeChanged = state.request.route != route
            state.request.route = route
            state.statusCode = statusCode
            state.errorType = HTTPServerSemantics.errorType(statusCode: statusCode, unhandledError: unhandledError)
            return (state.request, state.errorType, routeChanged)
        }
        guard span.isRecording else { return }
        // A span named before routing is renamed once the route template is known.
        if routeChanged { span.operationName = HTTPServerSemantics.spanName(for: request) }
        span.setAttributes { set in
            HTTPServerSemantics.forEachResponseAttribute(
                statusCode: statusCode, errorType: errorType, for: request, stability: stability, set)
        }
        if HTTPServerSemantics.isServerError(statusCode: statusCode) {
            span.setStatus(SpanStatus(code: .error))
        }
    }

    /// Records a thrown error as the conventions' `exception` event.
    func recordError(_ error: any Error) {
        span.recordError(error)
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
        state.withLock { $0.errorType = errorType }
        span.updateAttributes { $0["error.type"] = errorType }
        span.setStatus(SpanStatus(code: .error))
    }

    /// Ends the span and records the metrics, the first time only.
    func finish(responseBodySize: Int?) {
        let finished: State? = state.withLock { state in
            guard !state.isFinished else { return nil }
            state.isFinished = true
            return state
        }
        guard let finished else { return }
        span.end()
        metrics?.requestEnded(
            finished.request, statusCode: finished.statusCode, errorType: finished.errorType,
            duration: ContinuousClock.now - start, responseBodySize: responseBodySize)
    }
}
