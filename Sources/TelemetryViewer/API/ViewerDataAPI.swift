import Hummingbird
import Logging
import Telemetry

/// The viewer's own JSON endpoints for metrics and logs, in the same envelope as the Jaeger API. Times are Unix
/// microseconds, as in Jaeger's API; durations are Go durations (`30s`, `5m`).
///
/// - `GET /api/v1/metrics`: every metric: `name`, `kind`, `unit`, `description`, `seriesCount`.
/// - `GET /api/v1/metrics/{name}/series`: its series: `id`, `service`, `attributes`, `resource`, `scope`,
///   `temporality`, `monotonic`.
/// - `GET /api/v1/query?metric=…&stat=rate|p50|p95|p99|value&service=&start=&end=&lookback=&step=`: computed
///   lines, `{"metric", "stat", "unit", "lines": [{"label", "points": [{"time", "value"}]}]}`; `stat` defaults to
///   the metric's natural one (rate for counters, p95 for histograms), the range to the last hour in 60 steps.
/// - `GET /api/v1/logs?service=&severity=&q=&start=&end=&lookback=&traceID=&spanID=&limit=`: log records,
///   newest first; `severity` is a minimum, as a number or a name (`info`, `warn`, `error`...).
struct ViewerDataAPI: APIRoutes, Sendable {
    let store: TelemetryStore
    let now: WallClock
    let logger: Logger

    func register(on router: Router<BasicRequestContext>) {
        router.get("/api/v1/metrics") { _, _ in
            try await answer {
                .data(
                    .array(
                        try await store.metricDescriptors().map { descriptor in
                            .object([
                                ("name", .string(descriptor.name)),
                                ("kind", .string(MetricKindText.name(descriptor.kind))),
                                ("unit", .string(descriptor.unit)),
                                ("description", .string(descriptor.description)),
                                ("seriesCount", .int(Int64(descriptor.seriesCount))),
                            ])
                        }
                    )
                )
            }
        }
        router.get("/api/v1/metrics/{name}/series") { _, context in
            try await answer {
                guard let name = pathParameter(context, "name") else { return .error(.badRequest, "metric name is required") }
                return .data(.array(try await store.metricSeries(name: name).map(Self.seriesJSON)))
            }
        }
        router.get("/api/v1/query") { request, _ in
            try await answer {
                let parameters = request.queryParameters
                guard let metric = parameters["metric"] else { return .error(.badRequest, "parameter 'metric' is required") }
                let range: StepRange
                do {
                    range = try TimeWindow(parameters, now: now(), defaultLookback: 3600 * 1_000_000_000).steps(parameters)
                } catch {
                    return .error(.badRequest, "\(error)")
                }
                let descriptors = try await store.metricDescriptors().filter { $0.name == metric }
                guard let descriptor = descriptors.first else { return .error(.notFound, "no metric named \(metric)") }
                let statistic: MetricStatistic
                if let text = parameters["stat"] {
                    guard let parsed = MetricStatistic(rawValue: text.lowercased()) else {
                        return .error(.badRequest, "unable to parse param 'stat': expected rate, p50, p95, p99 or value")
                    }
                    statistic = parsed
                } else {
                    let series = try await store.metricSeries(name: metric)
                    let monotonic = series.contains { $0.isMonotonic }
                    statistic = MetricStatistic.applicable(to: descriptor.kind, isMonotonic: monotonic).first ?? .value
                }
                let query = MetricChartQuery(metric: metric, statistics: [statistic], service: parameters["service"], range: range)
                let (_, lines) = try await query.evaluate(on: store)
                return .data(
                    .object([
                        ("metric", .string(metric)),
                        ("stat", .string(statistic.rawValue)),
                        ("unit", .string(descriptor.unit)),
                        ("lines", .array(lines.map(Self.lineJSON))),
                    ])
                )
            }
        }
        router.get("/api/v1/logs") { request, _ in
            try await answer {
                let search: LogSearchParameters
                do {
                    search = try LogSearchParameters(request.queryParameters, now: now())
                } catch {
                    return .error(.badRequest, "\(error)")
                }
                return .data(.array(try await search.run(on: store).map(Self.logJSON)))
            }
        }
    }

    static func seriesJSON(_ series: MetricSeries) -> JSONValue {
        .object([
            ("id", .int(series.id)),
            ("name", .string(series.name)),
            ("kind", .string(MetricKindText.name(series.kind))),
            ("unit", .string(series.unit)),
            ("service", .string(series.resource.serviceName)),
            ("attributes", TelemetryValueText.attributes(series.attributes)),
            ("resource", TelemetryValueText.attributes(series.resource.attributes)),
            ("scope", .object([("name", .string(series.scope.name)), ("version", .string(series.scope.version))])),
            ("temporality", .string(MetricKindText.temporality(series.temporality))),
            ("monotonic", .bool(series.isMonotonic)),
        ])
    }

    static func lineJSON(_ line: ChartLine) -> JSONValue {
        .object([
            ("label", .string(line.label)),
            (
                "points",
                .array(line.points.map { .object([("time", .uint($0.timeUnixNano / 1000)), ("value", .double($0.value))]) })
            ),
        ])
    }

