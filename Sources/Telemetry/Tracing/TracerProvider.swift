import Logging
import Tracing

/// The SDK's tracing entry point: it owns the resource, sampler, limits, propagator and processors, and hands out
/// tracers.
///
/// It conforms to swift-distributed-tracing's `Tracer`, so `InstrumentationSystem.bootstrap(provider)` makes every
/// library instrumented with that API (Hummingbird, Vapor, AsyncHTTPClient, …) record through it. Those spans carry
/// the scope ``defaultScope``; for your own spans, ask for a tracer with your library's scope with
/// ``tracer(name:version:schemaURL:attributes:)``.
///
/// ``TelemetrySystem/bootstrap(_:environment:)`` builds one from code and `OTEL_*` variables; build one directly to
/// configure everything in code.
public final class TracerProvider: Sendable {
    /// The scope of spans started through swift-distributed-tracing's API.
    public static let defaultScope = InstrumentationScope(name: "swift-distributed-tracing")

    let state: ProviderState
    private let defaultTracer: TelemetryTracer

    /// Creates a provider.
    ///
    /// - Parameters:
    ///   - resource: What produces the spans. The default is ``Resource/detected()``.
    ///   - sampler: Which spans are recorded; the default is the specification's `parentbased_always_on`.
    ///   - processors: Where ended spans go, in order. With none, spans are recorded but never exported.
    ///   - idGenerator: How trace and span ids are made.
    ///   - limits: Bounds on each span's attributes, events and links.
    ///   - propagator: How ``inject(_:into:using:)`` and ``extract(_:into:using:)`` move context; the default is
    ///     W3C Trace Context and W3C Baggage.
    public init(
        resource: Resource = .detected(),
        sampler: any Sampler = ParentBasedSampler(root: AlwaysOnSampler()),
        processors: [any SpanProcessor] = [],
        idGenerator: any IDGenerator = RandomIDGenerator(),
        limits: SpanLimits = SpanLimits(),
        propagator: any TextMapPropagator = CompositePropagator([W3CTraceContextPropagator(), W3CBaggagePropagator()])
    ) {
        self.state = ProviderState(
            resource: resource,
            sampler: sampler,
            idGenerator: idGenerator,
            limits: limits,
            processors: processors,
            propagator: propagator
        )
        self.defaultTracer = TelemetryTracer(state: TracerState(provider: state, scope: Self.defaultScope))
    }

    /// The resource every span carries.
    public var resource: Resource { state.resource }
    /// The sampler in force.
    public var sampler: any Sampler { state.sampler }
    /// The span limits in force.
    public var limits: SpanLimits { state.limits }
    /// The processors, in order.
    public var processors: [any SpanProcessor] { state.processors }
    /// The propagator in force.
    public var propagator: any TextMapPropagator { state.propagator }

    /// Returns a tracer whose spans carry the given instrumentation scope.
    ///
    /// Tracers are cheap values; keep one per library or module.
    public func tracer(
        name: String,
        version: String? = nil,
        schemaURL: String? = nil,
        attributes: SpanAttributes = [:]
    ) -> TelemetryTracer {
        let scope = InstrumentationScope(name: name, version: version, schemaURL: schemaURL, attributes: attributes)
        return TelemetryTracer(state: TracerState(provider: state, scope: scope))
    }

    /// Runs every processor's background work until ``shutdown()`` or cancellation. ``TelemetryService`` calls it.
    public func run() async throws {
        try await ProcessorLifecycle.run(state.processors) { try await $0.run() }
    }

    /// Exports every span that has ended, through every processor, and returns when they are exported.
    public func forceFlush() async throws {
        try await ProcessorLifecycle.forceFlush(state.processors) { try await $0.forceFlush() }
    }

    /// Flushes and shuts down every processor. Spans started afterwards are not recorded. Calls after the first
    /// return at once.
    public func shutdown() async throws {
        guard !state.isShutdown.exchange(true, ordering: .acquiringAndReleasing) else { return }
        try await ProcessorLifecycle.shutdown(state.processors) { try await $0.shutdown() }
    }

    /// Whether ``shutdown()`` was called.
    public var isShutdown: Bool { state.isShutdown.load(ordering: .relaxed) }
}

extension TracerProvider: Tracing.Tracer {
    public typealias Span = TelemetrySpan

    public func startSpan<Instant: TracerInstant>(
        _ operationName: String,
        context: @autoclosure () -> ServiceContext,
        ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant,
        function: String,
        file fileID: String,
        line: UInt
    ) -> TelemetrySpan {
        defaultTracer.startSpan(
            operationName,
            context: context(),
            ofKind: kind,
            at: instant(),
            function: function,
            file: fileID,
            line: line
        )
    }

    public func activeSpan(identifiedBy context: ServiceContext) -> TelemetrySpan? {
        defaultTracer.activeSpan(identifiedBy: context)
    }

    /// Starts exporting what has ended without waiting for it; prefer `await forceFlush()`.
    public func forceFlush() {
        defaultTracer.forceFlush()
    }

    public func inject<Carrier, Inject: Injector>(_ context: ServiceContext, into carrier: inout Carrier, using injector: Inject)
    where Inject.Carrier == Carrier {
        state.propagator.inject(context, into: &carrier, using: injector)
    }

    public func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout ServiceContext, using extractor: Extract)
    where Extract.Carrier == Carrier {
        state.propagator.extract(carrier, into: &context, using: extractor)
    }
}
