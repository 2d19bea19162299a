import Synchronization

/// The series of one metric stream: one cell per attribute set, bounded by the cardinality limit, and collected
/// with the stream's temporality.
///
/// - Recording with attributes finds the cell and records into it: for a cumulative stream through a lock-free index
///   (``SeriesIndex``), for a delta stream under the stream's lock, so that a collection never forgets a series
///   between the lookup and the measurement. A bound handle, from ``bind(_:)``, keeps its cell and records directly.
/// - At most `cardinalityLimit` series exist, counting the overflow series: measurements of any further attribute
///   set go to the series `otel.metric.overflow=true`, as the specification says.
/// - Collection copies the list of cells under the lock and reads each cell outside it, so recording never waits
///   on more than one series. With delta temporality, a series that saw nothing since the last collection is
///   forgotten (unless a handle is bound to it), so memory stays bounded by what is in use.
final class MetricStream<Cell: AggregatorCell>: Sendable {
    /// The attributes of the series that takes what the cardinality limit turns away.
    static var overflowAttributes: AttributeSet { ["otel.metric.overflow": true] }

    /// One series' point at a collection.
    struct Point: Sendable {
        var attributes: AttributeSet
        var startTime: UInt64
        var time: UInt64
        var snapshot: Cell.Snapshot
        var exemplars: [Exemplar] = []
    }

    private struct Series {
        let cell: Cell
        /// Bound handles recording into the cell: while there is one, a delta collection keeps the series.
        var bindCount: Int
    }

    private struct State {
        var series: [AttributeSet: Series] = [:]
        var overflow: Cell?
        /// Bound handles recording into the overflow cell, which must then outlive idle intervals.
        var overflowBindCount = 0
        /// When the current delta interval began.
        var intervalStart: UInt64
        /// What keeps the lock-free index's entries alive (cumulative streams only).
        var indexStorage = SeriesIndexStorage<Cell>()
    }

    let temporality: AggregationTemporality
    let cardinalityLimit: Int
    /// When the stream began: the start time of every cumulative point.
    let startTime: UInt64
    private let makeCell: @Sendable () -> Cell
    private let state: Mutex<State>
    /// The series of a cumulative stream, found without the lock; a delta stream forgets series, so it uses the lock.
    private let index = SeriesIndex<Cell>()
    /// Rejected measurements no cell holds the count of: those of cells that delta collections forgot, and those
    /// that would have made a new series the aggregation could not take.
    private let forgottenRejections = Atomic(0)

    /// - Parameter cardinalityLimit: The most series, the overflow series included; below 2, 2 applies, so that one
    ///   attribute set and the overflow can coexist.
    init(
        temporality: AggregationTemporality,
        cardinalityLimit: Int,
        startTime: UInt64,
        makeCell: @escaping @Sendable () -> Cell
    ) {
        self.temporality = temporality
        self.cardinalityLimit = max(2, cardinalityLimit)
        self.startTime = startTime
        self.makeCell = makeCell
        self.state = Mutex(State(intervalStart: startTime))
    }

    /// Measurements an aggregation could not take, such as a NaN in a histogram.
    var rejectedCount: Int {
        // Under the lock, with the forgotten ones: a forget between the two reads would count a cell twice.
        state.withLock { state in
            state.series.values.reduce(state.overflow?.rejectedCount ?? 0) { $0 + $1.cell.rejectedCount }
                + forgottenRejections.load(ordering: .relaxed)
        }
    }

    /// Whether the lock-free index finds the series of `attributes`; for tests.
    func isIndexed(_ attributes: AttributeSet) -> Bool {
        index.contains(attributes)
    }

    /// The number of series, the overflow series included.
    var seriesCount: Int { state.withLock { $0.series.count + ($0.overflow == nil ? 0 : 1) } }

    /// Records `value` in the series of `attributes`, and offers it to the series' exemplars when `exemplar` says so.
    func record(_ value: NumberValue, attributes: AttributeSet, exemplar: ExemplarCandidate? = nil) {
        if index.withCell(of: attributes, { $0.record(value, exemplar: exemplar) }) != nil { return }
        // A value the aggregation cannot take (a NaN for a histogram) must not make a series that would never report
        // a point yet hold a place under the cardinality limit.
        guard Cell.accepts(value) else {
            forgottenRejections.wrappingAdd(1, ordering: .relaxed)
            return
        }
        // Recorded under the lock, so that a delta collection never forgets a series between the lookup and the
        // measurement.
        guard let exemplar else {
            state.withLock { state in _ = cell(for: attributes, in: &state).record(value) }
            return
        }
        let (series, accepted) = state.withLock { state -> (Cell, Bool) in
            let series = cell(for: attributes, in: &state)
            return (series, series.record(value))
        }
        // Outside the stream's lock: only the reservoir's is taken.
        if accepted { series.offerExemplar(value, candidate: exemplar) }
    }

