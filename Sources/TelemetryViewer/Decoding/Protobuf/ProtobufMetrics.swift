extension ProtobufOTLPDecoder {
    /// `ExportMetricsServiceRequest`: metrics stamped with their resource and scope. Data points that cannot be
    /// used (an exemplar's id of the wrong size, a histogram whose counts do not match its bounds) are counted as
    /// rejected; a metric left with no data is not kept.
    static func metrics(_ body: UnsafeRawBufferPointer, maxItems: Int) throws(OTLPDecodingError) -> ReceivedBatch {
        var metrics: [ReceivedMetric] = []
        var rejections = Rejections()
        try request(body, maxItems: maxItems, message: "ExportMetricsServiceRequest") {
            (envelope) throws(OTLPDecodingError) in
            try resourceEnvelope(&envelope, message: "ResourceMetrics", itemsField: 2) { (scopeMetrics, resource) throws(OTLPDecodingError) in
                try scopeEnvelope(&scopeMetrics, message: "ScopeMetrics", itemsField: 2) { (metricReader, scope) throws(OTLPDecodingError) in
                    if let metric = try metric(&metricReader, resource: resource, scope: scope, rejections: &rejections) {
                        metrics.append(metric)
                    }
                }
            }
        }
        return ReceivedBatch(metrics: metrics, rejected: rejections.count, rejectionReason: rejections.reason)
    }

    private static func metric(
        _ reader: inout ProtobufReader,
        resource: ReceivedResource,
        scope: ReceivedScope,
        rejections: inout Rejections
    ) throws(OTLPDecodingError) -> ReceivedMetric? {
        try reader.spend(DecodingBudget.metricWeight - 1)
        var metric = ReceivedMetric(resource: resource, scope: scope, name: "", data: .gauge([]))
        var data: ReceivedMetric.Data?
        var points = MetricPointDecoder()
        while let field = try reader.nextField(of: "Metric") {
            switch field.number {
            case 1: metric.name = try reader.string(field)
            case 2: metric.description = try reader.string(field)
            case 3: metric.unit = try reader.string(field)
            case 5, 7, 9, 10, 11:
                var message = try reader.message(field)
                try points.data(&message, field: field.number, into: &data)
            case 12: metric.metadata.append(try keyValue(&reader, field))
            default: try reader.skip(field)
            }
        }
        if points.rejected > 0 {
            rejections.reject(
                "metric \(ItemValidation.quoted(metric.name)): \(points.firstProblem)",
                count: Int64(points.rejected)
            )
        }
        guard let data else { return nil }
        metric.data = data
        return metric
    }
}

/// Decodes the data of one metric, whichever of the five kinds it is, and counts the points it must reject.
private struct MetricPointDecoder {
    private(set) var rejected = 0
    private(set) var firstProblem = ""

    private mutating func reject(_ problem: String) {
        if rejected == 0 { firstProblem = problem }
        rejected += 1
    }

    /// Decodes the kind in `field` of `Metric` into `data` (a oneof: the last kind wins, the same kind twice is
    /// merged). What is merged is moved out of `data` first, so that a kind repeated many times appends in place
    /// instead of copying its points each time.
    mutating func data(
        _ reader: inout ProtobufReader,
        field: UInt32,
        into data: inout ReceivedMetric.Data?
    ) throws(OTLPDecodingError) {
        // Another kind replaces the data, so the points rejected from the one it replaces no longer count.
        if let existing = data, Self.field(of: existing) != field {
            rejected = 0
            firstProblem = ""
        }
        let existing = data
        data = nil
        data = try decode(&reader, field: field, mergingInto: consume existing)
    }

    /// The `Metric` field that holds data of this kind.
    private static func field(of data: ReceivedMetric.Data) -> UInt32 {
        switch data {
        case .gauge: 5
        case .sum: 7
        case .histogram: 9
        case .exponentialHistogram: 10
        case .summary: 11
        }
    }

