import Logging
import Synchronization

/// One stream of an instrument, as a view (or the default) makes it.
struct StreamDefinition: Sendable {
    /// The stream's identity: the instrument's, with the view's name and description.
    var descriptor: InstrumentDescriptor
    var attributeKeys: Set<String>?
    var aggregation: View.Aggregation
    var cardinalityLimit: Int?

    /// `attributes` with only the keys the stream keeps.
    func filter(_ attributes: AttributeSet) -> AttributeSet {
        guard let attributeKeys else { return attributes }
        return attributes.filter { attributeKeys.contains($0) }
    }
}

/// What a synchronous instrument records into: for each of its streams, one sink per reader of its provider.
final class SyncInstrumentStorage: Sendable {
    struct Stream: Sendable {
        let definition: StreamDefinition
        let sinks: [MeasurementSink]
    }

    /// Where one measurement goes: a sink, and the attribute keys its stream keeps (`nil` for all).
    private struct Target: Sendable {
        let attributeKeys: Set<String>?
        let sink: MeasurementSink
    }

    let streams: [Stream]
    let exemplarFilter: ExemplarFilter
    /// The sinks of every stream, flattened so that recording copies no stream definition.
    private let targets: [Target]
    /// The one sink of an instrument with one reader and no view that filters attributes, which is most of them.
    /// The one sink when there is one and it takes every attribute: held in `targets`, recorded into unretained.
    private let onlySink: UnretainedMeasurementSink?

    init(streams: [Stream], exemplarFilter: ExemplarFilter) {
        self.streams = streams
        self.exemplarFilter = exemplarFilter
        targets = streams.flatMap { stream in
            stream.sinks.map { Target(attributeKeys: stream.definition.attributeKeys, sink: $0) }
        }
        onlySink = targets.count == 1 && targets[0].attributeKeys == nil ? UnretainedMeasurementSink(targets[0].sink) : nil
    }

    func record(_ value: NumberValue, attributes: AttributeSet) {
        guard !targets.isEmpty else { return }
        let exemplar = exemplarFilter.candidate(attributes: attributes)
        if let onlySink {
            onlySink.record(value, attributes: attributes, exemplar: exemplar)
            return
        }
        for index in targets.indices {
            let kept = targets[index].attributeKeys.map { keys in attributes.filter { keys.contains($0) } } ?? attributes
            targets[index].sink.record(value, attributes: kept, exemplar: exemplar)
        }
    }

    func bind(_ attributes: AttributeSet) -> BoundInstrumentStorage {
        let bindings = streams.flatMap { stream in
            let kept = stream.definition.filter(attributes)
            return stream.sinks.map { $0.bind(kept) }
        }
        return BoundInstrumentStorage(
            series: bindings.map(\.cell), unbind: bindings.map(\.unbind), attributes: attributes,
            exemplarFilter: exemplarFilter)
    }

    func collect(reader: Int, at time: UInt64) -> [(InstrumentDescriptor, MetricPoints)] {
        streams.compactMap { stream in
            guard stream.sinks.indices.contains(reader), let points = stream.sinks[reader].collect(at: time) else {
                return nil
            }
            return (stream.definition.descriptor, points)
        }
    }
}

/// The series one attribute set has in every stream of an instrument, for a bound instrument to record into.
///
/// It holds the cells themselves, as class references: recording calls into them without copying anything that
/// would touch a reference count, which tasks on other cores recording into the same series would contend on.
final class BoundInstrumentStorage: Sendable {
    /// The first series apart: an instrument of one reader and no view has only that one.
    private let first: any AggregatorCell
    private let others: [any AggregatorCell]
    private let isEmpty: Bool
    private let attributes: AttributeSet
    private let exemplarFilter: ExemplarFilter
    private let unbind: [@Sendable () -> Void]

