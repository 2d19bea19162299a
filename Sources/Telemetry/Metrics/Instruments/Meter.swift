import Logging
import Tracing

/// Makes instruments whose metrics carry one instrumentation scope.
///
/// Get one from ``MeterProvider/meter(name:version:schemaURL:attributes:)``. Making an instrument twice with the same
/// name, kind, unit and description gives the same instrument, so there is no need to keep instruments in globals.
/// A name that breaks the specification's syntax is reported once and gives an instrument that records nothing.
///
/// ```swift
/// let meter = provider.meter(name: "orders")
/// let requests = meter.makeCounter(name: "http.server.requests", description: "HTTP requests served")
/// let duration = meter.makeHistogram(Double.self, name: "http.server.duration", unit: "ms")
/// let memory = meter.makeObservableGauge(name: "process.memory.usage", unit: "By") { observations in
///     observations.observe(residentBytes())
/// }
/// ```
public struct Meter: Sendable {
    let provider: MeterProviderState
    /// The instrumentation scope of every metric this meter makes.
    public let scope: InstrumentationScope

    init(provider: MeterProviderState, scope: InstrumentationScope) {
        self.provider = provider
        self.scope = scope
    }

    /// A counter: adds non-negative amounts. Negative amounts are ignored.
    public func makeCounter<Value: MetricValue>(
        _ type: Value.Type = Int64.self,
        name: String,
        unit: String = "",
        description: String = ""
    ) -> Counter<Value> {
        Counter(storage: synchronous(Value.self, .counter, name: name, unit: unit, description: description, boundaries: nil))
    }

    /// An up-down counter: adds amounts that may be negative.
    public func makeUpDownCounter<Value: MetricValue>(
        _ type: Value.Type = Int64.self,
        name: String,
        unit: String = "",
        description: String = ""
    ) -> UpDownCounter<Value> {
        UpDownCounter(
            storage: synchronous(Value.self, .upDownCounter, name: name, unit: unit, description: description, boundaries: nil))
    }

    /// A histogram: records values whose distribution matters.
    ///
    /// - Parameter explicitBucketBoundaries: The advised bucket boundaries, increasing; by default the
    ///   specification's `[0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000]`. Invalid
    ///   advice is reported and the default applies.
    public func makeHistogram<Value: MetricValue>(
        _ type: Value.Type = Double.self,
        name: String,
        unit: String = "",
        description: String = "",
        explicitBucketBoundaries: [Double]? = nil
    ) -> Histogram<Value> {
        if let boundaries = explicitBucketBoundaries, !ExplicitBucketHistogramState.areValid(boundaries) {
            provider.logger.warning(
                "Ignoring invalid bucket boundaries advice: they must be finite and increasing; the defaults apply",
                metadata: ["instrument": "\(name)", "boundaries": "\(boundaries)"]
            )
        }
        return Histogram(
            storage: synchronous(
                Value.self, .histogram, name: name, unit: unit, description: description,
                boundaries: explicitBucketBoundaries))
    }

    /// A gauge: records the current value.
    public func makeGauge<Value: MetricValue>(
        _ type: Value.Type = Double.self,
        name: String,
        unit: String = "",
        description: String = ""
    ) -> Gauge<Value> {
        Gauge(storage: synchronous(Value.self, .gauge, name: name, unit: unit, description: description, boundaries: nil))
    }

    /// An observable counter: `callback` reports monotonic totals, such as CPU time, at each collection.
    public func makeObservableCounter<Value: MetricValue>(
        _ type: Value.Type = Int64.self,
        name: String,
        unit: String = "",
        description: String = "",
        callback: (@Sendable (inout Observations<Value>) throws -> Void)? = nil
    ) -> ObservableInstrument<Value> {
        observable(Value.self, .observableCounter, name: name, unit: unit, description: description, callback: callback)
    }

    /// An observable up-down counter: `callback` reports totals that may go down, such as memory in use.
    public func makeObservableUpDownCounter<Value: MetricValue>(
        _ type: Value.Type = Int64.self,
        name: String,
        unit: String = "",
        description: String = "",
        callback: (@Sendable (inout Observations<Value>) throws -> Void)? = nil
    ) -> ObservableInstrument<Value> {
        observable(Value.self, .observableUpDownCounter, name: name, unit: unit, description: description, callback: callback)
    }

