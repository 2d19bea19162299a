extension JSONOTLPDecoder {
    /// `ExportMetricsServiceRequest` in OTLP/JSON.
    static func metrics(_ body: UnsafeRawBufferPointer, maxItems: Int) throws(OTLPDecodingError) -> ReceivedBatch {
        var metrics: [ReceivedMetric] = []
        var rejections = Rejections()
        try request(body, maxItems: maxItems, envelopesKey: "resourceMetrics") { (reader) throws(OTLPDecodingError) in
            try resourceEnvelope(&reader, scopesKey: "scopeMetrics", items: &metrics, resourcePath: \.resource) {
                (reader, metrics) throws(OTLPDecodingError) in
                try scopeEnvelope(&reader, itemsKey: "metrics", items: &metrics, scopePath: \.scope) {
                    (reader, metrics) throws(OTLPDecodingError) in
                    if let metric = try metric(&reader, rejections: &rejections) { metrics.append(metric) }
                }
            }
        }
        return ReceivedBatch(metrics: metrics, rejected: rejections.count, rejectionReason: rejections.reason)
    }

    private static func metric(_ reader: inout JSONReader, rejections: inout Rejections) throws(OTLPDecodingError) -> ReceivedMetric? {
        try reader.spend(DecodingBudget.metricWeight - 1)
        var metric = ReceivedMetric(name: "", data: .gauge([]))
        var data: ReceivedMetric.Data?
        var pointRejections = Rejections()
        try reader.object { (reader, key) throws(OTLPDecodingError) in
            switch key {
            case "name": metric.name = try reader.string()
            case "description": metric.description = try reader.string()
            case "unit": metric.unit = try reader.string()
            case "metadata": try keyValues(&reader, into: &metric.metadata)
            case "gauge":
                // Another kind replaces the data, so the points rejected from the one it replaces no longer count.
                pointRejections = Rejections()
                var points: [ReceivedMetric.NumberPoint] = []
                try reader.object { (reader, key) throws(OTLPDecodingError) in
                    guard case "dataPoints" = key else { return try reader.skipValue() }
                    try numberPoints(&reader, into: &points, rejections: &pointRejections)
                }
                data = .gauge(points)
            case "sum":
                pointRejections = Rejections()
                var points: [ReceivedMetric.NumberPoint] = []
                var temporality = ReceivedMetric.Temporality.unspecified
                var monotonic = false
                try reader.object { (reader, key) throws(OTLPDecodingError) in
                    switch key {
                    case "dataPoints": try numberPoints(&reader, into: &points, rejections: &pointRejections)
                    case "aggregationTemporality": temporality = try self.temporality(&reader)
                    case "isMonotonic": monotonic = try reader.bool()
                    default: try reader.skipValue()
                    }
                }
                data = .sum(points, temporality: temporality, isMonotonic: monotonic)
            case "histogram":
                pointRejections = Rejections()
                var points: [ReceivedMetric.HistogramPoint] = []
                var temporality = ReceivedMetric.Temporality.unspecified
                try reader.object { (reader, key) throws(OTLPDecodingError) in
                    switch key {
                    case "dataPoints":
                        try reader.array { (reader) throws(OTLPDecodingError) in
                            if let point = try histogramPoint(&reader, rejections: &pointRejections) { points.append(point) }
                        }
                    case "aggregationTemporality": temporality = try self.temporality(&reader)
                    default: try reader.skipValue()
                    }
                }
                data = .histogram(points, temporality: temporality)
            case "exponentialHistogram":
                pointRejections = Rejections()
                var points: [ReceivedMetric.ExponentialHistogramPoint] = []
                var temporality = ReceivedMetric.Temporality.unspecified
                try reader.object { (reader, key) throws(OTLPDecodingError) in
                    switch key {
                    case "dataPoints":
                        try reader.array { (reader) throws(OTLPDecodingError) in
                            if let point = try exponentialHistogramPoint(&reader, rejections: &pointRejections) {
                                points.append(point)
                            }
                        }
                    case "aggregationTemporality": temporality = try self.temporality(&reader)
                    default: try reader.skipValue()
                    }
                }
                data = .exponentialHistogram(points, temporality: temporality)
            case "summary":
                pointRejections = Rejections()
                var points: [ReceivedMetric.SummaryPoint] = []
                try reader.object { (reader, key) throws(OTLPDecodingError) in
                    guard case "dataPoints" = key else { return try reader.skipValue() }
                    try reader.array { (reader) throws(OTLPDecodingError) in points.append(try summaryPoint(&reader)) }
                }
                data = .summary(points)
            default: try reader.skipValue()
            }
        }
        rejections.reject(
            "metric \(ItemValidation.quoted(metric.name)): \(pointRejections.firstReason)",
            count: pointRejections.count
        )
        guard let data else { return nil }
        metric.data = data
        return metric
    }

    private static func temporality(_ reader: inout JSONReader) throws(OTLPDecodingError) -> ReceivedMetric.Temporality {
        ReceivedMetric.Temporality(rawValue: Int(try reader.enumValue(temporalityNames))) ?? .unspecified
    }

    private static func numberPoints(
        _ reader: inout JSONReader,
        into points: inout [ReceivedMetric.NumberPoint],
        rejections: inout Rejections
    ) throws(OTLPDecodingError) {
        try reader.array { (reader) throws(OTLPDecodingError) in
            try reader.spend(DecodingBudget.numberPointWeight - 1)
            var point = ReceivedMetric.NumberPoint(timeUnixNano: 0, value: .int(0))
            var exemplarProblem: String?
            try reader.object { (reader, key) throws(OTLPDecodingError) in
                switch key {
                case "attributes": try keyValues(&reader, into: &point.attributes)
                case "startTimeUnixNano": point.startTimeUnixNano = try reader.unsignedInteger()
                case "timeUnixNano": point.timeUnixNano = try reader.unsignedInteger()
                case "asDouble": point.value = .double(try reader.double())
                case "asInt": point.value = .int(try reader.signedInteger())
                case "exemplars": try exemplars(&reader, into: &point.exemplars, problem: &exemplarProblem)
                case "flags": point.flags = try uint32(&reader)
                default: try reader.skipValue()
                }
            }
            if let exemplarProblem {
                rejections.reject(exemplarProblem)
            } else {
                points.append(point)
            }
        }
    }

    private static func histogramPoint(
        _ reader: inout JSONReader,
        rejections: inout Rejections
    ) throws(OTLPDecodingError) -> ReceivedMetric.HistogramPoint? {
        try reader.spend(DecodingBudget.histogramPointWeight - 1)
        var point = ReceivedMetric.HistogramPoint(timeUnixNano: 0, count: 0)
        var exemplarProblem: String?
        try reader.object { (reader, key) throws(OTLPDecodingError) in
            switch key {
            case "attributes": try keyValues(&reader, into: &point.attributes)
            case "startTimeUnixNano": point.startTimeUnixNano = try reader.unsignedInteger()
            case "timeUnixNano": point.timeUnixNano = try reader.unsignedInteger()
            case "count": point.count = try reader.unsignedInteger()
            case "sum": point.sum = try reader.double()
            case "bucketCounts":
                try reader.array { (reader) throws(OTLPDecodingError) in point.bucketCounts.append(try reader.unsignedInteger()) }
            case "explicitBounds":
                try reader.array { (reader) throws(OTLPDecodingError) in point.explicitBounds.append(try reader.double()) }
            case "exemplars": try exemplars(&reader, into: &point.exemplars, problem: &exemplarProblem)
            case "flags": point.flags = try uint32(&reader)
            case "min": point.min = try reader.double()
            case "max": point.max = try reader.double()
            default: try reader.skipValue()
            }
        }
        if let problem = exemplarProblem ?? MetricPointValidation.histogramProblem(point) {
            rejections.reject(problem)
            return nil
        }
        return point
    }

    private static func exponentialHistogramPoint(
        _ reader: inout JSONReader,
        rejections: inout Rejections
    ) throws(OTLPDecodingError) -> ReceivedMetric.ExponentialHistogramPoint? {
        try reader.spend(DecodingBudget.exponentialHistogramPointWeight - 1)
        var point = ReceivedMetric.ExponentialHistogramPoint(timeUnixNano: 0, count: 0)
        var exemplarProblem: String?
        try reader.object { (reader, key) throws(OTLPDecodingError) in
            switch key {
            case "attributes": try keyValues(&reader, into: &point.attributes)
            case "startTimeUnixNano": point.startTimeUnixNano = try reader.unsignedInteger()
            case "timeUnixNano": point.timeUnixNano = try reader.unsignedInteger()
            case "count": point.count = try reader.unsignedInteger()
            case "sum": point.sum = try reader.double()
            case "scale": point.scale = try int32(&reader)
            case "zeroCount": point.zeroCount = try reader.unsignedInteger()
            case "positive": try buckets(&reader, into: &point.positive)
            case "negative": try buckets(&reader, into: &point.negative)
            case "flags": point.flags = try uint32(&reader)
            case "exemplars": try exemplars(&reader, into: &point.exemplars, problem: &exemplarProblem)
            case "min": point.min = try reader.double()
            case "max": point.max = try reader.double()
            case "zeroThreshold": point.zeroThreshold = try reader.double()
            default: try reader.skipValue()
            }
        }
        if let exemplarProblem {
            rejections.reject(exemplarProblem)
            return nil
        }
        return point
    }

    private static func buckets(
        _ reader: inout JSONReader,
        into buckets: inout ReceivedMetric.ExponentialHistogramPoint.Buckets
    ) throws(OTLPDecodingError) {
        try reader.object { (reader, key) throws(OTLPDecodingError) in
            switch key {
            case "offset": buckets.offset = try int32(&reader)
            case "bucketCounts":
                try reader.array { (reader) throws(OTLPDecodingError) in buckets.bucketCounts.append(try reader.unsignedInteger()) }
            default: try reader.skipValue()
            }
        }
    }

    private static func summaryPoint(_ reader: inout JSONReader) throws(OTLPDecodingError) -> ReceivedMetric.SummaryPoint {
        try reader.spend(DecodingBudget.summaryPointWeight - 1)
        var point = ReceivedMetric.SummaryPoint(timeUnixNano: 0, count: 0, sum: 0)
        try reader.object { (reader, key) throws(OTLPDecodingError) in
            switch key {
            case "attributes": try keyValues(&reader, into: &point.attributes)
            case "startTimeUnixNano": point.startTimeUnixNano = try reader.unsignedInteger()
            case "timeUnixNano": point.timeUnixNano = try reader.unsignedInteger()
            case "count": point.count = try reader.unsignedInteger()
            case "sum": point.sum = try reader.double()
            case "quantileValues":
                try reader.array { (reader) throws(OTLPDecodingError) in
                    var quantile = ReceivedMetric.SummaryPoint.Quantile(quantile: 0, value: 0)
                    try reader.object { (reader, key) throws(OTLPDecodingError) in
                        switch key {
                        case "quantile": quantile.quantile = try reader.double()
                        case "value": quantile.value = try reader.double()
                        default: try reader.skipValue()
                        }
                    }
                    point.quantiles.append(quantile)
                }
            case "flags": point.flags = try uint32(&reader)
            default: try reader.skipValue()
            }
        }
        return point
    }

    /// Appends the exemplars in a JSON array; the first with ids of the wrong size makes its data point unusable.
    private static func exemplars(
        _ reader: inout JSONReader,
        into exemplars: inout [ReceivedMetric.Exemplar],
        problem: inout String?
    ) throws(OTLPDecodingError) {
        try reader.array { (reader) throws(OTLPDecodingError) in
            try reader.spend(DecodingBudget.exemplarWeight - 1)
            var exemplar = ReceivedMetric.Exemplar(timeUnixNano: 0, value: .int(0))
            var traceID = IdentifierBytes.absent
            var spanID = IdentifierBytes.absent
            try reader.object { (reader, key) throws(OTLPDecodingError) in
                switch key {
                case "filteredAttributes": try keyValues(&reader, into: &exemplar.filteredAttributes)
                case "timeUnixNano": exemplar.timeUnixNano = try reader.unsignedInteger()
                case "asDouble": exemplar.value = .double(try reader.double())
                case "asInt": exemplar.value = .int(try reader.signedInteger())
                case "spanId": spanID = try reader.identifier()
                case "traceId": traceID = try reader.identifier()
                default: try reader.skipValue()
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

    private static func int32(_ reader: inout JSONReader) throws(OTLPDecodingError) -> Int32 {
        Int32(try reader.signedInteger(minimum: Int64(Int32.min), maximum: Int64(Int32.max)))
    }
}
