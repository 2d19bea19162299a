import Tracing

/// Emits log records with one instrumentation scope: the Logs Bridge API's logger.
///
/// Get one from ``LoggerProvider/logger(name:version:schemaURL:attributes:)``. Applications usually log through
/// swift-log instead; this is for bridges and events:
///
/// ```swift
/// let events = loggerProvider.logger(name: "checkout")
/// events.emit(LogRecord(severity: .info, body: "order placed", attributes: ["order.id": 42], eventName: "order.placed"))
/// ```
public struct TelemetryLogger: Sendable {
    let provider: LoggerProviderState
    let origin: LogRecordOrigin

    init(provider: LoggerProviderState, scope: InstrumentationScope) {
        self.provider = provider
        self.origin = LogRecordOrigin(resource: provider.resource, scope: scope)
    }

    /// The instrumentation scope of every record this logger emits.
    public var scope: InstrumentationScope { origin.scope }

    /// Whether an emitted record would reach a processor: `false` once the provider is shut down or when it has no
    /// processors. Check it before building an expensive record.
    public var isEnabled: Bool { provider.isEnabled }

    /// Emits `record` in `context`, whose span gives the record its trace id, span id and trace flags.
    ///
    /// - Parameter context: The context the record belongs to; by default the current task's.
    public func emit(_ record: LogRecord, context: ServiceContext? = nil) {
        guard provider.isEnabled else { return }
        let context = context ?? ServiceContext.current ?? .topLevel
        let limits = provider.limits
        var attributes = record.attributes
        var dropped = 0
        if attributes.count > limits.attributeCountLimit {
            dropped = attributes.count - limits.attributeCountLimit
            attributes = Dictionary(uniqueKeysWithValues: attributes.prefix(limits.attributeCountLimit).map { ($0.key, $0.value) })
        }
        if let length = limits.attributeValueLengthLimit {
            attributes = attributes.mapValues { $0.truncated(to: length) }
        }
        var data = LogRecordData(
            timestamp: record.timestamp,
            observedTimestamp: record.observedTimestamp ?? DefaultTracerClock.now.nanosecondsSinceEpoch,
            origin: origin
        )
        data.severity = record.severity
        data.severityText = record.severityText
        data.body = record.body
        data.attributes = attributes
        data.droppedAttributeCount = dropped
        data.eventName = record.eventName
        data.setTraceContext(from: context)
        provider.emit(&data, context: context)
    }
}

extension LogRecordData {
    /// Takes the trace id, span id and flags of the span `context` belongs to, if any.
    mutating func setTraceContext(from context: ServiceContext) {
        guard let spanContext = context.spanContext, spanContext.isValid else { return }
        traceID = spanContext.traceID
        spanID = spanContext.spanID
        traceFlags = spanContext.traceFlags
    }
}
