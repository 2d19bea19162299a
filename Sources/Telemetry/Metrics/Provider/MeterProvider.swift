import Logging
import Synchronization
import Tracing

/// The SDK's metrics entry point: it owns the resource and the readers, and hands out meters.
///
/// ```swift
/// let reader = ManualMetricReader()
/// let provider = MeterProvider(readers: [reader])
/// let meter = provider.meter(name: "orders")
/// let requests = meter.makeCounter(name: "http.server.requests", description: "Requests served")
/// requests.add(1, attributes: ["method": "GET", "status": "200"])
/// ```
///
/// Each reader gets its own series of every instrument, with its own temporality. See the specification's
/// [MeterProvider](https://opentelemetry.io/docs/specs/otel/metrics/sdk/#meterprovider).
public final class MeterProvider: Sendable {
    /// The most series one stream keeps, the overflow series included, unless set otherwise (2000).
    public static let defaultCardinalityLimit = 2000

    let state: MeterProviderState

    /// Creates a provider.
    ///
    /// - Parameters:
    ///   - resource: What produces the metrics. The default is ``Resource/detected()``.
    ///   - readers: Who collects the metrics. With none, instruments record nothing.
    ///   - views: What to make of selected instruments: other names, fewer attributes, other aggregations, or nothing.
    ///   - cardinalityLimit: The most series one stream keeps, the overflow series
    ///     `otel.metric.overflow=true` included; what does not fit is counted there.
    ///   - exemplarFilter: Which measurements may be kept as exemplars, with the span they were recorded in: by
    ///     default those recorded while a sampled span is active.
    ///   - clock: What times observable callbacks: one that runs longer than a second is reported and its observations
    ///     are skipped. The system clock unless a test passes its own.
    ///   - logger: Where invalid instruments and failing callbacks are reported; by default the SDK's own logger.
    public init(
        resource: Resource = .detected(),
        readers: [any MetricReader] = [],
        views: [View] = [],
        cardinalityLimit: Int = MeterProvider.defaultCardinalityLimit,
        exemplarFilter: ExemplarFilter = .traceBased,
        clock: any TelemetryClock = SystemClock(),
        logger: Logger = TelemetryDiagnostics.logger
    ) {
        let state = MeterProviderState(
            resource: resource, readers: readers, views: views, cardinalityLimit: cardinalityLimit,
            exemplarFilter: exemplarFilter, clock: clock, logger: logger)
        self.state = state
        for (index, reader) in readers.enumerated() {
            // Held strongly: a reader collects what the instruments record for as long as either lives, whether or
            // not the application kept the provider. Providers live as long as the process, so the cycle costs
            // nothing in practice.
            reader.register(MetricProducer { state.collect(reader: index) })
        }
    }

    /// The resource every metric carries.
    public var resource: Resource { state.resource }
    /// The readers, in order.
    public var readers: [any MetricReader] { state.readers }
    /// The views, in order.
    public var views: [View] { state.views }
    /// Which measurements may be kept as exemplars.
    public var exemplarFilter: ExemplarFilter { state.exemplarFilter }

    /// Returns a meter whose instruments carry the given instrumentation scope.
    ///
    /// Meters are cheap values; keep one per library or module. Asking twice for the same scope gives meters that
    /// share their instruments.
    public func meter(
        name: String,
        version: String? = nil,
        schemaURL: String? = nil,
        attributes: SpanAttributes = [:]
    ) -> Meter {
        Meter(provider: state, scope: InstrumentationScope(name: name, version: version, schemaURL: schemaURL, attributes: attributes))
    }

    /// Runs every reader's background work until ``shutdown()`` or cancellation. ``TelemetryService`` calls it.
    public func run() async throws {
        try await ProcessorLifecycle.run(state.readers) { try await $0.run() }
    }

    /// Collects and delivers what every reader has not delivered yet.
    public func forceFlush() async throws {
        try await ProcessorLifecycle.forceFlush(state.readers) { try await $0.forceFlush() }
    }

    /// Delivers a last collection through every reader and shuts them down; what is recorded afterwards is never
    /// exported. Calls after the first return at once.
    public func shutdown() async throws {
        guard !state.isShutdown.exchange(true, ordering: .acquiringAndReleasing) else { return }
        try await ProcessorLifecycle.shutdown(state.readers) { try await $0.shutdown() }
    }

    /// Whether ``shutdown()`` was called.
    public var isShutdown: Bool { state.isShutdown.load(ordering: .relaxed) }
}

/// What every meter of one provider shares: the readers, and the registry of instruments.
final class MeterProviderState: Sendable {
    /// How an instrument is collected, whatever its kind and number type.
    struct Registration: Sendable {
        var descriptor: InstrumentDescriptor
        var scope: InstrumentationScope
        var collect: @Sendable (_ reader: Int, _ time: UInt64) -> [(InstrumentDescriptor, MetricPoints)]
        var storage: any Sendable
    }

