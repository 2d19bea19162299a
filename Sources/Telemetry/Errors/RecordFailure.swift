import Tracing

extension Span {
    /// Records `error` on this span as an `exception` event and sets the span's status to error, in one call.
    ///
    /// The status's message is the error's description; for a ``TracedError``, its code and message without the
    /// ids, which the span already has.
    public func recordFailure(_ error: any Error, attributes: SpanAttributes = [:]) {
        recordError(error, attributes: attributes)
        setStatus(SpanStatus(code: .error, message: FailureStatus.message(for: error)))
    }
}

extension RecordingSpan {
    /// Records `error` on this span as an `exception` event and sets the span's status to error, in one call.
    public func recordFailure(_ error: any Error, attributes: SpanAttributes = [:]) {
        recordError(error, attributes: attributes)
        setStatus(SpanStatus(code: .error, message: FailureStatus.message(for: error)))
    }
}

/// Records `error` on the span active in the current task, as an `exception` event, and sets that span's status to
/// error, in one call. Outside a recording span it does nothing.
///
/// It is the counterpart of swift-distributed-tracing's free `withSpan` for code that has no span at hand:
///
/// ```swift
/// } catch {
///     recordFailure(error)
///     return .fallback
/// }
/// ```
///
/// - Returns: Whether a span recorded it.
@discardableResult
public func recordFailure(_ error: any Error, attributes: SpanAttributes = [:]) -> Bool {
    guard let span = ServiceContext.current?.recordingSpan else { return false }
    span.recordFailure(error, attributes: attributes)
    return true
}

enum FailureStatus {
    static func message(for error: any Error) -> String {
        if let traced = error as? TracedError { return "[\(traced.code)] \(traced.message)" }
        return String(describing: error)
    }
}