    private mutating func decode(
        _ reader: inout ProtobufReader,
        field: UInt32,
        mergingInto existing: consuming ReceivedMetric.Data?
    ) throws(OTLPDecodingError) -> ReceivedMetric.Data {
        switch field {
        case 5:
            var points: [ReceivedMetric.NumberPoint] = []
            if case .gauge(let existingPoints)? = consume existing { points = existingPoints }
            var ignoredTemporality = ReceivedMetric.Temporality.unspecified
            var ignoredMonotonic = false
            try numberPoints(
                &reader, message: "Gauge", into: &points, temporality: &ignoredTemporality, monotonic: &ignoredMonotonic,
                isSum: false
            )
            return .gauge(points)
        case 7:
            var points: [ReceivedMetric.NumberPoint] = []
            var temporality = ReceivedMetric.Temporality.unspecified
            var monotonic = false
            if case .sum(let existingPoints, let existingTemporality, let existingMonotonic)? = consume existing {
                (points, temporality, monotonic) = (existingPoints, existingTemporality, existingMonotonic)
            }
            try numberPoints(
                &reader, message: "Sum", into: &points, temporality: &temporality, monotonic: &monotonic, isSum: true
            )
            return .sum(points, temporality: temporality, isMonotonic: monotonic)
        case 9:
            var points: [ReceivedMetric.HistogramPoint] = []
            var temporality = ReceivedMetric.Temporality.unspecified
            if case .histogram(let existingPoints, let existingTemporality)? = consume existing {
                (points, temporality) = (existingPoints, existingTemporality)
            }
            while let field = try reader.nextField(of: "Histogram") {
                switch field.number {
                case 1:
                    var point = try reader.message(field)
                    if let decoded = try histogramPoint(&point) { points.append(decoded) }
                case 2: temporality = Self.temporality(try reader.int32(field))
                default: try reader.skip(field)
                }
            }
            return .histogram(points, temporality: temporality)
        case 10:
            var points: [ReceivedMetric.ExponentialHistogramPoint] = []
            var temporality = ReceivedMetric.Temporality.unspecified
            if case .exponentialHistogram(let existingPoints, let existingTemporality)? = consume existing {
                (points, temporality) = (existingPoints, existingTemporality)
            }
            while let field = try reader.nextField(of: "ExponentialHistogram") {
                switch field.number {
                case 1:
                    var point = try reader.message(field)
                    if let decoded = try exponentialHistogramPoint(&point) { points.append(decoded) }
                case 2: temporality = Self.temporality(try reader.int32(field))
                default: try reader.skip(field)
                }
            }
            return .exponentialHistogram(points, temporality: temporality)
        default:
            var points: [ReceivedMetric.SummaryPoint] = []
            if case .summary(let existingPoints)? = consume existing { points = existingPoints }
            while let field = try reader.nextField(of: "Summary") {
                if field.number == 1 {
                    var point = try reader.message(field)
                    points.append(try summaryPoint(&point))
                } else {
                    try reader.skip(field)
                }
            }
            return .summary(points)
        }
    }

    private static func temporality(_ raw: Int32) -> ReceivedMetric.Temporality {
        ReceivedMetric.Temporality(rawValue: Int(raw)) ?? .unspecified
    }

    private mutating func numberPoints(
        _ reader: inout ProtobufReader,
        message: StaticString,
        into points: inout [ReceivedMetric.NumberPoint],
        temporality: inout ReceivedMetric.Temporality,
        monotonic: inout Bool,
        isSum: Bool
    ) throws(OTLPDecodingError) {
        while let field = try reader.nextField(of: message) {
            switch field.number {
            case 1:
                var point = try reader.message(field)
                if let decoded = try numberPoint(&point) { points.append(decoded) }
            case 2 where isSum: temporality = Self.temporality(try reader.int32(field))
            case 3 where isSum: monotonic = try reader.bool(field)
            default: try reader.skip(field)
            }
        }
    }

