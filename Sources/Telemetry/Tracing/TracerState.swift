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
    /// Whether trace ids come from a seed (``SeededTraceIDGenerator``), which an unsampled span can carry in 8 bytes.
    let usesRandomIDs: Bool
    /// The flags a new trace starts with: ``TraceFlags/random`` when the generator says its trace ids are random.
    let rootTraceFlags: TraceFlags

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
        self.usesRandomIDs = idGenerator is any SeededTraceIDGenerator
        self.rootTraceFlags = idGenerator.generatesRandomTraceIDs ? .random : []
    }

    /// A new trace: its id and, from the default generator, the seed it was made from.
    @inline(__always)
    func newTrace() -> (id: TraceID, seed: UInt64?) {
        guard usesRandomIDs else { return (idGenerator.newTraceID(), nil) }
        let seed = RandomIDGenerator.newTraceSeed()
        let id = RandomIDGenerator.traceID(seed: seed)
        return id.isValid ? (id, seed) : (idGenerator.newTraceID(), nil)
    }

    @inline(__always)
    func newSpanID() -> SpanID {
        usesRandomIDs ? RandomIDGenerator().newSpanID() : idGenerator.newSpanID()
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
        attributes: SpanAttributeStorage,
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
        let traceID: TraceID
        let traceSeed: UInt64?
        if let parentSpanContext {
            traceID = parentSpanContext.traceID
            if case .unsampledLocal(let seed, _)? = parent { traceSeed = seed } else { traceSeed = nil }
        } else {
            (traceID, traceSeed) = provider.newTrace()
        }
        let spanID = provider.newSpanID()

        guard !provider.isShutdown.load(ordering: .relaxed) else {
            return nonRecording(spanID, in: context, parent: parent, parentSpanContext, traceID, traceSeed, TraceState())
        }
        let result = provider.sampler.shouldSample(
            SamplingParameters(
                parentContext: parentContext,
                parentSpanContext: parentSpanContext,
                traceID: traceID,
                name: name,
                kind: kind,
                attributeStorage: attributes,
                links: links
            )
        )
        guard result.decision != .drop else {
            return nonRecording(spanID, in: context, parent: parent, parentSpanContext, traceID, traceSeed, result.traceState)
        }

        var flags = inheritedFlags(parentSpanContext)
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
        return TelemetrySpan(context: context, recordingSpan: span)
    }

    /// The flags a span starts from: its parent's, without bits W3C does not define, or a new trace's.
    @inline(__always)
    private func inheritedFlags(_ parentSpanContext: SpanContext?) -> TraceFlags {
        parentSpanContext.map { $0.traceFlags.intersection(.defined) } ?? provider.rootTraceFlags
    }

    private func nonRecording(
        _ spanID: SpanID,
        in context: ServiceContext,
        parent: ContextSpan?,
        _ parentSpanContext: SpanContext?,
        _ traceID: TraceID,
        _ traceSeed: UInt64?,
        _ traceState: TraceState
    ) -> TelemetrySpan {
        var flags = inheritedFlags(parentSpanContext)
        flags.remove(.sampled)
        let span: ContextSpan
        // A seed means the default generator made the trace id, so the trace carries exactly the random flag.
        if let traceSeed, flags == .random, traceState.isEmpty {
            span = .unsampledLocal(traceSeed: traceSeed, spanID)
        } else if case .nonRecording(_, let parentTrace)? = parent, !parentTrace.isRemote, parentTrace.traceFlags == flags,
            parentTrace.traceState == traceState
        {
            // Children of an unsampled local parent share its trace state, so they allocate nothing of their own.
            span = .nonRecording(spanID, parentTrace)
        } else {
            span = .nonRecording(
                spanID,
                NonRecordingTrace(traceID: traceID, traceFlags: flags, traceState: traceState, isRemote: false)
            )
        }
        var context = context
        context[SpanContextKey.self] = span
        return TelemetrySpan(context: context, recordingSpan: nil)
    }
}
