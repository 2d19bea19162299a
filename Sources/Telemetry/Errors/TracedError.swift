import Tracing

/// An error that remembers where it happened: the trace and span active when it was made, a code, a message, the
/// error that caused it and when it was made.
///
/// Throw it where a failure first becomes meaningful to your service, and the ids travel with the error: into the
/// span's `exception` event, into the log record of whoever finally logs it (``TelemetryLogHandler`` takes its ids,
/// see there), and into its printed form, so a line in a log or an error page leads to the trace.
///
/// ```swift
/// do {
///     try await payments.charge(order)
/// } catch {
///     throw TracedError(code: "payment_declined", message: "charging order \(order.id) failed", cause: error)
/// }
/// // prints: [payment_declined] charging order 42 failed (trace_id=4bf9…4736 span_id=00f0…02b7
/// //         at 2026-08-21T10:15:30.123Z), caused by: card expired
/// ```
///
/// To add context to an error on its way up while keeping its cause, use ``wrapping(_:message:code:)``.
public struct TracedError: Error, CustomStringConvertible {
    /// A short, stable identifier of the kind of failure, for dashboards and alerts, such as `payment_declined`.
    public var code: String
    /// What went wrong, for people.
    public var message: String
    /// The error that caused this one, if any.
    public var cause: (any Error)?
    /// The context of the span that was active when the error was made, or `nil` outside a span.
    public var spanContext: SpanContext?
    /// When the error was made, in nanoseconds since the Unix epoch.
    public var timestamp: UInt64

    /// Makes an error that carries the ids of the span active in `context`.
    ///
    /// - Parameters:
    ///   - code: A short, stable identifier of the kind of failure.
    ///   - message: What went wrong, for people.
    ///   - cause: The error that caused this one.
    ///   - context: Where the ids come from; by default the current task's context. Outside a span, and when the
    ///     cause is a ``TracedError`` itself, the ids are the cause's, so that wrapping never loses them.
    ///   - timestamp: When the error happened, in nanoseconds since the Unix epoch; by default now.
    public init(
        code: String,
        message: String,
        cause: (any Error)? = nil,
        context: ServiceContext? = .current,
        timestamp: UInt64? = nil
    ) {
        self.code = code
        self.message = message
        self.cause = cause
        let own = context?.spanContext.flatMap { $0.isValid ? $0 : nil }
        self.spanContext = own ?? (cause as? TracedError)?.spanContext
        self.timestamp = timestamp ?? DefaultTracerClock.now.nanosecondsSinceEpoch
    }

    /// Adds a message to `error` on its way up, keeping it as the cause.
    ///
    /// The code is `code`, or else the cause's when it is a ``TracedError``, or else `unknown`. The ids are those of
    /// the current span, or the cause's outside a span.
    ///
    /// ```swift
    /// throw TracedError.wrapping(error, message: "loading the basket failed")
    /// ```
    public static func wrapping(_ error: any Error, message: String, code: String? = nil) -> TracedError {
        TracedError(code: code ?? (error as? TracedError)?.code ?? "unknown", message: message, cause: error)
    }

    /// The trace the error happened in, or `nil` outside a span.
    public var traceID: TraceID? { spanContext?.traceID }

    /// The span the error happened in, or `nil` outside a span.
    public var spanID: SpanID? { spanContext?.spanID }

    /// The innermost cause: follows ``cause`` through every ``TracedError``, and returns the first error that is not
    /// one (or the last one when all are).
    public var rootCause: any Error {
        var current: any Error = self
        while let traced = current as? TracedError, let cause = traced.cause { current = cause }
        return current
    }

    /// `[code] message (trace_id=… span_id=… at …)`, then `, caused by: ` and the cause's description.
    public var description: String {
        var text = "[\(code)] \(message) ("
        if let spanContext {
            text += "trace_id=\(spanContext.traceID.hexString) span_id=\(spanContext.spanID.hexString) "
        }
        text += "at \(ConsoleText.timestamp(timestamp)))"
        if let cause { text += ", caused by: \(cause)" }
        return text
    }
}