    private mutating func numberPoint(_ reader: inout ProtobufReader) throws(OTLPDecodingError) -> ReceivedMetric.NumberPoint? {
        try reader.spend(DecodingBudget.numberPointWeight - 1)
        var point = ReceivedMetric.NumberPoint(timeUnixNano: 0, value: .int(0))
        var exemplarProblem: String?
        while let field = try reader.nextField(of: "NumberDataPoint") {
            switch field.number {
            case 2: point.startTimeUnixNano = try reader.fixed64(field)
            case 3: point.timeUnixNano = try reader.fixed64(field)
            case 4: point.value = .double(try reader.double(field))
            case 5: try exemplar(&reader, field, into: &point.exemplars, problem: &exemplarProblem)
            case 6: point.value = .int(Int64(bitPattern: try reader.fixed64(field)))
            case 7: point.attributes.append(try ProtobufOTLPDecoder.keyValue(&reader, field))
            case 8: point.flags = try reader.uint32(field)
            default: try reader.skip(field)
            }
        }
        if let exemplarProblem {
            reject(exemplarProblem)
            return nil
        }
        return point
    }

    private mutating func histogramPoint(_ reader: inout ProtobufReader) throws(OTLPDecodingError) -> ReceivedMetric.HistogramPoint? {
        try reader.spend(DecodingBudget.histogramPointWeight - 1)
        var point = ReceivedMetric.HistogramPoint(timeUnixNano: 0, count: 0)
        var exemplarProblem: String?
        while let field = try reader.nextField(of: "HistogramDataPoint") {
            switch field.number {
            case 2: point.startTimeUnixNano = try reader.fixed64(field)
            case 3: point.timeUnixNano = try reader.fixed64(field)
            case 4: point.count = try reader.fixed64(field)
            case 5: point.sum = try reader.double(field)
            case 6: try reader.appendFixed64s(field, to: &point.bucketCounts)
            case 7: try reader.appendDoubles(field, to: &point.explicitBounds)
            case 8: try exemplar(&reader, field, into: &point.exemplars, problem: &exemplarProblem)
            case 9: point.attributes.append(try ProtobufOTLPDecoder.keyValue(&reader, field))
            case 10: point.flags = try reader.uint32(field)
            case 11: point.min = try reader.double(field)
            case 12: point.max = try reader.double(field)
            default: try reader.skip(field)
            }
        }
        if let problem = exemplarProblem ?? MetricPointValidation.histogramProblem(point) {
            reject(problem)
            return nil
        }
        return point
    }

    private mutating func exponentialHistogramPoint(
        _ reader: inout ProtobufReader
    ) throws(OTLPDecodingError) -> ReceivedMetric.ExponentialHistogramPoint? {
        try reader.spend(DecodingBudget.exponentialHistogramPointWeight - 1)
        var point = ReceivedMetric.ExponentialHistogramPoint(timeUnixNano: 0, count: 0)
        var exemplarProblem: String?
        while let field = try reader.nextField(of: "ExponentialHistogramDataPoint") {
            switch field.number {
            case 1: point.attributes.append(try ProtobufOTLPDecoder.keyValue(&reader, field))
            case 2: point.startTimeUnixNano = try reader.fixed64(field)
            case 3: point.timeUnixNano = try reader.fixed64(field)
            case 4: point.count = try reader.fixed64(field)
            case 5: point.sum = try reader.double(field)
            case 6: point.scale = try reader.sint32(field)
            case 7: point.zeroCount = try reader.fixed64(field)
            case 8:
                var buckets = try reader.message(field)
                try Self.buckets(&buckets, into: &point.positive)
            case 9:
                var buckets = try reader.message(field)
                try Self.buckets(&buckets, into: &point.negative)
            case 10: point.flags = try reader.uint32(field)
            case 11: try exemplar(&reader, field, into: &point.exemplars, problem: &exemplarProblem)
            case 12: point.min = try reader.double(field)
            case 13: point.max = try reader.double(field)
            case 14: point.zeroThreshold = try reader.double(field)
            default: try reader.skip(field)
            }
        }
        if let exemplarProblem {
            reject(exemplarProblem)
            return nil
        }
        return point
    }