    /// A binding of a handle to one series of a stream, which ``unbind(_:)`` ends.
    struct Binding: Sendable {
        let cell: Cell
        fileprivate let attributes: AttributeSet
        fileprivate let isOverflow: Bool
    }

    /// The cell of `attributes`, kept while the binding lasts: for a bound handle, which records into it without
    /// finding it again.
    func bind(_ attributes: AttributeSet) -> Binding {
        state.withLock { state in
            let cell = cell(for: attributes, in: &state)
            if state.series[attributes] != nil {
                state.series[attributes]?.bindCount += 1
                return Binding(cell: cell, attributes: attributes, isOverflow: false)
            }
            state.overflowBindCount += 1
            return Binding(cell: cell, attributes: attributes, isOverflow: true)
        }
    }

    /// Ends `binding`: once no handle is bound to its series, a delta collection may forget the series when idle.
    func unbind(_ binding: Binding) {
        state.withLock { state in
            if binding.isOverflow {
                state.overflowBindCount = max(0, state.overflowBindCount - 1)
            } else if let series = state.series[binding.attributes], series.cell === binding.cell {
                state.series[binding.attributes]?.bindCount = max(0, series.bindCount - 1)
            }
        }
    }

    private func cell(for attributes: AttributeSet, in state: inout State) -> Cell {
        if let series = state.series[attributes] { return series.cell }
        guard state.series.count < cardinalityLimit - 1 else {
            if let overflow = state.overflow { return overflow }
            let overflow = makeCell()
            state.overflow = overflow
            return overflow
        }
        let cell = makeCell()
        state.series[attributes] = Series(cell: cell, bindCount: 0)
        if temporality == .cumulative { index.add(cell, for: attributes, storage: &state.indexStorage) }
        return cell
    }

    /// The points of every series with something to report, collected at `time`.
    func collect(at time: UInt64) -> [Point] {
        let reset = temporality == .delta
        let (cells, overflow, intervalStart) = state.withLock { state in
            let start = state.intervalStart
            if reset { state.intervalStart = time }
            return (state.series.map { ($0.key, $0.value.cell) }, state.overflow, start)
        }
        let pointStart = reset ? intervalStart : startTime
        var points: [Point] = []
        points.reserveCapacity(cells.count + 1)
        var idle: [AttributeSet] = []
        for (attributes, cell) in cells {
            if let snapshot = cell.collect(reset: reset) {
                points.append(Point(
                    attributes: attributes, startTime: pointStart, time: time, snapshot: snapshot,
                    exemplars: cell.collectExemplars(seriesAttributes: attributes, start: pointStart, end: time)))
            } else if reset {
                idle.append(attributes)
            }
        }
        var isOverflowIdle = false
        if let overflow {
            if let snapshot = overflow.collect(reset: reset) {
                points.append(Point(
                    attributes: Self.overflowAttributes, startTime: pointStart, time: time, snapshot: snapshot,
                    exemplars: overflow.collectExemplars(
                        seriesAttributes: Self.overflowAttributes, start: pointStart, end: time)))
            } else {
                isOverflowIdle = reset
            }
        }
        if !idle.isEmpty || isOverflowIdle {
            state.withLock { state in
                // Still idle now: recording happens under this lock, so nothing can arrive between this check and
                // the removal.
                for attributes in idle {
                    guard let series = state.series[attributes], series.bindCount == 0, series.cell.isIdle else { continue }
                    forgottenRejections.wrappingAdd(series.cell.rejectedCount, ordering: .relaxed)
                    state.series[attributes] = nil
                }
                if isOverflowIdle, state.overflowBindCount == 0, let overflow = state.overflow, overflow.isIdle {
                    forgottenRejections.wrappingAdd(overflow.rejectedCount, ordering: .relaxed)
                    state.overflow = nil
                }
            }
        }
        return points
    }
}
