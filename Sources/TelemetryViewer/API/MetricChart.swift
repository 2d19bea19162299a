/// What to compute from a metric for a chart or the `/api/v1/query` endpoint.
enum MetricStatistic: String, Sendable, Hashable, CaseIterable {
    /// Per-second increase of a counter (a monotonic sum).
    case rate
    /// Histogram quantiles.
    case p50, p95, p99
    /// The points as reported, one line per series: gauges and non-monotonic sums.
    case value

    /// The quantile of a percentile statistic.
    var quantile: Double? {
        switch self {
        case .p50: 0.5
        case .p95: 0.95
        case .p99: 0.99
        case .rate, .value: nil
        }
    }

    /// The statistics that make sense for a kind of metric, the default first.
    static func applicable(to kind: MetricKind, isMonotonic: Bool) -> [MetricStatistic] {
        switch kind {
        case .histogram, .exponentialHistogram: [.p95, .p50, .p99]
        case .sum where isMonotonic: [.rate, .value]
        case .sum, .gauge, .summary: [.value]
        }
    }
}

/// One line of a chart: a label (empty for an aggregate) and its points in time order.
struct ChartLine: Sendable, Hashable {
    /// Which series or statistic the line is, e.g. `p95` or `http.route=/users`.
    var label: String
    /// The points: Unix nanoseconds and value.
    var points: [MetricSample]

    /// Creates a line.
    init(label: String, points: [MetricSample]) {
        self.label = label
        self.points = points
    }
}

/// The computation behind metric charts, shared by the JSON API and the pages so that both show the same numbers.
struct MetricChartQuery: Sendable, Hashable {
    /// The metric's name.
    var metric: String
    /// What to compute.
    var statistics: [MetricStatistic]
    /// Only series whose resource has this `service.name`; all when `nil`.
    var service: String?
    /// The time range and step.
    var range: StepRange

    /// Creates a query.
    init(metric: String, statistics: [MetricStatistic], service: String? = nil, range: StepRange) {
        self.metric = metric
        self.statistics = statistics
        self.service = service
        self.range = range
    }

    /// At most this many series are drawn one line each (for `value`); charts with more become unreadable.
    static let maximumLines = 12

    /// The metric's series (after the service filter) and the lines computed from them.
    func evaluate(on store: TelemetryStore) async throws -> (series: [MetricSeries], lines: [ChartLine]) {
        let series = try await store.metricSeries(name: metric).filter { service == nil || $0.resource.serviceName == service }
        let ids = series.map(\.id)
        var lines: [ChartLine] = []
        for statistic in statistics {
            switch statistic {
            case .rate:
                lines.append(ChartLine(label: "rate", points: try await store.counterRate(seriesIDs: ids, range: range)))
            case .p50, .p95, .p99:
                let points = try await store.histogramQuantile(statistic.quantile ?? 0.5, seriesIDs: ids, range: range)
                lines.append(ChartLine(label: statistic.rawValue, points: points))
            case .value:
                for one in series.prefix(Self.maximumLines) {
                    guard
                        let metric = try await store.metricPoints(
                            seriesID: one.id,
                            startUnixNano: range.startUnixNano,
                            endUnixNano: range.endUnixNano
                        )
                    else { continue }
                    lines.append(ChartLine(label: Self.label(one), points: Self.values(metric.data)))
                }
            }
        }
        return (series, lines)
    }

    /// A series' attributes as `key=value` text, with its service when the metric spans several.
    static func label(_ series: MetricSeries) -> String {
        let attributes: [String] = series.attributes.map { (attribute: KeyValue) -> String in "\(attribute.key)=\(TelemetryValueText.display(attribute.value))" }
        return ([series.resource.serviceName] + attributes).joined(separator: " ")
    }

    /// The plottable value of each point: the number, or a histogram's or summary's mean.
    static func values(_ data: ReceivedMetric.Data) -> [MetricSample] {
        switch data {
        case .gauge(let points), .sum(let points, _, _):
            return points.map { MetricSample(timeUnixNano: $0.timeUnixNano, value: $0.value.doubleValue) }
        case .histogram(let points, _):
            return points.compactMap { point in
                guard let sum = point.sum, point.count > 0 else { return nil }
                return MetricSample(timeUnixNano: point.timeUnixNano, value: sum / Double(point.count))
            }
        case .exponentialHistogram(let points, _):
            return points.compactMap { point in
                guard let sum = point.sum, point.count > 0 else { return nil }
                return MetricSample(timeUnixNano: point.timeUnixNano, value: sum / Double(point.count))
            }
        case .summary(let points):
            return points.compactMap { point in
                guard point.count > 0 else { return nil }
                return MetricSample(timeUnixNano: point.timeUnixNano, value: point.sum / Double(point.count))
            }
        }
    }
}
