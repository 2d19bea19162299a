/// `/logs`: log search; every record emitted inside a span links to that span in its trace.
struct LogsPage {
    var services: [String]
    var parameters: QueryParameters
    var result: Result<[ReceivedLogRecord], QueryParameterError>

    func render() -> String {
        let service = parameters["service"]
        let serviceOptions = ([HTML.option("", label: "All services", selected: service)] + services.map { HTML.option($0, selected: service) })
            .joined()
        let severities = [("", "Any"), ("debug", "Debug+"), ("info", "Info+"), ("warn", "Warn+"), ("error", "Error+"), ("fatal", "Fatal")]
        let severityOptions = severities.map { HTML.option($0.0, label: $0.1, selected: parameters["severity"]) }.joined()
        let form = """
            <form class="filters" method="get" action="/logs">
            <label>Service <select name="service" id="service">\(serviceOptions)</select></label>
            <label>Severity <select name="severity" id="severity">\(severityOptions)</select></label>
            <label>Text <input name="q" id="q" size="24" value="\(HTML.escape(parameters["q"] ?? ""))" placeholder="contains…"></label>
            <label>Trace ID <input name="traceID" id="traceID" size="34" value="\(HTML.escape(parameters["traceID"] ?? ""))"></label>
            <label>Lookback \(Lookback.select(selected: parameters["lookback"]))</label>
            <label>Limit <input name="limit" type="number" min="1" max="1000" value="\(HTML.escape(parameters["limit"] ?? "100"))"></label>
            <button type="submit">Search logs</button></form>
            """
        let results: String
        switch result {
        case .failure(let error):
            results = "<p class=\"empty error\">\(HTML.escape(error.description))</p>"
        case .success(let records) where records.isEmpty:
            results = Layout.empty("No log records match.")
        case .success(let records):
            let rows = records.map(row).joined(separator: "\n")
            results = """
                <p class="muted">\(records.count) record\(records.count == 1 ? "" : "s")</p>
                <table class="logs"><thead><tr><th>Time</th><th>Service</th><th>Severity</th><th>Body</th><th>Trace</th></tr></thead>
                <tbody>\(rows)</tbody></table>
                """
        }
        return Layout.page(title: "Logs", section: .logs, body: form + results)
    }

    private func row(_ record: ReceivedLogRecord) -> String {
        var trace = ""
        if record.traceID.isValid {
            let fragment = record.spanID.isValid ? "#span-\(record.spanID.hexString)" : ""
            trace = "<a class=\"trace-link mono\" href=\"/trace/\(record.traceID.hexString)\(fragment)\">\(record.traceID.hexString.prefix(16))…</a>"
        }
        let attributes = record.attributes.isEmpty
            ? "" : "<div class=\"muted mono\">" + HTML.escape(record.attributes.map { (attribute: KeyValue) -> String in "\(attribute.key)=\(TelemetryValueText.display(attribute.value))" }.joined(separator: " ")) + "</div>"
        return """
            <tr class="log-row"><td class="mono">\(Formatting.time(record.effectiveTimeUnixNano))</td><td>\(HTML.escape(record.resource.serviceName))</td>
            <td><span class="sev \(Formatting.severityClass(record.severityNumber))">\(HTML.escape(Formatting.severityName(record.severityNumber, text: record.severityText)))</span></td>
            <td><div class="body">\(HTML.escape(TelemetryValueText.display(record.body)))</div>\(attributes)</td><td>\(trace)</td></tr>
            """
    }
}
