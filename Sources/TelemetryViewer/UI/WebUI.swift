import Hummingbird
import Logging
import NIOCore

/// The web UI's pages, rendered on the server from the store on every request.
///
/// - `/`: services with request rate, error rate and p95.
/// - `/search`: trace search (the parameters of `GET /api/traces`, with `tags` as `key=value` pairs).
/// - `/trace/{id}`: the waterfall, span details and the trace's logs.
/// - `/metrics` and `/metrics/{name}`: metric list and SVG charts.
/// - `/logs`: log search, linked to traces.
struct WebUI: Sendable {
    let store: TelemetryStore
    let now: WallClock
    let logger: Logger

    func register(on router: Router<BasicRequestContext>) {
        router.get(RouterPath(Assets.cssPath)) { _, _ in PageAnswer.asset(Assets.css, contentType: "text/css; charset=utf-8") }
        router.get(RouterPath(Assets.scriptPath)) { _, _ in PageAnswer.asset(Assets.script, contentType: "text/javascript; charset=utf-8") }
        router.get("/") { request, _ in
            try await page {
                let lookback = request.queryParameters["lookback"] ?? "1h"
                let window = GoDuration.nanoseconds(lookback) ?? 3600 * 1_000_000_000
                let end = now()
                let start = end - min(end, window)
                let summaries = try await store.serviceSummaries(startUnixNano: start, endUnixNano: end)
                let steps = StepRange(startUnixNano: start, endUnixNano: end, stepNanoseconds: max(1, (end - start) / 30))
                var trends: [String: [ServiceSample]] = [:]
                for summary in summaries.prefix(50) where summary.requestCount > 0 {
                    trends[summary.service] = try await store.serviceSamples(service: summary.service, range: steps)
                }
                return .ok(ServicesPage(summaries: summaries, trends: trends, lookback: lookback).render())
            }
        }
        router.get("/search") { request, _ in
            try await page {
                var parameters = request.queryParameters
                if parameters["lookback"] == nil, parameters["start"] == nil { parameters.pairs.append(("lookback", "1h")) }
                let services = try await store.services()
                var operations: [String] = []
                if let service = parameters["service"] { operations = try await store.operations(service: service).map(\.name) }
                let result: Result<[StoredTrace], QueryParameterError>
                do {
                    let search = try TraceSearchParameters(parameters, now: now(), defaultLimit: 20)
                    result = .success(try await store.searchTraces(search.query))
                } catch let error as QueryParameterError {
                    result = .failure(error)
                }
                let page = SearchPage(services: services, operations: Array(Set(operations)).sorted(), parameters: parameters, result: result)
                return .ok(page.render())
            }
        }
        router.get("/trace/{traceID}") { _, context in
            try await page {
                let text = pathParameter(context, "traceID") ?? ""
                guard let id = TraceSearchParameters.traceID(text) else {
                    return .problem(.badRequest, "“\(text)” is not a trace id: expected up to 32 hex digits.")
                }
                guard let trace = try await store.trace(id: id) else {
                    return .problem(.notFound, "Trace \(id.hexString) is not stored (or retention removed it).")
                }
                let logs = try await store.logs(traceID: id, limit: TracePage.logLimit + 1)
                return .ok(TracePage(trace: trace, logs: logs).render())
            }
        }
        router.get("/metrics") { _, _ in
            try await page { .ok(MetricsPage(descriptors: try await store.metricDescriptors()).render()) }
        }
        router.get("/metrics/{name}") { request, context in
            try await page {
                let name = pathParameter(context, "name") ?? ""
                guard let descriptor = try await store.metricDescriptors().first(where: { $0.name == name }) else {
                    return .problem(.notFound, "No metric named “\(name)” is stored.")
                }
                let parameters = request.queryParameters
                let lookback = parameters["lookback"] ?? "1h"
                let window = GoDuration.nanoseconds(lookback) ?? 3600 * 1_000_000_000
                let end = now()
                let start = end - min(end, window)
                let range = StepRange(startUnixNano: start, endUnixNano: end, stepNanoseconds: max(1, (end - start) / 60))
                let allSeries = try await store.metricSeries(name: name)
                let monotonic = allSeries.contains { $0.isMonotonic }
                let statistics = MetricStatistic.applicable(to: descriptor.kind, isMonotonic: monotonic)
                let service = parameters["service"]
                var charts: [(title: String, lines: [ChartLine])] = []
                var shownSeries = allSeries
                if statistics.contains(.p95) {
                    let query = MetricChartQuery(metric: name, statistics: [.p50, .p95, .p99], service: service, range: range)
                    let (series, lines) = try await query.evaluate(on: store)
                    shownSeries = series
                    charts.append(("Percentiles (p50, p95, p99)", lines))
                } else if statistics.contains(.rate) {
                    let query = MetricChartQuery(metric: name, statistics: [.rate], service: service, range: range)
                    let (series, lines) = try await query.evaluate(on: store)
                    shownSeries = series
                    charts.append(("Rate per second", lines))
                } else {
                    let query = MetricChartQuery(metric: name, statistics: [.value], service: service, range: range)
                    let (series, lines) = try await query.evaluate(on: store)
                    shownSeries = series
                    charts.append(("Values", lines))
                }
                let page = MetricChartPage(
                    descriptor: descriptor,
                    series: shownSeries,
                    charts: charts,
                    range: range,
                    lookback: lookback,
                    service: service
                )
                return .ok(page.render())
            }
        }
        router.get("/logs") { request, _ in
            try await page {
                var parameters = request.queryParameters
                if parameters["traceID"] == nil, parameters["lookback"] == nil, parameters["start"] == nil {
                    parameters.pairs.append(("lookback", "1h"))
                }
                let services = try await store.logServices()
                let result: Result<[ReceivedLogRecord], QueryParameterError>
                do {
                    result = .success(try await LogSearchParameters(parameters, now: now()).run(on: store))
                } catch let error as QueryParameterError {
                    result = .failure(error)
                }
                return .ok(LogsPage(services: services, parameters: parameters, result: result).render())
            }
        }
    }

    /// Renders a page, answering a store failure with an error page rather than Hummingbird's plain 500.
    private func page(_ body: () async throws -> PageAnswer) async throws -> Response {
        do {
            return try await body().response
        } catch {
            logger.error("page failed", metadata: ["error": "\(error)"])
            return PageAnswer.problem(.internalServerError, "The query failed: \(error)").response
        }
    }
}

/// A rendered page or a problem to show instead.
enum PageAnswer {
    case ok(String)
    case problem(HTTPResponse.Status, String)

    var response: Response {
        switch self {
        case .ok(let html):
            return Self.html(html, status: .ok)
        case .problem(let status, let message):
            let body = "<p class=\"empty error\">\(HTML.escape(message))</p>"
            return Self.html(Layout.page(title: "\(status.code) \(status.reasonPhrase)", section: nil, body: body), status: status)
        }
    }

    /// Pages run only the viewer's own script file, load nothing from elsewhere and may not be framed. Style
    /// attributes stay allowed (`style-src-attr`): bars are placed per span, and a style attribute cannot run script.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; "
        + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    static func html(_ text: String, status: HTTPResponse.Status) -> Response {
        Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8",
                .cacheControl: "no-store",
                .contentSecurityPolicy: contentSecurityPolicy,
                .xContentTypeOptions: "nosniff",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text))
        )
    }

    /// A fixed asset; it changes only with the binary, so browsers may keep it for a while.
    static func asset(_ text: String, contentType: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: contentType,
                .cacheControl: "max-age=300",
                .xContentTypeOptions: "nosniff",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text))
        )
    }
}