    init(
        series: [any AggregatorCell],
        unbind: [@Sendable () -> Void],
        attributes: AttributeSet,
        exemplarFilter: ExemplarFilter
    ) {
        first = series.first ?? DiscardingCell.shared
        others = Array(series.dropFirst())
        isEmpty = series.isEmpty
        self.unbind = unbind
        self.attributes = attributes
        self.exemplarFilter = exemplarFilter
    }

    // The last copy of the bound instrument is gone: its series may be forgotten again by delta collections once
    // idle, so that handles made and dropped (as swift-metrics does per request) do not pin series for good.
    deinit {
        for end in unbind { end() }
    }

    @inline(__always)
    func record(_ value: NumberValue) {
        guard !isEmpty else { return }
        let exemplar = exemplarFilter.candidate(attributes: attributes)
        first.record(value, exemplar: exemplar)
        if !others.isEmpty {
            for series in others { series.record(value, exemplar: exemplar) }
        }
    }
}

/// The values an observable instrument's callbacks report during one collection.
public struct Observations<Value: MetricValue>: Sendable {
    var values: [AttributeSet: Value] = [:]

    init() {}

    /// Reports `value` for the series of `attributes`; a second report for the same attributes replaces the first.
    public mutating func observe(_ value: Value, attributes: AttributeSet = .empty) {
        values[attributes] = value
    }
}

/// The callbacks of an observable instrument, and its streams: one per reader.
final class ObservableInstrumentStorage<Value: MetricValue>: Sendable {
    typealias Callback = @Sendable (inout Observations<Value>) throws -> Void

    private struct Registered {
        var id: Int
        var callback: Callback
    }

    struct Stream: Sendable {
        let definition: StreamDefinition
        let sinks: [ObservedSink<Value>]
    }

    /// How long one callback may run before its observations are skipped as overdue.
    static var timeLimit: Duration { .seconds(1) }

    let descriptor: InstrumentDescriptor
    private let streams: [Stream]
    private let callbacks = Mutex<(nextID: Int, registered: [Registered])>((0, []))
    private let hasReportedFailure = Atomic(false)
    private let hasReportedOverrun = Atomic(false)
    private let clock: any TelemetryClock
    private let logger: Logger

    init(descriptor: InstrumentDescriptor, streams: [Stream], clock: any TelemetryClock, logger: Logger) {
        self.descriptor = descriptor
        self.streams = streams
        self.clock = clock
        self.logger = logger
    }

    func add(_ callback: @escaping Callback) -> Int {
        callbacks.withLock { state in
            defer { state.nextID += 1 }
            state.registered.append(Registered(id: state.nextID, callback: callback))
            return state.nextID
        }
    }

    func remove(_ id: Int) {
        callbacks.withLock { $0.registered.removeAll { $0.id == id } }
    }

    func collect(reader: Int, at time: UInt64) -> [(InstrumentDescriptor, MetricPoints)] {
        guard streams.contains(where: { $0.sinks.indices.contains(reader) }) else { return [] }
        let registered = callbacks.withLock { $0.registered }
        var observations = Observations<Value>()
        for entry in registered {
            // A failing callback loses its own observations only; the others, and the collection, go on.
            var own = Observations<Value>()
            do {
                let started = clock.now
                try entry.callback(&own)
                let elapsed = started.duration(to: clock.now)
                // A callback cannot be interrupted, but what it reports after overrunning is stale, and a callback
                // that blocks delays every reader: it is reported, once per instrument, and its values are skipped.
                guard elapsed <= Self.timeLimit else {
                    if !hasReportedOverrun.exchange(true, ordering: .relaxed) {
                        logger.warning(
                            "An observable instrument's callback ran longer than its time limit; its observations are skipped",
                            metadata: [
                                "instrument": "\(descriptor.name)", "duration": "\(elapsed)", "limit": "\(Self.timeLimit)",
                            ]
                        )
                    }
                    continue
                }
                observations.values.merge(own.values) { _, new in new }
            } catch {
                if !hasReportedFailure.exchange(true, ordering: .relaxed) {
                    logger.warning(
                        "An observable instrument's callback failed; its observations are skipped",
                        metadata: ["instrument": "\(descriptor.name)", "error": "\(error)"]
                    )
                }
            }
        }
        return streams.compactMap { stream in
            guard stream.sinks.indices.contains(reader) else { return nil }
            var values = observations.values
            if stream.definition.attributeKeys != nil {
                // Observations whose kept attributes coincide are one series; for totals their values add up.
                values = [:]
                let adds = stream.sinks[reader].kind != .observableGauge
                for (attributes, value) in observations.values {
                    let kept = stream.definition.filter(attributes)
                    values[kept] = adds ? Value._sum(values[kept] ?? Value._zero, value) : value
                }
            }
            guard let points = stream.sinks[reader].collect(values, at: time) else { return nil }
            return (stream.definition.descriptor, points)
        }
    }
}

