import Logging
import Tracing

/// The metadata keys the ``Logging/Logger/MetadataProvider/traceContext`` provider adds.
enum TraceContextMetadata {
    static let traceIDKey = "trace_id"
    static let spanIDKey = "span_id"
}

extension Logger.MetadataProvider {
    /// Adds `trace_id` and `span_id`, as lowercase hex, of the span active in the current task to every log line of
    /// every handler, so that a plain `StreamLogHandler` line reads `… trace_id=4bf9…4736 span_id=00f0…02b7 …` and
    /// `grep trace_id=<id>` finds a request's lines. Outside a span it adds nothing.
    ///
    /// ```swift
    /// LoggingSystem.bootstrap(StreamLogHandler.standardOutput, metadataProvider: .traceContext)
    /// ```
    public static var traceContext: Logger.MetadataProvider {
        Logger.MetadataProvider {
            guard let spanContext = ServiceContext.current?.spanContext, spanContext.isValid else { return [:] }
            return [
                TraceContextMetadata.traceIDKey: .string(spanContext.traceID.hexString),
                TraceContextMetadata.spanIDKey: .string(spanContext.spanID.hexString),
            ]
        }
    }
}
