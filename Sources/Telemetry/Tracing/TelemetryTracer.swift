import Tracing

/// Starts spans for one instrumentation scope.
///
/// Use it through swift-distributed-tracing's API (`withSpan`, `startSpan`), or through the OpenTelemetry-style
/// ``startSpan(_:kind:parent:attributes:links:startTime:)`` and `withSpan(_:kind:parent:attributes:links:_:)`,
/// which add what that API lacks: attributes and links known at start (so a sampler sees them), an explicit parent
/// or a new root, and an explicit start time. Get one from ``TracerProvider/tracer(name:version:schemaURL:attributes:)``.
public struct TelemetryTracer: Tracing.Tracer {
    public typealias Span = TelemetrySpan

    let state: TracerState

    init(state: TracerState) {
        self.state = state
    }

    /// The instrumentation scope of this tracer's spans.
    public var instrumentationScope: InstrumentationScope { state.scope }

    public func startSpan<Instant: TracerInstant>(
        _ operationName: String,
        context: @autoclosure () -> ServiceContext,
        ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant,
        function: String,
        file fileID: String,
        line: UInt
    ) -> TelemetrySpan {
        state.startSpan(
            operationName,
            parentContext: context(),
            kind: kind,
            startTime: instant().nanosecondsSinceEpoch,
            attributes: SpanAttributeStorage(),
            links: [],
            isRoot: false
        )
    }

    /// Starts a span. End it with `end()`.
    ///
    /// - Parameters:
    ///   - name: The span's name, for example `GET /orders/{id}`.
    ///   - kind: The span's kind. It has no default, which keeps this call apart from swift-distributed-tracing's.
    ///   - parent: Where the parent comes from; by default the span active in the current task.
    ///   - attributes: Attributes known at start. The sampler sees them.
    ///   - links: Links known at start. The sampler sees them.
    ///   - startTime: The start time in nanoseconds since the Unix epoch; by default now.
    public func startSpan(
        _ name: String,
        kind: SpanKind,
        parent: SpanParent = .current,
        attributes: SpanAttributes = [:],
        links: [SpanData.Link] = [],
        startTime: UInt64? = nil
    ) -> TelemetrySpan {
        let context: ServiceContext
        switch parent {
        case .current, .root: context = .current ?? .topLevel
        case .context(let explicit): context = explicit
        }
        return state.startSpan(
            name,
            parentContext: context,
            kind: kind,
            startTime: startTime ?? DefaultTracerClock.now.nanosecondsSinceEpoch,
            attributes: attributes.isEmpty ? SpanAttributeStorage() : SpanAttributeStorage(listing: attributes),
            links: links,
            isRoot: { if case .root = parent { return true } else { return false } }()
        )
    }

    /// Starts a span with attributes an instrumentation of this package built as a list, which spares building a
    /// `SpanAttributes` dictionary that the exporter would only take apart again.
    package func startSpan(
        _ name: String, kind: SpanKind, parentContext: ServiceContext, attributeStorage: SpanAttributeStorage
    ) -> TelemetrySpan {
        state.startSpan(
            name,
            parentContext: parentContext,
            kind: kind,
            startTime: DefaultTracerClock.now.nanosecondsSinceEpoch,
            attributes: attributeStorage,
            links: [],
            isRoot: false
        )
    }

    /// Runs `body` in a new span that ends when `body` returns. A thrown error is recorded, sets the status to
    /// error, and is rethrown.
    public func withSpan<T>(
        _ name: String,
        kind: SpanKind,
        parent: SpanParent = .current,
        attributes: SpanAttributes = [:],
        links: [SpanData.Link] = [],
        _ body: (TelemetrySpan) throws -> T
    ) rethrows -> T {
        let span = startSpan(name, kind: kind, parent: parent, attributes: attributes, links: links)
        defer { span.end() }
        do {
            return try ServiceContext.withValue(span.context) { try body(span) }
        } catch {
            span.recordError(error)
            span.setStatus(SpanStatus(code: .error))
            throw error
        }
    }

    /// Runs `body` in a new span that ends when `body` returns. A thrown error is recorded, sets the status to
    /// error, and is rethrown.
    public func withSpan<T>(
        _ name: String,
        kind: SpanKind,
        parent: SpanParent = .current,
        attributes: SpanAttributes = [:],
        links: [SpanData.Link] = [],
        isolation: isolated (any Actor)? = #isolation,
        _ body: (TelemetrySpan) async throws -> T
    ) async rethrows -> T {
        let span = startSpan(name, kind: kind, parent: parent, attributes: attributes, links: links)
        defer { span.end() }
        do {
            return try await ServiceContext.withValue(span.context) { try await body(span) }
        } catch {
            span.recordError(error)
            span.setStatus(SpanStatus(code: .error))
            throw error
        }
    }

    public func activeSpan(identifiedBy context: ServiceContext) -> TelemetrySpan? {
        guard let stored = context[SpanContextKey.self] else { return nil }
        if case .recording(let span) = stored { return TelemetrySpan(context: context, recordingSpan: span) }
        return TelemetrySpan(context: context, recordingSpan: nil)
    }

    /// Starts exporting what has ended without waiting for it; prefer `await TracerProvider.forceFlush()`.
    public func forceFlush() {
        let provider = state.provider
        // This synchronous API cannot wait; the task ends when the processors' flush does.
        Task {
            for processor in provider.processors { try? await processor.forceFlush() }
        }
    }

    public func inject<Carrier, Inject: Injector>(_ context: ServiceContext, into carrier: inout Carrier, using injector: Inject)
    where Inject.Carrier == Carrier {
        state.provider.propagator.inject(context, into: &carrier, using: injector)
    }

    public func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout ServiceContext, using extractor: Extract)
    where Extract.Carrier == Carrier {
        state.provider.propagator.extract(carrier, into: &context, using: extractor)
    }
}
