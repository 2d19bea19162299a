/// One stream a synchronous instrument records into, for one reader: the aggregation behind a uniform face.
///
/// An enum rather than a protocol: recording switches over four concrete streams, so the compiler specializes the
/// whole path (lookup, cell, atomic) inside this module instead of dispatching to generic code.
enum MeasurementSink: Sendable {
    case sum(MetricStream<SumCell>, isMonotonic: Bool)
    case lastValue(MetricStream<LastValueCell>)
    case explicitHistogram(MetricStream<HistogramCell>)
    case exponentialHistogram(MetricStream<ExponentialHistogramCell>)

    func record(_ value: NumberValue, attributes: AttributeSet, exemplar: ExemplarCandidate?) {
        switch self {
        case .sum(let stream, _): stream.record(value, attributes: attributes, exemplar: exemplar)
        case .lastValue(let stream): stream.record(value, attributes: attributes, exemplar: exemplar)
        case .explicitHistogram(let stream): stream.record(value, attributes: attributes, exemplar: exemplar)
        case .exponentialHistogram(let stream): stream.record(value, attributes: attributes, exemplar: exemplar)
        }
    }

    /// The series of `attributes`, to record into without finding it again, and what ends the binding.
    func bind(_ attributes: AttributeSet) -> (cell: any AggregatorCell, unbind: @Sendable () -> Void) {
        func bound<Cell: AggregatorCell>(_ stream: MetricStream<Cell>) -> (any AggregatorCell, @Sendable () -> Void) {
            let binding = stream.bind(attributes)
            return (binding.cell, { stream.unbind(binding) })
        }
        switch self {
        case .sum(let stream, _): return bound(stream)
        case .lastValue(let stream): return bound(stream)
        case .explicitHistogram(let stream): return bound(stream)
        case .exponentialHistogram(let stream): return bound(stream)
        }
    }

    /// The stream's points at `time`, or `nil` when no series has any.
    func collect(at time: UInt64) -> MetricPoints? {
        switch self {
        case .sum(let stream, let isMonotonic):
            let points = stream.collect(at: time)
            guard !points.isEmpty else { return nil }
            return .sum(SumPoints(points: points.map(DefaultAggregation.numberPoint), temporality: stream.temporality, isMonotonic: isMonotonic))
        case .lastValue(let stream):
            let points = stream.collect(at: time)
            return points.isEmpty ? nil : .gauge(points.map(DefaultAggregation.numberPoint))
        case .explicitHistogram(let stream):
            let points = stream.collect(at: time)
            guard !points.isEmpty else { return nil }
            return .histogram(HistogramPoints(points: points.map(DefaultAggregation.histogramPoint), temporality: stream.temporality))
        case .exponentialHistogram(let stream):
            let points = stream.collect(at: time)
            guard !points.isEmpty else { return nil }
            return .exponentialHistogram(ExponentialHistogramPoints(
                points: points.map(DefaultAggregation.exponentialHistogramPoint), temporality: stream.temporality))
        }
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
    static func sink(
        kind: InstrumentKind,
        isDouble: Bool,
        aggregation: View.Aggregation = .default,
        temporality: AggregationTemporality,
        histogramAggregation: HistogramAggregation = .explicitBucket,
        boundaries: [Double]?,
        cardinalityLimit: Int,
        startTime: UInt64
    ) -> MeasurementSink {
        func stream<Cell: AggregatorCell>(_ make: @escaping @Sendable () -> Cell) -> MetricStream<Cell> {
            MetricStream(temporality: temporality, cardinalityLimit: cardinalityLimit, startTime: startTime, makeCell: make)
        }
        switch resolved(aggregation, kind: kind, histogramAggregation: histogramAggregation) {
        case .sum(let isMonotonic):
            return .sum(stream { SumCell(isDouble: isDouble) }, isMonotonic: isMonotonic)
        case .lastValue:
            return .lastValue(stream { LastValueCell(isDouble: isDouble) })
        case .exponential(let state):
            return .exponentialHistogram(stream { ExponentialHistogramCell(state: state) })
        case .explicit(let viewBoundaries, let recordsMinMax):
            let state = ExplicitBucketHistogramState(boundariesOrDefault: viewBoundaries ?? boundaries, recordsMinMax: recordsMinMax)
            return .explicitHistogram(stream { HistogramCell(state: state) })
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

    static func numberPoint<Cell: AggregatorCell>(_ point: MetricStream<Cell>.Point) -> NumberPoint where Cell.Snapshot == NumberValue {
        NumberPoint(
            attributes: point.attributes, startTime: point.startTime, time: point.time, value: point.snapshot,
            exemplars: point.exemplars)
    }

    static func histogramPoint(_ point: MetricStream<HistogramCell>.Point) -> HistogramPoint {
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
            bucketCounts: snapshot.bucketCounts,
            exemplars: point.exemplars
        )
    }

    static func exponentialHistogramPoint(_ point: MetricStream<ExponentialHistogramCell>.Point) -> ExponentialHistogramPoint {
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
            negative: .init(offset: Int32(clamping: snapshot.negativeOffset), counts: snapshot.negativeCounts),
            exemplars: point.exemplars
        )
    }
}

/// A ``MeasurementSink`` to record into without retaining its stream, for the storage that keeps the sink itself.
///
/// Copying the sink out of the storage retains its stream, and every thread recording into one instrument then writes
/// the stream's reference count: on a few cores that write, not the measurement, is what recording costs. The storage
/// owns the sink for as long as it exists, so the stream outlives every call made through this.
struct UnretainedMeasurementSink: @unchecked Sendable {
    private enum Kind {
        case sum
        case lastValue
        case explicitHistogram
        case exponentialHistogram
    }

    private let kind: Kind
    private let stream: UnsafeMutableRawPointer

    /// `sink`'s stream, which the caller keeps alive for as long as it uses this.
    init(_ sink: MeasurementSink) {
        switch sink {
        case .sum(let stream, _): (kind, self.stream) = (.sum, Unmanaged.passUnretained(stream).toOpaque())
        case .lastValue(let stream): (kind, self.stream) = (.lastValue, Unmanaged.passUnretained(stream).toOpaque())
        case .explicitHistogram(let stream):
            (kind, self.stream) = (.explicitHistogram, Unmanaged.passUnretained(stream).toOpaque())
        case .exponentialHistogram(let stream):
            (kind, self.stream) = (.exponentialHistogram, Unmanaged.passUnretained(stream).toOpaque())
        }
    }

    @inline(__always)
    func record(_ value: NumberValue, attributes: AttributeSet, exemplar: ExemplarCandidate?) {
        switch kind {
        case .sum:
            Unmanaged<MetricStream<SumCell>>.fromOpaque(stream)._withUnsafeGuaranteedRef {
                $0.record(value, attributes: attributes, exemplar: exemplar)
            }
        case .lastValue:
            Unmanaged<MetricStream<LastValueCell>>.fromOpaque(stream)._withUnsafeGuaranteedRef {
                $0.record(value, attributes: attributes, exemplar: exemplar)
            }
        case .explicitHistogram:
            Unmanaged<MetricStream<HistogramCell>>.fromOpaque(stream)._withUnsafeGuaranteedRef {
                $0.record(value, attributes: attributes, exemplar: exemplar)
            }
        case .exponentialHistogram:
            Unmanaged<MetricStream<ExponentialHistogramCell>>.fromOpaque(stream)._withUnsafeGuaranteedRef {
                $0.record(value, attributes: attributes, exemplar: exemplar)
            }
        }
    }
}
