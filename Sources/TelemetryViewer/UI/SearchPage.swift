import Telemetry

/// `/search`: Jaeger-style trace search, with the same parameters as `GET /api/traces`.
struct SearchPage {
    var services: [String]
    var operations: [String]
    var parameters: QueryParameters
    /// The traces found, or why the search was refused.
    var result: Result<[StoredTrace], QueryParameterError>

    func render() -> String {
        let service = parameters["service"]
        let serviceOptions = ([HTML.option("", label: "All services", selected: service)]
            + services.map { HTML.option($0, selected: service) }).joined()
        let operationField: String
        if operations.isEmpty {
            operationField = "<input name=\"operation\" id=\"operation\" value=\"\(HTML.escape(parameters["operation"] ?? ""))\" placeholder=\"any\">"
        } else {
            let options = ([HTML.option("", label: "All operations", selected: parameters["operation"])]
                + operations.map { HTML.option($0, selected: parameters["operation"]) }).joined()
            operationField = "<select name=\"operation\" id=\"operation\">\(options)</select>"
        }
        let form = """
            <form class="filters" method="get" action="/search">
            <label>Service <select name="service" id="service">\(serviceOptions)</select></label>
            <label>Operation \(operationField)</label>
            <label>Tags <input name="tags" id="tags" size="30" value="\(HTML.escape(parameters["tags"] ?? ""))" placeholder="http.status_code=500 error=true"></label>
            <label>Min duration <input name="minDuration" id="minDuration" size="6" value="\(HTML.escape(parameters["minDuration"] ?? ""))" placeholder="e.g. 1s"></label>
            <label>Max duration <input name="maxDuration" id="maxDuration" size="6" value="\(HTML.escape(parameters["maxDuration"] ?? ""))" placeholder="e.g. 500ms"></label>
            <label>Lookback \(Lookback.select(selected: parameters["lookback"]))</label>
            <label>Limit <input name="limit" id="limit" type="number" min="1" max="1000" value="\(HTML.escape(parameters["limit"] ?? "20"))"></label>
            <button type="submit">Find traces</button>
            </form>
            """
        let results: String
        switch result {
        case .failure(let error):
            results = "<p class=\"empty error\">\(HTML.escape(error.description))</p>"
        case .success(let traces) where traces.isEmpty:
            results = Layout.empty("No traces match.")
        case .success(let traces):
            results = "<p class=\"muted\">\(traces.count) trace\(traces.count == 1 ? "" : "s")</p>" + table(traces)
        }
        return Layout.page(title: "Trace search", section: .search, body: form + results)
    }

    private func table(_ traces: [StoredTrace]) -> String {
        let rows = traces.map { (trace) -> String in
            let facts = TraceFacts(trace)
            let errors = facts.errorCount > 0 ? "<span class=\"badge error\">\(facts.errorCount) error\(facts.errorCount == 1 ? "" : "s")</span>" : ""
            return """
                <tr class="trace-row"><td><a class="trace-link" href="/trace/\(trace.traceID.hexString)"><span class="muted">\(HTML.escape(facts.rootService)):</span> \(HTML.escape(facts.rootName))</a>
                <div class="mono muted">\(trace.traceID.hexString)</div></td>
                <td>\(Formatting.time(facts.start))</td>
                <td class="num">\(trace.spans.count)</td>
                <td>\(facts.services.map(HTML.escape).joined(separator: ", "))</td>
                <td class="num">\(GoDuration.format(nanoseconds: facts.duration))</td>
                <td>\(errors)</td></tr>
                """
        }.joined(separator: "\n")
        return """
            <table class="traces"><thead><tr><th>Trace</th><th>Started</th><th class="num">Spans</th><th>Services</th>
            <th class="num">Duration</th><th>Errors</th></tr></thead><tbody>\(rows)</tbody></table>
            """
    }
}

/// What a trace list and a trace header say about a trace.
struct TraceFacts {
    var start: UInt64
    var end: UInt64
    var rootName: String
    var rootService: String
    var services: [String]
    var errorCount: Int

    var duration: UInt64 { end >= start ? end - start : 0 }

    init(_ trace: StoredTrace) {
        let ids = Set(trace.spans.map(\.spanID))
        let root = trace.spans.first { !$0.parentSpanID.isValid } ?? trace.spans.first { !ids.contains($0.parentSpanID) }
            ?? trace.spans.first
        start = trace.spans.map(\.startTimeUnixNano).min() ?? 0
        end = trace.spans.map { max($0.endTimeUnixNano, $0.startTimeUnixNano) }.max() ?? 0
        rootName = root?.name ?? "(no spans)"
        rootService = root?.resource.serviceName ?? ""
        services = Array(Set(trace.spans.map(\.resource.serviceName))).sorted()
        errorCount = trace.spans.filter { $0.statusCode == .error }.count
    }
}
