import Foundation
import Telemetry
import Tracing

/// Writes collected metrics as one Prometheus page, in the 0.0.4 text format or OpenMetrics 1.0.
///
/// See ``PrometheusExporter`` for what becomes what. The page is built in one pass over the metrics, family by family:
/// streams that map to the same Prometheus name are gathered under one `# HELP`/`# TYPE`, because a scraper refuses a
/// page where a family's metadata appears twice.
package struct PrometheusRenderer: Sendable {
    let options: PrometheusExporter.Options

    package init(options: PrometheusExporter.Options) {
        self.options = options
    }

    private var naming: PrometheusNamingOptions {
        PrometheusNamingOptions(
            addsUnitSuffixes: options.addsUnitSuffixes, addsTotalSuffixes: options.addsTotalSuffixes)
    }

    /// One metric family on the page.
    private struct Family {
        var name: PrometheusMetricName
        var help: String
        var samples: String = ""
        /// The label sets already written, so that two streams that end up with the same name and labels (the same
        /// instrument in two units, with unit suffixes off) do not write one series twice, which a scraper reports.
        var series: Set<String> = []
    }

    /// The page for `metrics` in `format`.
    package func render(_ metrics: [MetricData], format: PrometheusExpositionFormat) -> String {
        var families: [Family] = []
        var familyIndex: [String: Int] = [:]

        // Find or make the family of `name`; `nil` when the name belongs to a family of another type.
        func family(_ name: PrometheusMetricName, help: String) -> Int? {
            if let index = familyIndex[name.family] {
                guard families[index].name.kind == name.kind, families[index].name.sample == name.sample else {
                    return nil
                }
                if families[index].help.isEmpty { families[index].help = help }
                return index
            }
            families.append(Family(name: name, help: help))
            familyIndex[name.family] = families.count - 1
            return families.count - 1
        }

        if options.exposesTargetInfo,
            let name = PrometheusMetricName(
                name: PrometheusName.targetInfoFamily, unit: "", kind: .info, options: naming),
            let index = family(name, help: PrometheusName.targetInfoHelp)
        {
            var resources: [Resource] = []
            for metric in metrics where !resources.contains(metric.resource) {
                resources.append(metric.resource)
            }
            for resource in resources {
                var attributes: [(key: String, value: String)] = []
                resource.attributes.forEach { key, value in attributes.append((key, Self.text(value))) }
                guard !attributes.isEmpty else { continue }
                let labels = Self.labelText(PrometheusName.labels(for: attributes))
                guard families[index].series.insert(labels).inserted else { continue }
                families[index].samples += name.sample + labels + " " + PrometheusText.formatted(1.0, in: format) + "\n"
            }
        }

        for metric in metrics {
            guard let kind = Self.kind(of: metric.points),
                let name = PrometheusMetricName(name: metric.name, unit: metric.unit, kind: kind, options: naming),
                let index = family(name, help: metric.description)
            else { continue }
            let scope = scopeLabels(metric.instrumentationScope)
            var writer = SampleWriter(name: name, format: format, scope: scope)
            writer.samples = families[index].samples
            writer.series = families[index].series
            switch metric.points {
            case .sum(let sum):
                for point in sum.points { writer.number(point, exemplars: kind == .counter) }
            case .gauge(let points):
                for point in points { writer.number(point, exemplars: false) }
            case .histogram(let histogram):
                for point in histogram.points {
                    writer.histogram(
                        attributes: point.attributes, boundaries: point.boundaries, counts: point.bucketCounts,
                        count: point.count, sum: point.sum, exemplars: point.exemplars)
                }
            case .exponentialHistogram(let histogram):
                for point in histogram.points {
                    let buckets = Self.classicBuckets(point)
                    writer.histogram(
                        attributes: point.attributes, boundaries: buckets.boundaries, counts: buckets.counts,
                        count: point.count, sum: point.sum, exemplars: point.exemplars)
                }
            }
            families[index].samples = writer.samples
            families[index].series = writer.series
        }

        var page = ""
        for family in families where !family.samples.isEmpty {
            let metadataName = family.name.metadataName(in: format)
            if !family.help.isEmpty {
                page += "# HELP " + metadataName + " " + PrometheusText.escapedHelp(family.help, in: format) + "\n"
            }
            page += "# TYPE " + metadataName + " " + family.name.typeName(in: format) + "\n"
            if format == .openMetrics100, let unit = family.name.unit {
                page += "# UNIT " + metadataName + " " + unit + "\n"
            }
            page += family.samples
        }
        if format == .openMetrics100 {
            page += "# EOF\n"
        }
        return page
    }

    /// What the points become, or `nil` for points a scraper cannot be given: delta sums and histograms, whose
    /// values would mean "since the previous scrape" to one scraper and nothing to another.
    static func kind(of points: MetricPoints) -> PrometheusMetricKind? {
        switch points {
        case .sum(let sum):
            guard sum.temporality == .cumulative else { return nil }
            return sum.isMonotonic ? .counter : .gauge
        case .gauge:
            return .gauge
        case .histogram(let histogram):
            return histogram.temporality == .cumulative ? .histogram : nil
        case .exponentialHistogram(let histogram):
            return histogram.temporality == .cumulative ? .histogram : nil
        }
    }

    /// The scope's labels, given as label names (already valid) and values, to be merged with each point's attributes.
    private func scopeLabels(_ scope: InstrumentationScope) -> [(key: String, value: String)] {
        guard options.addsScopeLabels else { return [] }
        var labels: [(key: String, value: String)] = [(PrometheusName.scopeNameLabel, scope.name)]
        if let version = scope.version, !version.isEmpty {
            labels.append((PrometheusName.scopeVersionLabel, version))
        }
        if let schemaURL = scope.schemaURL, !schemaURL.isEmpty {
            labels.append((PrometheusName.scopeSchemaURLLabel, schemaURL))
        }
        scope.attributes.forEach { key, value in
            if let name = PrometheusName.labelName(forScopeAttributeKey: key) {
                labels.append((name, Self.text(value)))
            }
        }
        return labels
    }

    // MARK: Classic buckets from an exponential histogram

    /// The explicit-bucket shape of an exponential histogram: increasing finite boundaries, and one count per bucket
    /// plus the last one (`+Inf`), as ``HistogramPoint`` has them.
    ///
    /// Positive bucket `i` holds values in `(base^i, base^(i+1)]`, so its upper bound `base^(i+1)` is exactly its
    /// `le`. Negative bucket `i` holds `[-base^(i+1), -base^i)`; its `le` is `-base^i`, which it does not contain,
    /// so a value of exactly `-base^i` is counted one bucket higher: a difference only at the boundaries themselves.
    /// The zero bucket is `le="<zero threshold>"`. Whatever `count` has beyond the buckets (none, in a consistent
    /// point) goes to `+Inf`.
    static func classicBuckets(_ point: ExponentialHistogramPoint) -> (boundaries: [Double], counts: [UInt64]) {
        let step = exp2(-Double(point.scale))
        func power(_ index: Int64) -> Double { exp2(Double(index) * step) }
        var boundaries: [Double] = []
        var counts: [UInt64] = []
        var overflow: UInt64 = 0
        // Bounds that rounding or a wide zero bucket leaves out of order are merged into the bucket before, and
        // infinite ones into `+Inf`: a page must have increasing `le` values.
        func add(_ bound: Double, _ count: UInt64) {
            if !bound.isFinite {
                overflow &+= count
            } else if let last = boundaries.last, !(bound > last) {
                counts[counts.count - 1] &+= count
            } else {
                boundaries.append(bound)
                counts.append(count)
            }
        }
        for (position, count) in point.negative.counts.enumerated().reversed() {
            add(-power(Int64(point.negative.offset) + Int64(position)), count)
        }
        add(point.zeroThreshold.isFinite ? max(point.zeroThreshold, 0) : 0, point.zeroCount)
        for (position, count) in point.positive.counts.enumerated() {
            add(power(Int64(point.positive.offset) + Int64(position) + 1), count)
        }
        let inBuckets = counts.reduce(0, &+) &+ overflow
        counts.append(overflow &+ (point.count > inBuckets ? point.count - inBuckets : 0))
        return (boundaries, counts)
    }

    // MARK: Text

    /// `{name="value",…}`, or nothing for no labels.
    static func labelText(_ labels: [PrometheusLabel]) -> String {
        guard !labels.isEmpty else { return "" }
        var text = "{"
        for (position, label) in labels.enumerated() {
            if position > 0 { text += "," }
            text += label.name + "=\"" + PrometheusText.escapedLabelValue(label.value) + "\""
        }
        return text + "}"
    }

    /// A metric attribute's value as a label value: strings as they are, other primitives as their literal, arrays
    /// as JSON, as the specification asks for non-string attribute values.
    static func text(_ value: AttributeValue) -> String {
        switch value {
        case .string(let value): value
        case .bool(let value): String(value)
        case .int(let value): String(value)
        case .double(let value): PrometheusText.formatted(value, in: .text004)
        case .stringArray(let values): json(values.map(jsonString))
        case .boolArray(let values): json(values.map { String($0) })
        case .intArray(let values): json(values.map { String($0) })
        case .doubleArray(let values): json(values.map { PrometheusText.formatted($0, in: .text004) })
        }
    }

    /// A resource or scope attribute's value as a label value, by the same rules.
    static func text(_ value: SpanAttribute) -> String {
        switch value {
        case .string(let value): return value
        case .bool(let value): return String(value)
        case .int32(let value): return String(value)
        case .int64(let value): return String(value)
        case .double(let value): return PrometheusText.formatted(value, in: .text004)
        case .stringArray(let values): return json(values.map(jsonString))
        case .boolArray(let values): return json(values.map { String($0) })
        case .int32Array(let values): return json(values.map { String($0) })
        case .int64Array(let values): return json(values.map { String($0) })
        case .doubleArray(let values): return json(values.map { PrometheusText.formatted($0, in: .text004) })
        case .stringConvertible(let value): return value.description
        case .stringConvertibleArray(let values): return json(values.map { jsonString($0.description) })
        default: return ""
        }
    }

    private static func json(_ items: [String]) -> String {
        "[" + items.joined(separator: ",") + "]"
    }

    private static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

/// Writes the samples of one stream into its family's text.
private struct SampleWriter {
    let name: PrometheusMetricName
    let format: PrometheusExpositionFormat
    let scope: [(key: String, value: String)]
    var samples = ""
    var series: Set<String> = []

    /// OpenMetrics' limit on the combined length of an exemplar's label names and values, in UTF-8 code points.
    static let exemplarLabelLimit = 128

    init(name: PrometheusMetricName, format: PrometheusExpositionFormat, scope: [(key: String, value: String)]) {
        self.name = name
        self.format = format
        self.scope = scope
    }

    /// The labels of a point: its attributes merged with the scope's.
    private func labels(_ attributes: AttributeSet) -> [PrometheusLabel] {
        var pairs: [(key: String, value: String)] = []
        pairs.reserveCapacity(attributes.count + scope.count)
        for (key, value) in attributes {
            pairs.append((key, PrometheusRenderer.text(value)))
        }
        pairs.append(contentsOf: scope)
        return PrometheusName.labels(for: pairs)
    }

    mutating func number(_ point: NumberPoint, exemplars: Bool) {
        let labels = PrometheusRenderer.labelText(labels(point.attributes))
        guard series.insert(labels).inserted else { return }
        samples += name.sample + labels + " " + value(point.value)
        if exemplars, format == .openMetrics100, let exemplar = point.exemplars.max(by: { $0.time < $1.time }) {
            samples += exemplarText(exemplar)
        }
        samples += "\n"
    }

    mutating func histogram(
        attributes: AttributeSet, boundaries: [Double], counts: [UInt64], count: UInt64, sum: Double?,
        exemplars: [Exemplar]
    ) {
        // A point's own `le` attribute would give each bucket two `le` labels, which a scraper refuses; the bucket's
        // bound is the one that must stay.
        let base = labels(attributes).filter { $0.name != PrometheusName.bucketBoundLabel }
        let key = PrometheusRenderer.labelText(base)
        guard series.insert(key).inserted else { return }

        // The latest exemplar of each bucket, found by the bucket its value falls in.
        var bucketExemplars: [Int: Exemplar] = [:]
        if format == .openMetrics100 {
            for exemplar in exemplars {
                let value = exemplar.value.doubleValue
                let bucket = boundaries.firstIndex { value <= $0 } ?? boundaries.count
                if let kept = bucketExemplars[bucket], kept.time > exemplar.time { continue }
                bucketExemplars[bucket] = exemplar
            }
        }

        let bucketName = name.family + PrometheusName.bucketSuffix
        var cumulative: UInt64 = 0
        for (position, bound) in boundaries.enumerated() {
            cumulative &+= position < counts.count ? counts[position] : 0
            bucket(bucketName, base, bound: PrometheusText.formattedBound(bound, in: format), count: cumulative,
                exemplar: bucketExemplars[position])
        }
        // `+Inf` is the total count, so that it always equals `_count`, as both formats require.
        bucket(bucketName, base, bound: "+Inf", count: count, exemplar: bucketExemplars[boundaries.count])
        if let sum {
            samples += name.family + PrometheusName.sumSuffix + key + " " + PrometheusText.formatted(sum, in: format)
                + "\n"
        }
        samples += name.family + PrometheusName.countSuffix + key + " " + PrometheusText.formatted(count) + "\n"
    }

    private mutating func bucket(
        _ sampleName: String, _ base: [PrometheusLabel], bound: String, count: UInt64, exemplar: Exemplar?
    ) {
        let labels = base + [PrometheusLabel(name: PrometheusName.bucketBoundLabel, value: bound)]
        samples += sampleName + PrometheusRenderer.labelText(labels) + " " + PrometheusText.formatted(count)
        if let exemplar {
            samples += exemplarText(exemplar)
        }
        samples += "\n"
    }

    private func value(_ value: NumberValue) -> String {
        switch value {
        case .int(let value): PrometheusText.formatted(value)
        case .double(let value): PrometheusText.formatted(value, in: format)
        }
    }

    /// ` # {trace_id="…",span_id="…",…} value timestamp`: the trace and span first, then as many of the filtered
    /// attributes as fit in OpenMetrics' 128-character limit.
    private func exemplarText(_ exemplar: Exemplar) -> String {
        var labels: [PrometheusLabel] = []
        var length = 0
        func add(_ label: PrometheusLabel) {
            let size = label.name.unicodeScalars.count + label.value.unicodeScalars.count
            guard length + size <= Self.exemplarLabelLimit else { return }
            labels.append(label)
            length += size
        }
        if let traceID = exemplar.traceID, traceID.isValid {
            add(PrometheusLabel(name: PrometheusName.exemplarTraceIDLabel, value: traceID.hexString))
        }
        if let spanID = exemplar.spanID, spanID.isValid {
            add(PrometheusLabel(name: PrometheusName.exemplarSpanIDLabel, value: spanID.hexString))
        }
        let filtered = PrometheusName.labels(
            for: exemplar.filteredAttributes.map { (key: $0.key, value: PrometheusRenderer.text($0.value)) })
        for label in filtered
        where label.name != PrometheusName.exemplarTraceIDLabel && label.name != PrometheusName.exemplarSpanIDLabel {
            add(label)
        }
        var text = " # " + (labels.isEmpty ? "{}" : PrometheusRenderer.labelText(labels)) + " " + value(exemplar.value)
        if exemplar.time > 0 {
            text += " " + Self.timestamp(exemplar.time)
        }
        return text
    }

    /// Nanoseconds since the epoch as OpenMetrics' seconds: `1712345678.123456789`, without trailing zeros.
    static func timestamp(_ nanoseconds: UInt64) -> String {
        let seconds = nanoseconds / 1_000_000_000
        let fraction = nanoseconds % 1_000_000_000
        guard fraction > 0 else { return String(seconds) }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 9 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return String(seconds) + "." + digits
    }
}
