import Telemetry

extension MetricData: ResourceScoped {}

/// Encodes an `ExportMetricsServiceRequest` straight from metric data, grouping metrics by resource and then by
/// instrumentation scope, as OTLP requires.
///
/// Every message's fields are written in field-number order, as the official implementations serialize them, so
/// that a request can be compared byte for byte with the official definitions' own encoding of it.
enum MetricsRequestEncoder: RequestEncoder {
    static var resourceScopeFields: ResourceScopeFields {
        ResourceScopeFields(
            resourceGroups: OTLPFields.ExportMetricsServiceRequest.resourceMetrics,
            resource: OTLPFields.ResourceMetrics.resource,
            scopeGroups: OTLPFields.ResourceMetrics.scopeMetrics,
            resourceSchemaURL: OTLPFields.ResourceMetrics.schemaURL,
            scope: OTLPFields.ScopeMetrics.scope,
            items: OTLPFields.ScopeMetrics.metrics,
            scopeSchemaURL: OTLPFields.ScopeMetrics.schemaURL
        )
    }

    // A metric is a stream of several points, each with attributes, so it nests more than a span or a record.
    static var expectedMessagesPerItem: Int { 32 }
    static var expectedJSONBytesPerItem: Int { 1024 }

    static func encodeItem<Writer: OTLPWriter>(_ metric: borrowing MetricData, into writer: inout Writer) {
        typealias Field = OTLPFields.Metric
        writer.serializeString(Field.name, metric.name)
        writer.serializeString(Field.description, metric.description)
        writer.serializeString(Field.unit, metric.unit)
        // The `data` oneof: its member is always written, even with no points, so the kind is never lost.
        switch metric.points {
        case .gauge(let points):
            writer.writeMessage(Field.gauge) { writer in
                writer.serializeRepeated(OTLPFields.MetricPoints.dataPoints, points) { writeNumberPoint($1, into: &$0) }
            }
        case .sum(let sum):
            writer.writeMessage(Field.sum) { writer in
                writer.serializeRepeated(OTLPFields.MetricPoints.dataPoints, sum.points) { writeNumberPoint($1, into: &$0) }
                writer.writeEnum(OTLPFields.MetricPoints.aggregationTemporality, temporalityNumber(sum.temporality))
                if sum.isMonotonic { writer.writeBool(OTLPFields.MetricPoints.isMonotonic, true) }
            }
        case .histogram(let histogram):
            writer.writeMessage(Field.histogram) { writer in
                writer.serializeRepeated(OTLPFields.MetricPoints.dataPoints, histogram.points) {
                    writeHistogramPoint($1, into: &$0)
                }
                writer.writeEnum(OTLPFields.MetricPoints.aggregationTemporality, temporalityNumber(histogram.temporality))
            }
        case .exponentialHistogram(let histogram):
            writer.writeMessage(Field.exponentialHistogram) { writer in
                writer.serializeRepeated(OTLPFields.MetricPoints.dataPoints, histogram.points) {
                    writeExponentialHistogramPoint($1, into: &$0)
                }
                writer.writeEnum(OTLPFields.MetricPoints.aggregationTemporality, temporalityNumber(histogram.temporality))
            }
        }
    }

    // No point writes `flags`: its one defined bit, "no recorded value", marks a stale series, which the data model
    // does not carry; 0 is left out like any default.

    static func writeNumberPoint<Writer: OTLPWriter>(_ point: NumberPoint, into writer: inout Writer) {
        typealias Field = OTLPFields.NumberDataPoint
        writer.serializeFixed64(Field.startTimeUnixNano, point.startTime)
        writer.serializeFixed64(Field.timeUnixNano, point.time)
        // The `value` oneof is written even when it holds 0; its two members sit on either side of `exemplars`.
        if case .double(let value) = point.value { writer.writeDouble(Field.asDouble, value) }
        writer.serializeRepeated(Field.exemplars, point.exemplars) { writeExemplar($1, into: &$0) }
        if case .int(let value) = point.value { writer.writeSFixed64(Field.asInt, value) }
        writer.serializeAttributes(Field.attributes, point.attributes)
    }

