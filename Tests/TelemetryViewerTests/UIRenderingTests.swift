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
}
