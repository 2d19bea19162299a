import Tracing

/// Decides, when a span starts, whether it is recorded and whether its trace is sampled.
///
/// The tracer calls ``shouldSample(_:)`` synchronously on the thread that starts the span, for every span, so an
/// implementation must be fast, must not block, and must be safe to call from many threads at once.
/// See the OpenTelemetry specification's
/// [Sampler](https://opentelemetry.io/docs/specs/otel/trace/sdk/#sampler) interface.
public protocol Sampler: Sendable, CustomStringConvertible {
    /// Returns the decision for a span about to start.
    func shouldSample(_ parameters: SamplingParameters) -> SamplingResult
}

/// What a ``Sampler`` knows about a span that is about to start.
public struct SamplingParameters: Sendable {
    /// The context the span starts in: it holds the parent span, if any, and baggage.
    public var parentContext: ServiceContext
    /// The parent's span context, if the span has a valid parent.
    public var parentSpanContext: SpanContext?
    /// The trace id the new span will have: the parent's, or a new one for a root span.
    public var traceID: TraceID
    /// The span's name.
    public var name: String
    /// The span's kind.
    public var kind: SpanKind
    /// The attributes known when the span starts.
    ///
    /// The tracer keeps them in a compact form and builds this value on each read: a sampler that looks at several
    /// attributes should read it once into a local.
    public var attributes: SpanAttributes {
        get { attributeStorage.spanAttributes }
        set { attributeStorage = SpanAttributeStorage(newValue) }
    }
    /// The attributes as the tracer holds them, which become `SpanAttributes` only when a sampler reads them.
    package var attributeStorage: SpanAttributeStorage
    /// The links known when the span starts.
    public var links: [SpanData.Link]

    /// Creates sampling parameters; the tracer does this, and tests of custom samplers may too.
    public init(
        parentContext: ServiceContext = .topLevel,
        parentSpanContext: SpanContext? = nil,
        traceID: TraceID,
        name: String,
        kind: SpanKind = .internal,
        attributes: SpanAttributes = [:],
        links: [SpanData.Link] = []
    ) {
        self.parentContext = parentContext
        self.parentSpanContext = parentSpanContext
        self.traceID = traceID
        self.name = name
        self.kind = kind
        self.attributeStorage = SpanAttributeStorage(attributes)
        self.links = links
    }

    package init(
        parentContext: ServiceContext,
        parentSpanContext: SpanContext?,
        traceID: TraceID,
        name: String,
        kind: SpanKind,
        attributeStorage: SpanAttributeStorage,
        links: [SpanData.Link]
    ) {
        self.parentContext = parentContext
        self.parentSpanContext = parentSpanContext
        self.traceID = traceID
        self.name = name
        self.kind = kind
        self.attributeStorage = attributeStorage
        self.links = links
    }

    /// The trace state a sampler that does not change it should return: the parent's, or an empty one.
    public var parentTraceState: TraceState { parentSpanContext?.traceState ?? TraceState() }
}

/// Whether a span is recorded and sampled.
public enum SamplingDecision: Sendable, Hashable {
    /// The span is not recorded: it only carries its context. Processors never see it.
    case drop
    /// The span is recorded and reaches processors, but its trace is not marked sampled, so exporters skip it.
    case recordOnly
    /// The span is recorded and its trace is marked sampled.
    case recordAndSample
}

/// A ``Sampler``'s answer.
public struct SamplingResult: Sendable {
    /// The decision.
    public var decision: SamplingDecision
    /// Attributes to add to the span when it is recorded.
    public var attributes: SpanAttributes
    /// The trace state the new span carries. Samplers that do not use it return the parent's.
    public var traceState: TraceState

    /// Creates a result.
    public init(decision: SamplingDecision, attributes: SpanAttributes = [:], traceState: TraceState = TraceState()) {
        self.decision = decision
        self.attributes = attributes
        self.traceState = traceState
    }
}
