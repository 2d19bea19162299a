/// `/`: every service with its request rate, error rate and p95 over the chosen window.
struct ServicesPage {
    var summaries: [ServiceSummary]
    /// Request rate per step for each service, drawn as a sparkline.
    var trends: [String: [ServiceSample]]
    var lookback: String

    func render() -> String {
        let form = """
            <form class="filters" method="get" action="/">
            <label>Window \(Lookback.select(selected: lookback))</label><button type="submit">Refresh</button>
            </form>
            """
        guard !summaries.isEmpty else {
            return Layout.page(
                title: "Services",
                section: .services,
                body: form + Layout.empty("No services yet. Send OTLP to this viewer and they appear here.")
            )
        }
        let rows = summaries.map { (summary) -> String in
            let errorClass = summary.errorCount > 0 ? " class=\"badge error\"" : " class=\"badge\""
            return """
                <tr class="service-row"><td><a href="\(HTML.href("/search", [("service", summary.service), ("lookback", lookback)]))">\(HTML.escape(summary.service))</a></td>
                <td class="num">\(summary.requestCount)</td>
                <td class="num">\(Formatting.number(summary.requestRate))/s</td>
                <td>\(Self.sparkline(trends[summary.service] ?? []))</td>
                <td class="num"><span\(errorClass)>\(Formatting.percent(summary.errorRate))</span></td>
                <td class="num">\(summary.p95DurationNanoseconds.map { GoDuration.format(nanoseconds: $0) } ?? "–")</td>
                <td><a href="\(HTML.href("/search", [("service", summary.service), ("tags", "error=true"), ("lookback", lookback)]))">errors</a> ·
                <a href="\(HTML.href("/logs", [("service", summary.service), ("lookback", lookback)]))">logs</a></td></tr>
                """
        }.joined(separator: "\n")
        let table = """
            <table class="services"><thead><tr><th>Service</th><th class="num">Requests</th><th class="num">Request rate</th><th>Trend</th>
            <th class="num">Error rate</th><th class="num">p95 latency</th><th></th></tr></thead>
            <tbody>\(rows)</tbody></table>
            <p class="muted">Requests are server and consumer spans, and root spans of other kinds.</p>
            """
        return Layout.page(title: "Services", section: .services, body: form + table)
    }

    /// A small line of request rates, scaled to its own maximum; empty without requests.
    static func sparkline(_ samples: [ServiceSample]) -> String {
        let peak = samples.map(\.requestRate).max() ?? 0
        guard samples.count > 1, peak > 0, peak.isFinite else { return "" }
        let step = 120.0 / Double(samples.count - 1)
        let points = samples.enumerated().map { (index, sample) -> String in
            let x = Formatting.number(Double(index) * step)
            let y = Formatting.number(22 - sample.requestRate / peak * 20)
            return "\(x),\(y)"
        }.joined(separator: " ")
        return "<svg class=\"spark\" width=\"120\" height=\"24\" viewBox=\"0 0 120 24\" role=\"img\" aria-label=\"request rate trend\">"
            + "<polyline points=\"\(points)\"/></svg>"
    }
}
