import Telemetry

/// `/trace/{id}`: the trace as a waterfall (one row per span, indented by depth, a bar placed by start and
/// duration), each span's details on click, and the trace's logs, each linked to its span and back.
///
/// A page shows at most ``spanLimit`` spans and ``logLimit`` logs, and says so when it cut: a browser cannot lay out
/// a waterfall of a million rows, and the JSON API still has the whole trace.
struct TracePage {
    /// The most spans one page renders.
    static let spanLimit = 5_000
    /// The most logs one page renders; the page asks the store for one more to learn whether there are more.
    static let logLimit = 1_000

    var trace: StoredTrace
    /// The trace's logs, oldest first; those past ``logLimit`` are not shown.
    var logs: [ReceivedLogRecord]
    private let logsCut: Bool

    init(trace: StoredTrace, logs: [ReceivedLogRecord]) {
        self.trace = trace
        self.logsCut = logs.count > Self.logLimit
        self.logs = Array(logs.prefix(Self.logLimit))
    }

    func render() -> String {
        let facts = TraceFacts(trace)
        let waterfall = Waterfall(trace)
        let rows = waterfall.prefix(Self.spanLimit)
        let serviceColours = Dictionary(uniqueKeysWithValues: facts.services.enumerated().map { ($1, $0 % 6) })
        let logsBySpan = Dictionary(grouping: logs.indices, by: { logs[$0].spanID })
        let total = max(facts.duration, 1)
        let header = """
            <div class="summary"><span>Trace <b class="mono">\(trace.traceID.hexString)</b></span>
            <span>Started <b>\(Formatting.time(facts.start))</b></span><span>Duration <b>\(GoDuration.format(nanoseconds: facts.duration))</b></span>
            <span>Services <b>\(facts.services.count)</b></span><span>Spans <b>\(trace.spans.count)</b></span>
            <span>Errors <b>\(facts.errorCount)</b></span><span>Logs <b><a href="#logs">\(logs.count)\(logsCut ? "+" : "")</a></b></span>
            <span><a href="/api/traces/\(trace.traceID.hexString)">JSON</a></span>
            <span><button class="plain" type="button" data-toggle-all="open" hidden>Expand all</button>
            <button class="plain" type="button" data-toggle-all="close" hidden>Collapse all</button></span></div>
            """
        let ticks: String = (0...4).map { (step: Int) -> String in "<span>\(GoDuration.format(nanoseconds: Self.quarter(total, step)))</span>" }.joined()
        let spanRows = rows.map { (row) -> String in
            spanRow(row, traceStart: facts.start, total: total, colour: serviceColours[row.span.resource.serviceName] ?? 0,
                    logIndices: logsBySpan[row.span.spanID] ?? [])
        }.joined(separator: "\n")
        let cutNotice = waterfall.count > rows.count
            ? "<p class=\"empty cut\">Showing the first \(rows.count) of \(waterfall.count) spans: the page stops there. "
                + "<a href=\"/api/traces/\(trace.traceID.hexString)\">The JSON</a> has them all.</p>"
            : ""
        let waterfallHTML = """
            <div class="waterfall"><div class="wf-head"><div>Service · operation</div><div class="ticks">\(ticks)</div></div>
            \(spanRows)</div>
            """
        return Layout.page(
            title: "\(facts.rootService): \(facts.rootName)",
            section: .search,
            body: header + waterfallHTML + cutNotice + logSection(traceStart: facts.start)
        )
    }

    /// `total × step / 4` without overflowing: a sender may claim a trace of up to 2^64 − 1 ns.
    static func quarter(_ total: UInt64, _ step: Int) -> UInt64 {
        let step = UInt64(max(0, min(step, 4)))
        return total / 4 * step + total % 4 * step / 4
    }

