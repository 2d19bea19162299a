import Tracing

/// Runs `operation` in a new span of `tracer` whose parent is `context`, with `context` carrying the span while it
/// runs. A thrown error is recorded on the span, sets its status to error, and is rethrown.
///
/// swift-distributed-tracing's `withSpan` takes its parent from an autoclosure and its attributes afterwards; the
/// patterns need both up front, with a tracer they hold as an existential.
func withTracedOperation<Result>(
    _ tracer: any Tracer,
    _ name: String,
    parent context: ServiceContext,
    attributes: (inout SpanAttributes) -> Void,
    isolation: isolated (any Actor)? = #isolation,
    _ operation: (any Span) async throws -> Result
) async throws -> Result {
    let span = tracer.startSpan(name, context: context, ofKind: .internal)
    defer { span.end() }
    if span.isRecording { span.updateAttributes(attributes) }
    do {
        return try await ServiceContext.$current.withValue(span.context) { try await operation(span) }
    } catch {
        span.recordFailure(error)
        throw error
    }
}

extension Duration {
    /// The duration in seconds, the unit OpenTelemetry's duration histograms use.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