/// One reader's stream of an observable instrument: observations become points with the reader's temporality.
///
/// Observable counters report totals, so a delta is this collection's total less the previous one's.
final class ObservedSink<Value: MetricValue>: Sendable {
    private struct State {
        var previous: [AttributeSet: Value] = [:]
        var intervalStart: UInt64
    }

    let kind: InstrumentKind
    let temporality: AggregationTemporality
    let cardinalityLimit: Int
    let startTime: UInt64
    private let state: Mutex<State>

    init(kind: InstrumentKind, temporality: AggregationTemporality, cardinalityLimit: Int, startTime: UInt64) {
        self.kind = kind
        self.temporality = temporality
        self.cardinalityLimit = max(2, cardinalityLimit)
        self.startTime = startTime
        self.state = Mutex(State(intervalStart: startTime))
    }

    func collect(_ observed: [AttributeSet: Value], at time: UInt64) -> MetricPoints? {
        let values = limited(observed)
        switch kind {
        case .observableGauge, .gauge:
            guard !values.isEmpty else { return nil }
            return .gauge(values.map { NumberPoint(attributes: $0.key, startTime: startTime, time: time, value: $0.value._numberValue) })
        default:
            let isMonotonic = kind == .observableCounter || kind == .counter
            let points: [NumberPoint] = state.withLock { state in
                defer {
                    // Series not observed this time keep their last total, so a callback that failed once does not
                    // make the next delta the whole total again; the map is bounded at twice the limit.
                    state.previous.merge(values) { _, new in new }
                    if state.previous.count > 2 * cardinalityLimit { state.previous = values }
                    state.intervalStart = time
                }
                return values.map { attributes, total in
                    switch temporality {
                    case .cumulative:
                        return NumberPoint(attributes: attributes, startTime: startTime, time: time, value: total._numberValue)
                    case .delta:
                        let delta = Value._difference(total, state.previous[attributes] ?? Value._zero)
                        return NumberPoint(
                            attributes: attributes, startTime: state.intervalStart, time: time, value: delta._numberValue)
                    }
                }
            }
            guard !points.isEmpty else { return nil }
            return .sum(SumPoints(points: points, temporality: temporality, isMonotonic: isMonotonic))
        }
    }

    /// `observed` within the cardinality limit: the first attribute sets in order keep their series, and the rest
    /// are summed (for gauges, the last is kept) into the overflow series.
    private func limited(_ observed: [AttributeSet: Value]) -> [AttributeSet: Value] {
        guard observed.count > cardinalityLimit else { return observed }
        let sorted = observed.sorted { $0.key.description < $1.key.description }
        var kept = Dictionary(uniqueKeysWithValues: sorted.prefix(cardinalityLimit - 1).map { ($0.key, $0.value) })
        let isGauge = kind == .observableGauge || kind == .gauge
        let overflow = sorted.dropFirst(cardinalityLimit - 1).reduce(Value._zero) { isGauge ? $1.value : Value._sum($0, $1.value) }
        kept[MetricStream<SumCell>.overflowAttributes] = overflow
        return kept
    }
}
