import Synchronization
import Tracing

/// The SDK's logs entry point: it owns the resource, the limits and the processors, and hands out loggers.
///
/// Applications log through swift-log: ``TelemetryLogHandler`` turns each swift-log call into a log record of this
/// provider. Ask for a ``TelemetryLogger`` with ``logger(name:version:schemaURL:attributes:)`` to emit records
/// yourself, for example to bridge another logging library or to emit events.
///
/// ``TelemetrySystem/bootstrap(_:environment:)`` builds one from code and `OTEL_*` variables, beside the tracer
/// provider; build one directly to configure everything in code.
public final class LoggerProvider: Sendable {
    let state: LoggerProviderState

    /// Creates a provider.
    ///
    /// - Parameters:
    ///   - resource: What produces the records. The default is ``Resource/detected()``.
    ///   - processors: Where emitted records go, in order. With none, records are dropped.
    ///   - limits: Bounds on each record's attributes.
    public init(
        resource: Resource = .detected(),
        processors: [any LogRecordProcessor] = [],
        limits: LogRecordLimits = LogRecordLimits()
    ) {
        self.state = LoggerProviderState(resource: resource, processors: processors, limits: limits)
    }

    /// The resource every record carries.
    public var resource: Resource { state.resource }
    /// The processors, in order.
    public var processors: [any LogRecordProcessor] { state.processors }
    /// The limits in force.
    public var limits: LogRecordLimits { state.limits }

    /// Returns a logger whose records carry the given instrumentation scope.
    ///
    /// Loggers are cheap values; keep one per library or module.
    public func logger(
        name: String,
        version: String? = nil,
        schemaURL: String? = nil,
        attributes: SpanAttributes = [:]
    ) -> TelemetryLogger {
        TelemetryLogger(
            provider: state,
            scope: InstrumentationScope(name: name, version: version, schemaURL: schemaURL, attributes: attributes)
        )
    }

    /// Runs every processor's background work until ``shutdown()`` or cancellation. ``TelemetryService`` calls it.
    public func run() async throws {
        try await ProcessorLifecycle.run(state.processors) { try await $0.run() }
    }

    /// Exports every record emitted so far, through every processor, and returns when they are exported.
    public func forceFlush() async throws {
        try await ProcessorLifecycle.forceFlush(state.processors) { try await $0.forceFlush() }
    }

    /// Flushes and shuts down every processor. Records emitted afterwards are dropped. Calls after the first return
    /// at once.
    public func shutdown() async throws {
        guard !state.isShutdown.exchange(true, ordering: .acquiringAndReleasing) else { return }
        try await ProcessorLifecycle.shutdown(state.processors) { try await $0.shutdown() }
    }

    /// Whether ``shutdown()`` was called.
    public var isShutdown: Bool { state.isShutdown.load(ordering: .relaxed) }
}

/// What every logger of one provider shares.
final class LoggerProviderState: Sendable {
    let resource: Resource
    let processors: [any LogRecordProcessor]
    let limits: LogRecordLimits
    let isShutdown = Atomic(false)

    init(resource: Resource, processors: [any LogRecordProcessor], limits: LogRecordLimits) {
        self.resource = resource
        self.processors = processors
        self.limits = LogRecordLimits(
            attributeCountLimit: max(0, limits.attributeCountLimit),
            attributeValueLengthLimit: limits.attributeValueLengthLimit.map { max(0, $0) }
        )
    }

    /// Whether a record emitted now would reach a processor.
    var isEnabled: Bool { !processors.isEmpty && !isShutdown.load(ordering: .relaxed) }

    func emit(_ record: inout LogRecordData, context: ServiceContext) {
        guard !isShutdown.load(ordering: .relaxed) else { return }
        for processor in processors {
            processor.onEmit(&record, context: context)
        }
    }
}
