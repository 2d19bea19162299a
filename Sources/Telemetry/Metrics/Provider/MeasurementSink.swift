/// One stream a synchronous instrument records into, for one reader: the aggregation behind a uniform face.
protocol MeasurementSink<Value>: Sendable {
    associatedtype Value: MetricValue

    func record(_ value: Value, attributes: AttributeSet)

    /// The series of `attributes`, to record into without finding it again.
    func bind(_ attributes: AttributeSet) -> any AggregatorCell<Value>

    /// The stream's points at `time`, or `nil` when no series has any.
    func collect(at time: UInt64) -> MetricPoints?
}

/// A sink over one ``MetricStream``, turning its points into the data model's.
final class StreamSink<Cell: AggregatorCell>: MeasurementSink where Cell.Measurement: MetricValue {
    typealias Value = Cell.Measurement

    private let stream: MetricStream<Cell>
    private let makePoints: @Sendable ([MetricStream<Cell>.Point], AggregationTemporality) -> MetricPoints

    init(
        stream: MetricStream<Cell>,
        makePoints: @escaping @Sendable ([MetricStream<Cell>.Point], AggregationTemporality) -> MetricPoints
    ) {
        self.stream = stream
        self.makePoints = makePoints
    }

    func record(_ value: Value, attributes: AttributeSet) {
        stream.record(value, attributes: attributes)
    }

    func bind(_ attributes: AttributeSet) -> any AggregatorCell<Value> {
        stream.bind(attributes)
    }

    func collect(at time: UInt64) -> MetricPoints? {
        let points = stream.collect(at: time)
        return points.isEmpty ? nil : makePoints(points, stream.temporality)
    }
}

/// The aggregations of the specification's defaults, by instrument kind.
enum DefaultAggregation {
    /// The sink for a synchronous instrument of `kind`.
    static func sink<Value: MetricValue>(
        _ type: Value.Type,
        kind: InstrumentKind,
        temporality: AggregationTemporality,
        histogramAggregation: HistogramAggregation = .explicitBucket,
        boundaries: [Double]?,
        cardinalityLimit: Int,
        startTime: UInt64
    ) -> any MeasurementSink<Value> {
        switch kind {
        case .counter, .upDownCounter, .observableCounter, .observableUpDownCounter:
            let isMonotonic = kind == .counter || kind == .observableCounter
            let stream = MetricStream(temporality: temporality, cardinalityLimit: cardinalityLimit, startTime: startTime) {
                SumCell<Value>()
            }
            return StreamSink(stream: stream) { points, temporality in
                .sum(SumPoints(points: points.map(numberPoint), temporality: temporality, isMonotonic: isMonotonic))
            }
        case .gauge, .observableGauge:
            let stream = MetricStream(temporality: temporality, cardinalityLimit: cardinalityLimit, startTime: startTime) {
                LastValueCell<Value>()
            }
            return StreamSink(stream: stream) { points, _ in .gauge(points.map(numberPoint)) }
        case .histogram:
            if case .base2Exponential(let maxSize, let maxScale) = histogramAggregation,
                let state = ExponentialHistogramState(maxSize: maxSize, maxScale: maxScale)
            {
                let stream = MetricStream(temporality: temporality, cardinalityLimit: cardinalityLimit, startTime: startTime) {
                    ExponentialHistogramCell<Value>(state: state)
                }
                return StreamSink(stream: stream) { points, temporality in
                    .exponentialHistogram(
                        ExponentialHistogramPoints(points: points.map(exponentialHistogramPoint), temporality: temporality))
                }
            }
            let state = ExplicitBucketHistogramState(boundariesOrDefault: boundaries)
            let stream = MetricStream(temporality: temporality, cardinalityLimit: cardinalityLimit, startTime: startTime) {
                HistogramCell<Value>(state: state)
            }
            return StreamSink(stream: stream) { points, temporality in
                .histogram(HistogramPoints(points: points.map(histogramPoint), temporality: temporality))
            }
        }
    }

    static func numberPoint<Value: MetricValue>(_ point: MetricStream<SumCell<Value>>.Point) -> NumberPoint {
        NumberPoint(attributes: point.attributes, startTime: point.startTime, time: point.time, value: point.snapshot._numberValue)
    }

    static func numberPoint<Value: MetricValue>(_ point: MetricStream<LastValueCell<Value>>.Point) -> NumberPoint {
        NumberPoint(attributes: point.attributes, startTime: point.startTime, time: point.time, value: point.snapshot._numberValue)
    }

    static func histogramPoint<Value: MetricValue>(_ point: MetricStream<HistogramCell<Value>>.Point) -> HistogramPoint {
        let snapshot = point.snapshot
        return HistogramPoint(
            attributes: point.attributes,
            startTime: point.startTime,
            time: point.time,
            count: snapshot.count,
            sum: snapshot.sum,
            min: snapshot.min,
            max: snapshot.max,
            boundaries: snapshot.boundaries,
            bucketCounts: snapshot.bucketCounts
        )
    }

    static func exponentialHistogramPoint<Value: MetricValue>(
        _ point: MetricStream<ExponentialHistogramCell<Value>>.Point
    ) -> ExponentialHistogramPoint {
        let snapshot = point.snapshot
        return ExponentialHistogramPoint(
            attributes: point.attributes,
            startTime: point.startTime,
            time: point.time,
            count: snapshot.count,
            sum: snapshot.sum,
            min: snapshot.min,
            max: snapshot.max,
            scale: Int32(clamping: snapshot.scale),
            zeroCount: snapshot.zeroCount,
            zeroThreshold: snapshot.zeroThreshold,
            positive: .init(offset: Int32(clamping: snapshot.positiveOffset), counts: snapshot.positiveCounts),
            negative: .init(offset: Int32(clamping: snapshot.negativeOffset), counts: snapshot.negativeCounts)
        )
    }
}
