import Synchronization
import Tracing

/// What every tracer and span of one provider shares.
final class ProviderState: Sendable {
    let resource: Resource
    let sampler: any Sampler
    let idGenerator: any IDGenerator
    let limits: SpanLimits
    let processors: [any SpanProcessor]
    let propagator: any TextMapPropagator
    let isShutdown = Atomic<Bool>(false)

    init(
        resource: Resource,
        sampler: any Sampler,
        idGenerator: any IDGenerator,
        limits: SpanLimits,
        processors: [any SpanProcessor],
        propagator: any TextMapPropagator
    ) {
        self.resource = resource
        self.sampler = sampler
        self.idGenerator = idGenerator
        self.limits = limits
        self.processors = processors
        self.propagator = propagator
    }
}

/// One tracer: a provider and an instrumentation scope. Spans keep a reference to it.
final class TracerState: Sendable {
    let provider: ProviderState
    let scope: InstrumentationScope

    init(provider: ProviderState, scope: InstrumentationScope) {
        self.provider = provider
        self.scope = scope
    }

    /// Starts a span: the one path every API of this SDK goes through.
    func startSpan(
        _ name: String,
        parentContext: ServiceContext,
        kind: SpanKind,
        startTime: UInt64,
        attributes: SpanAttributes,
        links: [SpanData.Link],
        isRoot: Bool
    ) -> TelemetrySpan {
        var context = parentContext
        let parent: ContextSpan?
        if isRoot {
            parent = nil
            context[SpanContextKey.self] = nil
        } else {
            parent = context[SpanContextKey.self]
        }
        let parentSpanContext = parent?.spanContext
        let traceID = parentSpanContext?.traceID ?? provider.idGenerator.newTraceID()
        let spanID = provider.idGenerator.newSpanID()

        guard !provider.isShutdown.load(ordering: .relaxed) else {
            return nonRecording(spanID, in: context, parent: parent, parentSpanContext, traceID, TraceState())
        }
        let result = provider.sampler.shouldSample(
            SamplingParameters(
                parentContext: parentContext,
                parentSpanContext: parentSpanContext,
                traceID: traceID,
                name: name,
                kind: kind,
                attributes: attributes,
                links: links
            )
        )
        guard result.decision != .drop else {
            return nonRecording(spanID, in: context, parent: parent, parentSpanContext, traceID, result.traceState)
        }

        var flags = parentSpanContext?.traceFlags ?? []
        if result.decision == .recordAndSample { flags.insert(.sampled) } else { flags.remove(.sampled) }
        var spanAttributes = attributes
        if !result.attributes.isEmpty { spanAttributes.merge(result.attributes) }
        let span = RecordingSpan(
            name: name,
            spanContext: SpanContext(traceID: traceID, spanID: spanID, traceFlags: flags, traceState: result.traceState),
            parentSpanID: parentSpanContext?.spanID,
            parentIsRemote: parentSpanContext?.isRemote ?? false,
            kind: kind,
            startTime: startTime,
            attributes: spanAttributes,
            links: links,
            tracer: self
        )
        context[SpanContextKey.self] = .recording(span)
        for processor in provider.processors {
            processor.onStart(span, parentContext: parentContext)
        }
        return TelemetrySpan(context: context, storage: .recording(span))
    }

    private func nonRecording(
        _ spanID: SpanID,
        in context: ServiceContext,
        parent: ContextSpan?,
        _ parentSpanContext: SpanContext?,
        _ traceID: TraceID,
        _ traceState: TraceState
    ) -> TelemetrySpan {
        var flags = parentSpanContext?.traceFlags ?? []
        flags.remove(.sampled)
        let trace: NonRecordingTrace
        if case .nonRecording(_, let parentTrace)? = parent, !parentTrace.isRemote, parentTrace.traceFlags == flags,
            parentTrace.traceState == traceState
        {
            // Children of an unsampled local parent share its trace state, so they allocate nothing of their own.
            trace = parentTrace
        } else {
            trace = NonRecordingTrace(traceID: traceID, traceFlags: flags, traceState: traceState, isRemote: false)
        }
        var context = context
        context[SpanContextKey.self] = .nonRecording(spanID, trace)
        return TelemetrySpan(context: context, storage: .nonRecording(spanID, trace))
    }
}
