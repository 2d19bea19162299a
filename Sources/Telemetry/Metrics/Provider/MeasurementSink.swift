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
    /// The sink of one stream of a synchronous instrument of `kind`, for one reader.
    ///
    /// - Parameters:
    ///   - aggregation: The view's aggregation; `.default` takes the kind's, and for histograms the reader's
    ///     `histogramAggregation`.
    ///   - boundaries: The instrument's advised bucket boundaries.
    static func sink<Value: MetricValue>(
        _ type: Value.Type,
        kind: InstrumentKind,
        aggregation: View.Aggregation = .default,
        temporality: AggregationTemporality,
        histogramAggregation: HistogramAggregation = .explicitBucket,
        boundaries: [Double]?,
        cardinalityLimit: Int,
        startTime: UInt64
    ) -> any MeasurementSink<Value> {
        func stream<Cell: AggregatorCell>(_ make: @escaping @Sendable () -> Cell) -> MetricStream<Cell> {
            MetricStream(temporality: temporality, cardinalityLimit: cardinalityLimit, startTime: startTime, makeCell: make)
        }
        switch resolved(aggregation, kind: kind, histogramAggregation: histogramAggregation) {
        case .sum(let isMonotonic):
            return StreamSink(stream: stream { SumCell<Value>() }) { points, temporality in
                .sum(SumPoints(points: points.map(numberPoint), temporality: temporality, isMonotonic: isMonotonic))
            }
        case .lastValue:
            return StreamSink(stream: stream { LastValueCell<Value>() }) { points, _ in .gauge(points.map(numberPoint)) }
        case .exponential(let state):
            return StreamSink(stream: stream { ExponentialHistogramCell<Value>(state: state) }) { points, temporality in
                .exponentialHistogram(
                    ExponentialHistogramPoints(points: points.map(exponentialHistogramPoint), temporality: temporality))
            }
        case .explicit(let viewBoundaries, let recordsMinMax):
            let state = ExplicitBucketHistogramState(boundariesOrDefault: viewBoundaries ?? boundaries, recordsMinMax: recordsMinMax)
            return StreamSink(stream: stream { HistogramCell<Value>(state: state) }) { points, temporality in
                .histogram(HistogramPoints(points: points.map(histogramPoint), temporality: temporality))
            }
        }
    }

    /// An aggregation with its defaults settled.
    private enum Resolved {
        case sum(isMonotonic: Bool)
        case lastValue
        case explicit(boundaries: [Double]?, recordsMinMax: Bool)
        case exponential(ExponentialHistogramState)
    }

    private static func resolved(
        _ aggregation: View.Aggregation,
        kind: InstrumentKind,
        histogramAggregation: HistogramAggregation
    ) -> Resolved {
        let isMonotonic = kind == .counter || kind == .observableCounter || kind == .histogram
        switch aggregation {
        case .sum: return .sum(isMonotonic: isMonotonic)
        case .lastValue: return .lastValue
        case .explicitBucketHistogram(let boundaries, let recordsMinMax):
            return .explicit(boundaries: boundaries, recordsMinMax: recordsMinMax)
        case .base2ExponentialBucketHistogram(let maxSize, let maxScale, let recordsMinMax):
            // A view's size or scale outside what the specification allows falls back to explicit buckets rather
            // than failing the instrument.
            guard let state = ExponentialHistogramState(maxSize: maxSize, maxScale: maxScale, recordsMinMax: recordsMinMax)
            else { return .explicit(boundaries: nil, recordsMinMax: recordsMinMax) }
            return .exponential(state)
        case .default, .drop:
            switch kind {
            case .counter, .observableCounter: return .sum(isMonotonic: true)
            case .upDownCounter, .observableUpDownCounter: return .sum(isMonotonic: false)
            case .gauge, .observableGauge: return .lastValue
            case .histogram:
                if case .base2Exponential(let maxSize, let maxScale) = histogramAggregation,
                    let state = ExponentialHistogramState(maxSize: maxSize, maxScale: maxScale)
                {
                    return .exponential(state)
                }
                return .explicit(boundaries: nil, recordsMinMax: true)
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