    /// An observable gauge: `callback` reports current values, such as free memory, at each collection.
    public func makeObservableGauge<Value: MetricValue>(
        _ type: Value.Type = Double.self,
        name: String,
        unit: String = "",
        description: String = "",
        callback: (@Sendable (inout Observations<Value>) throws -> Void)? = nil
    ) -> ObservableInstrument<Value> {
        observable(Value.self, .observableGauge, name: name, unit: unit, description: description, callback: callback)
    }

    private func descriptor<Value: MetricValue>(
        _ type: Value.Type, _ kind: InstrumentKind, name: String, unit: String, description: String
    ) -> InstrumentDescriptor? {
        guard InstrumentDescriptor.isValidName(name) else {
            provider.logger.warning(
                """
                Invalid instrument name: it must start with a letter and hold at most 255 letters, digits, _ . - /; \
                the instrument records nothing
                """,
                metadata: ["name": "\(name)", "scope": "\(scope.name)"]
            )
            return nil
        }
        return InstrumentDescriptor(name: name, kind: kind, unit: unit, description: description, isDouble: Value.self == Double.self)
    }

    private func synchronous<Value: MetricValue>(
        _ type: Value.Type,
        _ kind: InstrumentKind,
        name: String,
        unit: String,
        description: String,
        boundaries: [Double]?
    ) -> SyncInstrumentStorage? {
        guard let descriptor = descriptor(Value.self, kind, name: name, unit: unit, description: description) else { return nil }
        let provider = self.provider
        let scope = self.scope
        return provider.register(descriptor, scope: scope) {
            // A stream's points start when the stream does, not when the provider did: a delta point of an
            // instrument made an hour in must not claim that hour.
            let created = DefaultTracerClock.now.nanosecondsSinceEpoch
            let streams = provider.streams(for: descriptor, scope: scope).map { definition in
                SyncInstrumentStorage.Stream(
                    definition: definition,
                    sinks: provider.readers.map { reader in
                        DefaultAggregation.sink(
                            kind: kind,
                            isDouble: descriptor.isDouble,
                            aggregation: definition.aggregation,
                            temporality: reader.temporality(for: kind),
                            histogramAggregation: reader.histogramAggregation,
                            boundaries: boundaries,
                            cardinalityLimit: provider.cardinalityLimit(definition, reader: reader),
                            startTime: created
                        )
                    }
                )
            }
            let storage = SyncInstrumentStorage(streams: streams, exemplarFilter: provider.exemplarFilter)
            return (storage, { reader, time in storage.collect(reader: reader, at: time) })
        }
    }

    private func observable<Value: MetricValue>(
        _ type: Value.Type,
        _ kind: InstrumentKind,
        name: String,
        unit: String,
        description: String,
        callback: (@Sendable (inout Observations<Value>) throws -> Void)?
    ) -> ObservableInstrument<Value> {
        guard let descriptor = descriptor(Value.self, kind, name: name, unit: unit, description: description) else {
            return ObservableInstrument(storage: nil)
        }
        let provider = self.provider
        let scope = self.scope
        let storage: ObservableInstrumentStorage<Value> = provider.register(descriptor, scope: scope) {
            let created = DefaultTracerClock.now.nanosecondsSinceEpoch
            let streams = provider.streams(for: descriptor, scope: scope).map { definition in
                ObservableInstrumentStorage<Value>.Stream(
                    definition: definition,
                    sinks: provider.readers.map { reader in
                        ObservedSink<Value>(
                            kind: Self.observedKind(kind, aggregation: definition.aggregation),
                            temporality: reader.temporality(for: kind),
                            cardinalityLimit: provider.cardinalityLimit(definition, reader: reader),
                            startTime: created
                        )
                    }
                )
            }
            let storage = ObservableInstrumentStorage(
                descriptor: descriptor, streams: streams, clock: provider.clock, logger: provider.logger)
            return (storage, { reader, time in storage.collect(reader: reader, at: time) })
        }
        let instrument = ObservableInstrument(storage: storage)
        if let callback { instrument.addCallback(callback) }
        return instrument
    }

    /// The kind whose points an observable stream makes: a view may turn totals into last values or back; the
    /// histogram aggregations do not apply to observations, which keep their instrument's.
    private static func observedKind(_ kind: InstrumentKind, aggregation: View.Aggregation) -> InstrumentKind {
        switch aggregation {
        case .lastValue: return .observableGauge
        case .sum where kind == .observableGauge: return .observableUpDownCounter
        default: return kind
        }
    }
}