    static func logJSON(_ record: ReceivedLogRecord) -> JSONValue {
        .object([
            ("timestamp", .uint(record.effectiveTimeUnixNano / 1000)),
            ("observedTimestamp", .uint(record.observedTimeUnixNano / 1000)),
            ("severityNumber", .int(Int64(record.severityNumber))),
            ("severityText", .string(record.severityText)),
            ("body", TelemetryValueText.json(record.body)),
            ("attributes", TelemetryValueText.attributes(record.attributes)),
            ("eventName", .string(record.eventName)),
            ("service", .string(record.resource.serviceName)),
            ("resource", TelemetryValueText.attributes(record.resource.attributes)),
            ("scope", .object([("name", .string(record.scope.name)), ("version", .string(record.scope.version))])),
            ("traceID", record.traceID.isValid ? .string(record.traceID.hexString) : .null),
            ("spanID", record.spanID.isValid ? .string(record.spanID.hexString) : .null),
        ])
    }
}

/// Names for metric kinds and temporalities, as OTLP's JSON spells the data fields.
enum MetricKindText {
    /// `gauge`, `sum`, `histogram`, `exponentialHistogram` or `summary`.
    static func name(_ kind: MetricKind) -> String {
        switch kind {
        case .gauge: "gauge"
        case .sum: "sum"
        case .histogram: "histogram"
        case .exponentialHistogram: "exponentialHistogram"
        case .summary: "summary"
        }
    }

    /// `delta`, `cumulative` or `unspecified`.
    static func temporality(_ temporality: ReceivedMetric.Temporality) -> String {
        switch temporality {
        case .unspecified: "unspecified"
        case .delta: "delta"
        case .cumulative: "cumulative"
        }
    }
}

/// A time range from `start` / `end` (Unix microseconds) or `lookback` (a duration before `end`, else now).
struct TimeWindow: Sendable, Hashable {
    /// Start, Unix nanoseconds.
    var startUnixNano: UInt64
    /// End, Unix nanoseconds.
    var endUnixNano: UInt64

    /// Reads the window from `parameters`; without any, it is the `defaultLookback` nanoseconds before `now`.
    init(_ parameters: QueryParameters, now: UInt64, defaultLookback: UInt64) throws(QueryParameterError) {
        let end = try TraceSearchParameters.microseconds(parameters, "end") ?? now
        if let start = try TraceSearchParameters.microseconds(parameters, "start") {
            startUnixNano = start
        } else {
            let lookback = try TraceSearchParameters.duration(parameters, "lookback") ?? defaultLookback
            startUnixNano = end - min(end, lookback)
        }
        endUnixNano = end
        guard startUnixNano < endUnixNano else { throw QueryParameterError("start", "'start' must be before 'end'") }
    }

    /// The window cut by `step` (a Go duration), or into 60 steps without one; at most 2,000 steps.
    func steps(_ parameters: QueryParameters) throws(QueryParameterError) -> StepRange {
        let span = endUnixNano - startUnixNano
        var step = try TraceSearchParameters.duration(parameters, "step") ?? max(1, span / 60)
        step = max(step, span / 2_000, 1)
        return StepRange(startUnixNano: startUnixNano, endUnixNano: endUnixNano, stepNanoseconds: step)
    }
}

/// A log search as `/api/v1/logs` and the logs page take it.
struct LogSearchParameters: Sendable, Hashable {
    /// The search for the store, when not by trace.
    var query: LogQuery
    /// When set, the logs of this trace (and span) instead, oldest first.
    var traceID: TraceID?
    /// Narrows a trace's logs to one span.
    var spanID: SpanID?

    /// Reads `service`, `severity`, `q`, `start` / `end` / `lookback`, `traceID`, `spanID` and `limit` (default 100).
    init(_ parameters: QueryParameters, now: UInt64) throws(QueryParameterError) {
        var query = LogQuery(service: parameters["service"], text: parameters["q"], limit: 100)
        if let severity = parameters["severity"] {
            guard let number = Self.severity(severity) else {
                throw QueryParameterError("severity", "expected a number or trace, debug, info, warn, error, fatal")
            }
            query.minimumSeverity = number
        }
        if parameters["start"] != nil || parameters["end"] != nil || parameters["lookback"] != nil {
            let window = try TimeWindow(parameters, now: now, defaultLookback: 3600 * 1_000_000_000)
            query.startUnixNano = window.startUnixNano
            query.endUnixNano = window.endUnixNano
        }
        if let limit = parameters["limit"] {
            guard let value = Int(limit), value >= 0 else { throw QueryParameterError("limit", "not a count: \(limit)") }
            query.limit = min(value, 10_000)
        }
        self.query = query
        if let text = parameters["traceID"] {
            guard let id = TraceSearchParameters.traceID(text) else { throw QueryParameterError("traceID", "not a trace id: \(text)") }
            traceID = id
        }
        if let text = parameters["spanID"] {
            guard let id = TraceSearchParameters.spanID(text) else { throw QueryParameterError("spanID", "not a span id: \(text)") }
            spanID = id
        }
    }

    /// The records found.
    func run(on store: TelemetryStore) async throws -> [ReceivedLogRecord] {
        if let traceID {
            return try await store.logs(traceID: traceID, spanID: spanID, limit: query.limit)
        }
        return try await store.searchLogs(query)
    }

    /// The lowest `SeverityNumber` of a severity name, or the number itself.
    static func severity(_ text: String) -> Int32? {
        if let number = Int32(text), (0...24).contains(number) { return number }
        switch text.lowercased() {
        case "trace": return 1
        case "debug": return 5
        case "info": return 9
        case "warn", "warning": return 13
        case "error": return 17
        case "fatal": return 21
        default: return nil
        }
    }
}
