import Foundation
import Telemetry
import Testing

@testable import TelemetryViewer

@Suite("UI: rendering malformed and extreme data")
struct UIRenderingTests {
    static func span(_ id: UInt64, parent: UInt64, start: UInt64 = 1_000, end: UInt64 = 2_000) -> ReceivedSpan {
        ReceivedSpan(
            traceID: TraceID(high: 1, low: 1),
            spanID: SpanID(id),
            parentSpanID: SpanID(parent),
            name: "s\(id)",
            startTimeUnixNano: start,
            endTimeUnixNano: end
        )
    }

    @Test("orphans, self-parents and parent cycles: every span appears exactly once")
    func waterfallShapes() {
        let spans = [
            Self.span(1, parent: 0), Self.span(2, parent: 1), Self.span(3, parent: 99), Self.span(4, parent: 4),
            Self.span(5, parent: 6), Self.span(6, parent: 5), Self.span(7, parent: 3, start: 5_000, end: 10),
        ]
        let rows = Waterfall(StoredTrace(traceID: TraceID(high: 1, low: 1), spans: spans))
        #expect(rows.map(\.span.spanID.value).sorted() == [1, 2, 3, 4, 5, 6, 7])
        #expect(rows.first { $0.span.spanID == SpanID(2) }?.depth == 1)
        #expect(rows.first { $0.span.spanID == SpanID(7) }?.depth == 1)
        let html = TracePage(trace: StoredTrace(traceID: TraceID(high: 1, low: 1), spans: spans), logs: []).render()
        for id in 1...7 {
            #expect(html.components(separatedBy: "id=\"span-\(SpanID(UInt64(id)).hexString)\"").count == 2)
        }
    }

    @Test("a thousand-deep chain renders with bounded indentation")
    func deepChain() {
        let spans = (1...1_000).map { Self.span(UInt64($0), parent: UInt64($0 - 1)) }
        let rows = Waterfall(StoredTrace(traceID: TraceID(high: 1, low: 1), spans: spans))
        #expect(rows.count == 1_000)
        #expect(rows.map(\.depth).max() == 40)
    }

    @Test("charts survive NaN, infinities, huge values, one point and none")
    func chartExtremes() {
        let lines = [
            ChartLine(label: "<b>x</b>", points: [
                MetricSample(timeUnixNano: 10, value: .nan), MetricSample(timeUnixNano: 20, value: .infinity),
                MetricSample(timeUnixNano: 30, value: 1e308), MetricSample(timeUnixNano: 40, value: -1e308),
            ]),
            ChartLine(label: "one", points: [MetricSample(timeUnixNano: 15, value: 3)]),
            ChartLine(label: "none", points: []),
        ]
        let svg = SVGChart(lines: lines, startUnixNano: 0, endUnixNano: 100, unit: "s").render(title: "t")
        #expect(svg.contains("<svg class=\"chart\""))
        #expect(svg.contains("&lt;b&gt;x&lt;/b&gt;") && !svg.contains("<b>x"))
        #expect(svg.contains("<circle"))
        let empty = SVGChart(lines: [], startUnixNano: 5, endUnixNano: 5, unit: "").render(title: "e")
        #expect(empty.contains("no data in this range"))
        let axis = SVGChart.axis(low: 0, high: 0.525)
        #expect(axis.low == 0 && axis.tick == 0.2 && abs(axis.high - 0.6) < 1e-9)
    }

    @Test("a span from 0 to UInt64.max and a span ending before it starts render without trapping")
    func extremeTimes() {
        let spans = [Self.span(1, parent: 0, start: 0, end: .max), Self.span(2, parent: 1, start: 5_000, end: 10)]
        let html = TracePage(trace: StoredTrace(traceID: TraceID(high: 1, low: 1), spans: spans), logs: []).render()
        #expect(html.contains("id=\"span-\(SpanID(1).hexString)\"") && html.contains("id=\"span-\(SpanID(2).hexString)\""))
        #expect(TracePage.quarter(.max, 4) == .max)
        #expect(TracePage.quarter(.max, 2) == UInt64.max / 2)
        #expect(TracePage.quarter(10, 1) == 2)
    }

    @Test("a trace page renders at most 5,000 spans and 1,000 logs, and says it cut")
    func caps() {
        let spans = (1...(TracePage.spanLimit + 1)).map { Self.span(UInt64($0), parent: 0) }
        let logs = (0...TracePage.logLimit).map { _ in ReceivedLogRecord(traceID: TraceID(high: 1, low: 1), spanID: SpanID(1)) }
        let html = TracePage(trace: StoredTrace(traceID: TraceID(high: 1, low: 1), spans: spans), logs: logs).render()
        #expect(html.components(separatedBy: "<details class=\"span\"").count - 1 == TracePage.spanLimit)
        #expect(html.contains("Showing the first 5000 of 5001 spans"))
        #expect(html.components(separatedBy: "class=\"log-row\"").count - 1 == TracePage.logLimit)
        #expect(html.contains("Showing the first 1000 logs"))
    }

    @Test("the page script wires the expand and collapse buttons before reading the fragment, and survives a bad one")
    func scriptOrder() throws {
        let script = Assets.script
        let buttons = try #require(script.range(of: "data-toggle-all"))
        let decode = try #require(script.range(of: "decodeURIComponent"))
        #expect(buttons.lowerBound < decode.lowerBound)
        #expect(script.contains("try{id=decodeURIComponent"))
    }
}
