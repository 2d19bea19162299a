/// `/metrics`: every stored metric.
struct MetricsPage {
    var descriptors: [MetricDescriptor]

    func render() -> String {
        guard !descriptors.isEmpty else {
            return Layout.page(title: "Metrics", section: .metrics, body: Layout.empty("No metrics yet."))
        }
        let rows = descriptors.map { (descriptor) -> String in
            """
            <tr class="metric-row"><td><a href="/metrics/\(HTML.escape(HTML.segment(descriptor.name)))">\(HTML.escape(descriptor.name))</a></td>
            <td>\(MetricKindText.name(descriptor.kind))</td><td>\(HTML.escape(descriptor.unit))</td>
            <td>\(HTML.escape(descriptor.description))</td><td class="num">\(descriptor.seriesCount)</td></tr>
            """
        }.joined(separator: "\n")
        return Layout.page(
            title: "Metrics",
            section: .metrics,
            body: """
                <table class="metrics"><thead><tr><th>Name</th><th>Kind</th><th>Unit</th><th>Description</th>
                <th class="num">Series</th></tr></thead><tbody>\(rows)</tbody></table>
                """
        )
    }
}

/// `/metrics/{name}`: charts of one metric (rate for counters, p50/p95/p99 for histograms, values for gauges)
/// and the list of its series.
struct MetricChartPage {
    var descriptor: MetricDescriptor
    var series: [MetricSeries]
    /// One chart per entry: its title and lines.
    var charts: [(title: String, lines: [ChartLine])]
    var range: StepRange
    var lookback: String
    var service: String?

    func render() -> String {
        let services = Array(Set(series.map(\.resource.serviceName))).sorted()
        let serviceOptions = ([HTML.option("", label: "All services", selected: service)] + services.map { HTML.option($0, selected: service) })
            .joined()
        let form = """
            <form class="filters" method="get" action="/metrics/\(HTML.escape(HTML.segment(descriptor.name)))">
            <label>Service <select name="service">\(serviceOptions)</select></label>
            <label>Window \(Lookback.select(selected: lookback))</label><button type="submit">Show</button></form>
            """
        let about = """
            <div class="summary"><span>Kind <b>\(MetricKindText.name(descriptor.kind))</b></span>
            <span>Unit <b>\(HTML.escape(descriptor.unit.isEmpty ? "–" : descriptor.unit))</b></span>
            <span>Series <b>\(series.count)</b></span><span>\(HTML.escape(descriptor.description))</span></div>
            """
        let figures = charts.map { (chart) -> String in
            SVGChart(lines: chart.lines, startUnixNano: range.startUnixNano, endUnixNano: range.endUnixNano, unit: chart.title.hasPrefix("Rate") ? "/s" : descriptor.unit)
                .render(title: chart.title)
        }.joined()
        let rows = series.map { (one) -> String in
            let attributes: String = one.attributes.map { (attribute: KeyValue) -> String in "\(attribute.key)=\(TelemetryValueText.display(attribute.value))" }.joined(separator: ", ")
            return "<tr><td>\(HTML.escape(one.resource.serviceName))</td><td class=\"mono\">\(HTML.escape(attributes))</td>"
                + "<td>\(MetricKindText.temporality(one.temporality))</td><td>\(HTML.escape(one.scope.name))</td></tr>"
        }.joined()
        let table = """
            <h2>Series</h2><table class="series"><thead><tr><th>Service</th><th>Attributes</th><th>Temporality</th>
            <th>Scope</th></tr></thead><tbody>\(rows)</tbody></table>
            """
        return Layout.page(title: descriptor.name, section: .metrics, body: form + about + "<div class=\"charts\">\(figures)</div>" + table)
    }
}