    static func writeHistogramPoint<Writer: OTLPWriter>(_ point: HistogramPoint, into writer: inout Writer) {
        typealias Field = OTLPFields.HistogramDataPoint
        writer.serializeFixed64(Field.startTimeUnixNano, point.startTime)
        writer.serializeFixed64(Field.timeUnixNano, point.time)
        writer.serializeFixed64(Field.count, point.count)
        // `optional` fields: present, even as 0, whenever known, so that "sum 0" and "no sum" stay distinct.
        if let sum = point.sum { writer.writeDouble(Field.sum, sum) }
        writer.serializePackedFixed64(Field.bucketCounts, point.bucketCounts)
        writer.serializePackedDouble(Field.explicitBounds, point.boundaries)
        writer.serializeRepeated(Field.exemplars, point.exemplars) { writeExemplar($1, into: &$0) }
        writer.serializeAttributes(Field.attributes, point.attributes)
        if let min = point.min { writer.writeDouble(Field.min, min) }
        if let max = point.max { writer.writeDouble(Field.max, max) }
    }

    static func writeExponentialHistogramPoint<Writer: OTLPWriter>(
        _ point: ExponentialHistogramPoint,
        into writer: inout Writer
    ) {
        typealias Field = OTLPFields.ExponentialHistogramDataPoint
        writer.serializeAttributes(Field.attributes, point.attributes)
        writer.serializeFixed64(Field.startTimeUnixNano, point.startTime)
        writer.serializeFixed64(Field.timeUnixNano, point.time)
        writer.serializeFixed64(Field.count, point.count)
        if let sum = point.sum { writer.writeDouble(Field.sum, sum) }
        writer.serializeSInt32(Field.scale, point.scale)
        writer.serializeFixed64(Field.zeroCount, point.zeroCount)
        // Both ranges are always written, even empty, as the other SDKs write them: a receiver need not tell an
        // absent range from an empty one.
        writer.writeMessage(Field.positive) { writeBuckets(point.positive, into: &$0) }
        writer.writeMessage(Field.negative) { writeBuckets(point.negative, into: &$0) }
        writer.serializeRepeated(Field.exemplars, point.exemplars) { writeExemplar($1, into: &$0) }
        if let min = point.min { writer.writeDouble(Field.min, min) }
        if let max = point.max { writer.writeDouble(Field.max, max) }
        writer.serializeDouble(Field.zeroThreshold, point.zeroThreshold)
    }

    static func writeBuckets<Writer: OTLPWriter>(_ buckets: ExponentialHistogramPoint.Buckets, into writer: inout Writer) {
        writer.serializeSInt32(OTLPFields.ExponentialBuckets.offset, buckets.offset)
        writer.serializePackedUInt64(OTLPFields.ExponentialBuckets.bucketCounts, buckets.counts)
    }

    static func writeExemplar<Writer: OTLPWriter>(_ exemplar: Exemplar, into writer: inout Writer) {
        typealias Field = OTLPFields.Exemplar
        writer.serializeFixed64(Field.timeUnixNano, exemplar.time)
        if case .double(let value) = exemplar.value { writer.writeDouble(Field.asDouble, value) }
        writer.serializeSpanID(Field.spanID, exemplar.spanID)
        // An all-zero id means "no trace" on the wire as well, so it is left out like a missing one.
        if let traceID = exemplar.traceID, traceID.isValid { writer.writeTraceID(Field.traceID, traceID) }
        if case .int(let value) = exemplar.value { writer.writeSFixed64(Field.asInt, value) }
        writer.serializeAttributes(Field.filteredAttributes, exemplar.filteredAttributes)
    }

    static func temporalityNumber(_ temporality: AggregationTemporality) -> Int {
        switch temporality {
        case .delta: return OTLPFields.AggregationTemporality.delta
        case .cumulative: return OTLPFields.AggregationTemporality.cumulative
        }
    }
}
