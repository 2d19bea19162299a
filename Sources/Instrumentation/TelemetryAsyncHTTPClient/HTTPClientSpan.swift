import Synchronization
import Telemetry
import TelemetryHTTP
import Tracing

/// A span of ``HTTPClientTracer``: the wrapped tracer's span, with AsyncHTTPClient's attributes translated to the
/// HTTP semantic conventions as they are set, and `http.client.request.duration` recorded when it ends.
///
/// What is needed for the metric is kept here, not read back from the wrapped span, so the metric is recorded even
/// when the span is not sampled.
public final class HTTPClientSpan: Tracing.Span {
    let base: any Tracing.Span
    private let metrics: HTTPClientMetrics?
    private let stability: HTTPSemanticConventionStability
    private let http1Only: Bool
    private let start = ContinuousClock.now
    private let observed = Mutex(ObservedRequest())

    init(
        base: any Tracing.Span, metrics: HTTPClientMetrics?, stability: HTTPSemanticConventionStability, http1Only: Bool
    ) {
        self.base = base
        self.metrics = metrics
        self.stability = stability
        self.http1Only = http1Only
    }

    /// The wrapped span's context, which carries it as the active span.
    public var context: ServiceContext { base.context }

    /// The span's name.
    public var operationName: String {
        get { base.operationName }
        set { base.operationName = newValue }
    }

    /// The wrapped span's attributes. Setting them translates AsyncHTTPClient's names and values to the conventions'.
    public var attributes: SpanAttributes {
        get { base.attributes }
        set {
            let translated = observed.withLock {
                $0.translate(newValue, stability: stability, http1Only: http1Only)
            }
            base.attributes = translated
        }
    }

    /// Whether the wrapped span records.
    public var isRecording: Bool { base.isRecording }

    /// Sets the wrapped span's status.
    public func setStatus(_ status: SpanStatus) {
        base.setStatus(status)
    }

    /// Adds an event to the wrapped span.
    public func addEvent(_ event: SpanEvent) {
        base.addEvent(event)
    }

    /// Adds a link to the wrapped span.
    public func addLink(_ link: SpanLink) {
        base.addLink(link)
    }

    /// Records `error` as an exception event, sets `error.type` (unless a status code already set it) and the error
    /// status: a request that fails without a response is an error for a client.
    public func recordError<Instant: TracerInstant>(
        _ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant
    ) {
        base.recordError(error, attributes: attributes, at: instant())
        let errorType = observed.withLock { state -> String? in
            guard state.errorType == nil else { return nil }
            state.errorType = HTTPClientSemantics.errorType(statusCode: nil, error: error)
            return state.errorType
        }
        if let errorType { base.attributes["error.type"] = errorType }
        base.setStatus(SpanStatus(code: .error))
    }

    /// Ends the wrapped span and records `http.client.request.duration`, once.
    public func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        let elapsed = ContinuousClock.now - start
        let request = observed.withLock { state -> ObservedRequest? in
            guard !state.ended else { return nil }
            state.ended = true
            return state
        }
        base.end(at: instant())
        guard let request, let metrics else { return }
        metrics.requestEnded(
            method: request.method ?? "_OTHER", serverAddress: request.serverAddress, serverPort: request.serverPort,
            statusCode: request.statusCode, errorType: request.errorType, protocolVersion: request.protocolVersion,
            duration: elapsed)
    }
}