    private func spanRow(_ row: Waterfall.Row, traceStart: UInt64, total: UInt64, colour: Int, logIndices: [Int]) -> String {
        let span = row.span
        let offset = span.startTimeUnixNano >= traceStart ? span.startTimeUnixNano - traceStart : 0
        let left = min(100, Double(offset) / Double(total) * 100)
        let width = max(0.15, min(100 - left, Double(span.durationNanoseconds) / Double(total) * 100))
        let isError = span.statusCode == .error
        let label = GoDuration.format(nanoseconds: span.durationNanoseconds)
        // Beside the bar when there is room on its right, else inside its right end, never over the names.
        let labelPosition = left + width < 85
            ? "left:calc(\(percent(left + width)) + 4px)" : "right:calc(\(percent(max(0, 100 - left - width))) + 4px);color:#fff"
        return """
            <details class="span" id="span-\(span.spanID.hexString)" data-depth="\(row.depth)">
            <summary class="span-row"><div class="span-name\(isError ? " error" : "")" style="padding-left:\(8 + row.depth * 16)px">\
            <span class="svc">\(HTML.escape(span.resource.serviceName))</span><span class="op">\(HTML.escape(span.name))</span></div>\
            <div class="timeline"><div class="bar b\(colour)\(isError ? " error" : "")" style="left:\(percent(left));width:\(percent(width))"></div>\
            <span class="bar-label" style="\(labelPosition)">\(label)</span></div></summary>
            <div class="span-detail">\(details(span, offset: offset, logIndices: logIndices))</div>
            </details>
            """
    }

    private func percent(_ value: Double) -> String {
        Formatting.number(value) + "%"
    }

    private func details(_ span: ReceivedSpan, offset: UInt64, logIndices: [Int]) -> String {
        var facts: [(String, String)] = [
            ("Span ID", span.spanID.hexString),
            ("Parent", span.parentSpanID.isValid ? span.parentSpanID.hexString : "(root)"),
            ("Kind", JaegerTraceJSON.kindName(span.kind) ?? "unspecified"),
            ("Status", statusText(span)),
            ("Start", "\(Formatting.time(span.startTimeUnixNano)) (+\(GoDuration.format(nanoseconds: offset)))"),
            ("Duration", GoDuration.format(nanoseconds: span.durationNanoseconds)),
        ]
        if !span.traceState.isEmpty { facts.append(("Trace state", span.traceState)) }
        var html: String = "<table class=\"kv\">" + facts.map { (fact: (String, String)) -> String in "<tr><td>\(HTML.escape(fact.0))</td><td>\(HTML.escape(fact.1))</td></tr>" }.joined()
            + "</table>"
        html += "<h3>Attributes</h3>" + Self.attributeTable(span.attributes, dropped: span.droppedAttributesCount)
        if !span.events.isEmpty || span.droppedEventsCount > 0 {
            html += "<h3>Events</h3><table class=\"kv events\">"
            for event in span.events {
                let at = event.timeUnixNano >= span.startTimeUnixNano ? event.timeUnixNano - span.startTimeUnixNano : 0
                html += "<tr><td>+\(GoDuration.format(nanoseconds: at))</td><td><b>\(HTML.escape(event.name))</b>"
                    + Self.attributeTable(event.attributes, dropped: event.droppedAttributesCount, emptyText: "") + "</td></tr>"
            }
            html += "</table>"
            if span.droppedEventsCount > 0 { html += "<p class=\"muted\">\(span.droppedEventsCount) events dropped</p>" }
        }
        if !span.links.isEmpty {
            html += "<h3>Links</h3><table class=\"kv links\">"
            for link in span.links {
                html += "<tr><td><a href=\"/trace/\(link.traceID.hexString)#span-\(link.spanID.hexString)\">"
                    + "\(link.traceID.hexString) / \(link.spanID.hexString)</a></td><td>"
                    + Self.attributeTable(link.attributes, dropped: link.droppedAttributesCount, emptyText: "") + "</td></tr>"
            }
            html += "</table>"
        }
        if !logIndices.isEmpty {
            html += "<h3>Logs</h3><ul class=\"span-logs\">"
            for index in logIndices {
                let record = logs[index]
                html += "<li><a href=\"#log-\(index)\">\(HTML.escape(Formatting.severityName(record.severityNumber, text: record.severityText)))"
                    + " \(HTML.escape(String(TelemetryValueText.display(record.body).prefix(120))))</a></li>"
            }
            html += "</ul>"
        }
        html += "<h3>Resource</h3>" + Self.attributeTable(span.resource.attributes, dropped: span.resource.droppedAttributesCount)
        let scope = [("name", span.scope.name), ("version", span.scope.version)].filter { !$0.1.isEmpty }
        html += "<h3>Scope</h3><table class=\"kv\">"
            + scope.map { (fact: (String, String)) -> String in "<tr><td>\(fact.0)</td><td>\(HTML.escape(fact.1))</td></tr>" }.joined() + "</table>"
            + (span.scope.attributes.isEmpty ? "" : Self.attributeTable(span.scope.attributes, dropped: span.scope.droppedAttributesCount))
        return html
    }