    private static func buckets(
        _ reader: inout ProtobufReader,
        into buckets: inout ReceivedMetric.ExponentialHistogramPoint.Buckets
    ) throws(OTLPDecodingError) {
        while let field = try reader.nextField(of: "ExponentialHistogramDataPoint.Buckets") {
            switch field.number {
            case 1: buckets.offset = try reader.sint32(field)
            case 2: try reader.appendVarints(field, to: &buckets.bucketCounts)
            default: try reader.skip(field)
            }
        }
    }

    private func summaryPoint(_ reader: inout ProtobufReader) throws(OTLPDecodingError) -> ReceivedMetric.SummaryPoint {
        try reader.spend(DecodingBudget.summaryPointWeight - 1)
        var point = ReceivedMetric.SummaryPoint(timeUnixNano: 0, count: 0, sum: 0)
        while let field = try reader.nextField(of: "SummaryDataPoint") {
            switch field.number {
            case 2: point.startTimeUnixNano = try reader.fixed64(field)
            case 3: point.timeUnixNano = try reader.fixed64(field)
            case 4: point.count = try reader.fixed64(field)
            case 5: point.sum = try reader.double(field)
            case 6:
                var quantileReader = try reader.message(field)
                var quantile = ReceivedMetric.SummaryPoint.Quantile(quantile: 0, value: 0)
                while let member = try quantileReader.nextField(of: "SummaryDataPoint.ValueAtQuantile") {
                    switch member.number {
                    case 1: quantile.quantile = try quantileReader.double(member)
                    case 2: quantile.value = try quantileReader.double(member)
                    default: try quantileReader.skip(member)
                    }
                }
                point.quantiles.append(quantile)
            case 7: point.attributes.append(try ProtobufOTLPDecoder.keyValue(&reader, field))
            case 8: point.flags = try reader.uint32(field)
            default: try reader.skip(field)
            }
        }
        return point
    }

    /// Decodes the exemplar in `field`; one with ids of the wrong size makes its data point unusable.
    private func exemplar(
        _ reader: inout ProtobufReader,
        _ field: ProtobufField,
        into exemplars: inout [ReceivedMetric.Exemplar],
        problem: inout String?
    ) throws(OTLPDecodingError) {
        try reader.spend(DecodingBudget.exemplarWeight - 1)
        var message = try reader.message(field)
        var exemplar = ReceivedMetric.Exemplar(timeUnixNano: 0, value: .int(0))
        var traceID = IdentifierBytes.absent
        var spanID = IdentifierBytes.absent
        while let field = try message.nextField(of: "Exemplar") {
            switch field.number {
            case 2: exemplar.timeUnixNano = try message.fixed64(field)
            case 3: exemplar.value = .double(try message.double(field))
            case 4: spanID = try message.identifier(field)
            case 5: traceID = try message.identifier(field)
            case 6: exemplar.value = .int(Int64(bitPattern: try message.fixed64(field)))
            case 7: exemplar.filteredAttributes.append(try ProtobufOTLPDecoder.keyValue(&message, field))
            default: try message.skip(field)
            }
        }
        if problem == nil, let idProblem = ItemValidation.optionalIDsProblem(traceID: traceID, spanID: spanID) {
            problem = "an exemplar's \(idProblem)"
        }
        exemplar.traceID = traceID.traceID ?? .invalid
        exemplar.spanID = spanID.spanID ?? .invalid
        exemplars.append(exemplar)
    }
}

/// The checks that make a metric data point unusable, shared by both encodings.
enum MetricPointValidation {
    /// A histogram's counts must be absent or one more than its bounds (the last bucket is everything above the
    /// last bound), or no percentile can be computed from it.
    static func histogramProblem(_ point: ReceivedMetric.HistogramPoint) -> String? {
        guard !point.bucketCounts.isEmpty, point.bucketCounts.count != point.explicitBounds.count + 1 else { return nil }
        return "a histogram point has \(point.bucketCounts.count) bucket counts for \(point.explicitBounds.count) bounds"
    }
}