    /// An instrument's identity within the registry: its scope and its name without case.
    struct Key: Hashable {
        var scopeName: String
        var scopeVersion: String?
        var scopeSchemaURL: String?
        var name: String
    }

    let resource: Resource
    let readers: [any MetricReader]
    let views: [View]
    let cardinalityLimit: Int
    let exemplarFilter: ExemplarFilter
    let clock: any TelemetryClock
    let logger: Logger
    let startTime: UInt64
    let isShutdown = Atomic(false)
    private let registry = Mutex<(byKey: [Key: [Registration]], order: [Registration])>(([:], []))

    init(
        resource: Resource,
        readers: [any MetricReader],
        views: [View],
        cardinalityLimit: Int,
        exemplarFilter: ExemplarFilter,
        clock: any TelemetryClock,
        logger: Logger
    ) {
        self.exemplarFilter = exemplarFilter
        self.clock = clock
        self.resource = resource
        self.readers = readers
        self.views = views
        self.cardinalityLimit = max(2, cardinalityLimit)
        self.logger = logger
        self.startTime = DefaultTracerClock.now.nanosecondsSinceEpoch
    }

    /// The storage registered for `descriptor` in `scope`, made by `make` the first time.
    ///
    /// A second registration with the same identity returns the first storage, as the specification asks. One
    /// with the same name but another kind, unit, description or number type is a conflict: it is reported, and
    /// gets storage of its own, so both keep working.
    func register<Storage: Sendable>(
        _ descriptor: InstrumentDescriptor,
        scope: InstrumentationScope,
        make: () -> (Storage, @Sendable (Int, UInt64) -> [(InstrumentDescriptor, MetricPoints)])
    ) -> Storage {
        let key = Key(
            scopeName: scope.name, scopeVersion: scope.version, scopeSchemaURL: scope.schemaURL,
            name: descriptor.name.lowercased())
        let (storage, conflict) = registry.withLock { registry -> (Storage, InstrumentDescriptor?) in
            let existing = registry.byKey[key] ?? []
            if let same = existing.first(where: { $0.descriptor.isIdentical(to: descriptor) }), let storage = same.storage as? Storage {
                return (storage, nil)
            }
            let (storage, collect) = make()
            let registration = Registration(descriptor: descriptor, scope: scope, collect: collect, storage: storage)
            registry.byKey[key, default: []].append(registration)
            registry.order.append(registration)
            return (storage, existing.first?.descriptor)
        }
        if let conflict {
            logger.warning(
                "An instrument was registered twice with different identities; both are exported",
                metadata: [
                    "name": "\(descriptor.name)", "scope": "\(scope.name)",
                    "first": "\(conflict.kind) \(conflict.unit) \(conflict.isDouble ? "Double" : "Int64")",
                    "second": "\(descriptor.kind) \(descriptor.unit) \(descriptor.isDouble ? "Double" : "Int64")",
                ]
            )
        }
        return storage
    }

    /// The streams of the instrument `descriptor` in `scope`: one per view that selects it, or its default stream
    /// when none does. A view that drops it makes no stream.
    func streams(for descriptor: InstrumentDescriptor, scope: InstrumentationScope) -> [StreamDefinition] {
        let selecting = views.filter { $0.selector.matches(descriptor, scope: scope) }
        guard !selecting.isEmpty else {
            return [StreamDefinition(descriptor: descriptor, attributeKeys: nil, aggregation: .default, cardinalityLimit: nil)]
        }
        return selecting.compactMap { view in
            guard view.aggregation != .drop else { return nil }
            var stream = descriptor
            stream.name = view.name ?? descriptor.name
            stream.description = view.description ?? descriptor.description
            return StreamDefinition(
                descriptor: stream, attributeKeys: view.attributeKeys, aggregation: view.aggregation,
                cardinalityLimit: view.cardinalityLimit)
        }
    }

    /// The cardinality limit of a stream for `reader`: the view's, then the reader's, then the provider's.
    func cardinalityLimit(_ stream: StreamDefinition, reader: any MetricReader) -> Int {
        max(2, stream.cardinalityLimit ?? reader.cardinalityLimit(for: stream.descriptor.kind) ?? cardinalityLimit)
    }

    /// Every stream's points for reader `reader`, now.
    func collect(reader: Int) -> [MetricData] {
        let registrations = registry.withLock { $0.order }
        let time = DefaultTracerClock.now.nanosecondsSinceEpoch
        return registrations.flatMap { registration in
            registration.collect(reader, time).map { descriptor, points in
                MetricData(
                    name: descriptor.name,
                    description: descriptor.description,
                    unit: descriptor.unit,
                    resource: resource,
                    instrumentationScope: registration.scope,
                    points: points
                )
            }
        }
    }
}