    private func statusText(_ span: ReceivedSpan) -> String {
        let code: String
        switch span.statusCode {
        case .unset: code = "unset"
        case .ok: code = "ok"
        case .error: code = "error"
        }
        return span.statusMessage.isEmpty ? code : "\(code): \(span.statusMessage)"
    }

    static func attributeTable(_ attributes: [KeyValue], dropped: UInt32, emptyText: String = "none") -> String {
        guard !attributes.isEmpty || dropped > 0 else { return emptyText.isEmpty ? "" : "<p class=\"muted\">\(emptyText)</p>" }
        var html = "<table class=\"kv\">"
        for attribute in attributes {
            html += "<tr><td>\(HTML.escape(attribute.key))</td><td>\(HTML.escape(TelemetryValueText.display(attribute.value)))</td></tr>"
        }
        if dropped > 0 { html += "<tr><td>dropped</td><td>\(dropped)</td></tr>" }
        return html + "</table>"
    }

    private func logSection(traceStart: UInt64) -> String {
        let heading = """
            <h2 id="logs">Logs <span class="muted">(\(logs.count)\(logsCut ? "+" : ""))</span> · <a href="/logs?traceID=\(trace.traceID.hexString)">open in log search</a></h2>
            """
        guard !logs.isEmpty else { return heading + Layout.empty("No logs recorded in this trace.") }
        let cutNotice = logsCut
            ? "<p class=\"empty cut\">Showing the first \(logs.count) logs of this trace: "
                + "<a href=\"/logs?traceID=\(trace.traceID.hexString)&amp;limit=10000\">log search</a> shows more.</p>"
            : ""
        let rows = logs.enumerated().map { (index, record) -> String in
            let spanLink = record.spanID.isValid
                ? "<a class=\"span-link\" href=\"#span-\(record.spanID.hexString)\">\(record.spanID.hexString)</a>" : ""
            return """
                <tr class="log-row" id="log-\(index)"><td>\(Formatting.time(record.effectiveTimeUnixNano))</td>
                <td><span class="sev \(Formatting.severityClass(record.severityNumber))">\(HTML.escape(Formatting.severityName(record.severityNumber, text: record.severityText)))</span></td>
                <td class="mono">\(spanLink)</td><td class="body">\(HTML.escape(TelemetryValueText.display(record.body)))</td></tr>
                """
        }.joined(separator: "\n")
        return heading + cutNotice + "<table class=\"logs\"><thead><tr><th>Time</th><th>Severity</th><th>Span</th><th>Body</th></tr></thead><tbody>\(rows)</tbody></table>"
    }
}

/// The spans of a trace in tree order: each parent followed by its children by start time. Spans whose parent is
/// missing from the trace start trees of their own, so every stored span appears exactly once.
struct Waterfall: RandomAccessCollection {
    struct Row {
        var span: ReceivedSpan
        var depth: Int
    }

    private var rows: [Row] = []

    init(_ trace: StoredTrace) {
        let present = Set(trace.spans.map(\.spanID))
        var children: [SpanID: [Int]] = [:]
        var roots: [Int] = []
        for (index, span) in trace.spans.enumerated() {
            if span.parentSpanID.isValid, span.parentSpanID != span.spanID, present.contains(span.parentSpanID) {
                children[span.parentSpanID, default: []].append(index)
            } else {
                roots.append(index)
            }
        }
        var visited = Set<Int>()
        var stack: [(Int, Int)] = roots.reversed().map { ($0, 0) }
        while let (index, depth) = stack.popLast() {
            guard visited.insert(index).inserted else { continue }
            rows.append(Row(span: trace.spans[index], depth: depth))
            let kids = (children[trace.spans[index].spanID] ?? []).sorted { trace.spans[$0].startTimeUnixNano < trace.spans[$1].startTimeUnixNano }
            stack.append(contentsOf: kids.reversed().map { ($0, Swift.min(depth + 1, 40)) })
        }
        // A cycle of parents (a malformed sender) leaves spans unreachable from any root: show them at the top level.
        for index in trace.spans.indices where !visited.contains(index) {
            rows.append(Row(span: trace.spans[index], depth: 0))
        }
    }

    var startIndex: Int { rows.startIndex }
    var endIndex: Int { rows.endIndex }
    subscript(position: Int) -> Row { rows[position] }
}
