/// The stored payload of one metric data point: everything but its series (attributes), times and flags, which
/// have columns. Which reader applies follows from the series' kind.
enum PointPayload {
    static func write(_ point: ReceivedMetric.NumberPoint, to writer: inout ByteWriter) {
        writer.writeNumber(point.value)
        writer.writeExemplars(point.exemplars)
    }

    static func write(_ point: ReceivedMetric.HistogramPoint, to writer: inout ByteWriter) {
        writer.writeVarint(point.count)
        writer.writeOptionalDouble(point.sum)
        writer.writeCounts(point.bucketCounts)
        writer.writeDoubles(point.explicitBounds)
        writer.writeOptionalDouble(point.min)
        writer.writeOptionalDouble(point.max)
        writer.writeExemplars(point.exemplars)
    }

    static func write(_ point: ReceivedMetric.ExponentialHistogramPoint, to writer: inout ByteWriter) {
        writer.writeVarint(point.count)
        writer.writeOptionalDouble(point.sum)
        writer.writeSigned(Int64(point.scale))
        writer.writeVarint(point.zeroCount)
        writer.writeSigned(Int64(point.positive.offset))
        writer.writeCounts(point.positive.bucketCounts)
        writer.writeSigned(Int64(point.negative.offset))
        writer.writeCounts(point.negative.bucketCounts)
        writer.writeOptionalDouble(point.min)
        writer.writeOptionalDouble(point.max)
        writer.writeDouble(point.zeroThreshold)
        writer.writeExemplars(point.exemplars)
    }

    static func write(_ point: ReceivedMetric.SummaryPoint, to writer: inout ByteWriter) {
        writer.writeVarint(point.count)
        writer.writeDouble(point.sum)
        writer.writeVarint(UInt64(point.quantiles.count))
        for quantile in point.quantiles {
            writer.writeDouble(quantile.quantile)
            writer.writeDouble(quantile.value)
        }
    }

    static func readNumber(
        _ reader: inout ByteReader,
        attributes: [KeyValue],
        start: UInt64,
        time: UInt64,
        flags: UInt32
    ) throws(StoredDataError) -> ReceivedMetric.NumberPoint {
        let value = try reader.readNumber()
        return ReceivedMetric.NumberPoint(
            attributes: attributes,
            startTimeUnixNano: start,
            timeUnixNano: time,
            value: value,
            exemplars: try reader.readExemplars(),
            flags: flags
        )
    }

    static func readHistogram(
        _ reader: inout ByteReader,
        attributes: [KeyValue],
        start: UInt64,
        time: UInt64,
        flags: UInt32
    ) throws(StoredDataError) -> ReceivedMetric.HistogramPoint {
        let count = try reader.readVarint()
        let sum = try reader.readOptionalDouble()
        let counts = try reader.readCounts()
        let bounds = try reader.readDoubles()
        let min = try reader.readOptionalDouble()
        let max = try reader.readOptionalDouble()
        return ReceivedMetric.HistogramPoint(
            attributes: attributes,
            startTimeUnixNano: start,
            timeUnixNano: time,
            count: count,
            sum: sum,
            bucketCounts: counts,
            explicitBounds: bounds,
            exemplars: try reader.readExemplars(),
            flags: flags,
            min: min,
            max: max
        )
    }

    static func readExponentialHistogram(
        _ reader: inout ByteReader,
        attributes: [KeyValue],
        start: UInt64,
        time: UInt64,
        flags: UInt32
    ) throws(StoredDataError) -> ReceivedMetric.ExponentialHistogramPoint {
        let count = try reader.readVarint()
        let sum = try reader.readOptionalDouble()
        let scale = try reader.readInt32()
        let zeroCount = try reader.readVarint()
        let positiveOffset = try reader.readInt32()
        let positiveCounts = try reader.readCounts()
        let negativeOffset = try reader.readInt32()
        let negativeCounts = try reader.readCounts()
        let min = try reader.readOptionalDouble()
        let max = try reader.readOptionalDouble()
        let zeroThreshold = try reader.readDouble()
        return ReceivedMetric.ExponentialHistogramPoint(
            attributes: attributes,
            startTimeUnixNano: start,
            timeUnixNano: time,
            count: count,
            sum: sum,
            scale: scale,
            zeroCount: zeroCount,
            positive: .init(offset: positiveOffset, bucketCounts: positiveCounts),
            negative: .init(offset: negativeOffset, bucketCounts: negativeCounts),
            flags: flags,
            exemplars: try reader.readExemplars(),
            min: min,
            max: max,
            zeroThreshold: zeroThreshold
        )
    }

    static func readSummary(
        _ reader: inout ByteReader,
        attributes: [KeyValue],
        start: UInt64,
        time: UInt64,
        flags: UInt32
    ) throws(StoredDataError) -> ReceivedMetric.SummaryPoint {
        let count = try reader.readVarint()
        let sum = try reader.readDouble()
        let quantileCount = try reader.readCount()
        var quantiles: [ReceivedMetric.SummaryPoint.Quantile] = []
        quantiles.reserveCapacity(quantileCount)
        for _ in 0..<quantileCount {
            let quantile = try reader.readDouble()
            quantiles.append(.init(quantile: quantile, value: try reader.readDouble()))
        }
        return ReceivedMetric.SummaryPoint(
            attributes: attributes,
            startTimeUnixNano: start,
            timeUnixNano: time,
            count: count,
            sum: sum,
            quantiles: quantiles,
            flags: flags
        )
    }
}
