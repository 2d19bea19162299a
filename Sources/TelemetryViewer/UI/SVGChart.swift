import Foundation

/// A line chart drawn on the server as SVG: no script, nothing to load.
struct SVGChart {
    var lines: [ChartLine]
    var startUnixNano: UInt64
    var endUnixNano: UInt64
    var unit: String

    private let width = 800.0
    private let height = 260.0
    private let left = 64.0
    private let right = 16.0
    private let top = 12.0
    private let bottom = 28.0

    init(lines: [ChartLine], startUnixNano: UInt64, endUnixNano: UInt64, unit: String) {
        self.lines = lines
        self.startUnixNano = startUnixNano
        self.endUnixNano = endUnixNano
        self.unit = unit
    }

    /// A value axis from `low` to `high` widened to round numbers, with 3 to 6 round ticks (1, 2 or 5 times a power
    /// of ten), so labels read 0, 0.1, 0.2… rather than 0.131, 0.263.
    static func axis(low: Double, high: Double) -> (low: Double, high: Double, tick: Double) {
        var high = high
        if !(high > low) || !high.isFinite || !low.isFinite { high = low.isFinite ? low + 1 : 1 }
        let low = low.isFinite ? low : 0
        let raw = (high - low) / 4
        let magnitude = pow(10, floor(log10(raw)))
        let tick = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        return ((low / tick).rounded(.down) * tick, (high / tick).rounded(.up) * tick, tick)
    }

    func render(title: String) -> String {
        let values = lines.flatMap(\.points).map(\.value).filter(\.isFinite)
        let (low, high, tick) = Self.axis(low: min(0, values.min() ?? 0), high: values.max() ?? 1)
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let span = Double(max(endUnixNano &- startUnixNano, 1))
        func x(_ time: UInt64) -> Double {
            let offset = time >= startUnixNano ? Double(time - startUnixNano) : 0
            return left + min(1, offset / span) * plotWidth
        }
        func y(_ value: Double) -> Double { top + (1 - (value - low) / (high - low)) * plotHeight }
        func f(_ value: Double) -> String { Formatting.number((value * 10).rounded() / 10) }

        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(HTML.escape(title))\">"
        let tickCount = ((high - low) / tick).isFinite ? min(10, max(1, Int(((high - low) / tick).rounded()))) : 4
        for step in 0...tickCount {
            let value = low + tick * Double(step)
            let yy = y(value)
            svg += "<line class=\"grid\" x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(yy))\" y2=\"\(f(yy))\"/>"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(yy + 4))\" text-anchor=\"end\">\(HTML.escape(Formatting.compact(value)))</text>"
        }
        svg += "<line class=\"axis\" x1=\"\(f(left))\" x2=\"\(f(left))\" y1=\"\(f(top))\" y2=\"\(f(height - bottom))\"/>"
        svg += "<line class=\"axis\" x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(height - bottom))\" y2=\"\(f(height - bottom))\"/>"
        for step in 0...4 {
            let time = startUnixNano &+ (endUnixNano &- startUnixNano) / 4 &* UInt64(step)
            let anchor = step == 0 ? "start" : (step == 4 ? "end" : "middle")
            svg += "<text x=\"\(f(x(time)))\" y=\"\(f(height - 8))\" text-anchor=\"\(anchor)\">\(Formatting.clock(time))</text>"
        }
        if values.isEmpty {
            svg += "<text class=\"no-data\" x=\"\(f(left + plotWidth / 2))\" y=\"\(f(top + plotHeight / 2))\" text-anchor=\"middle\">no data in this range</text>"
        }
        for (index, line) in lines.enumerated() {
            let points = line.points.filter(\.value.isFinite)
            guard !points.isEmpty else { continue }
            let path = points.enumerated().map { (offset, point) -> String in
                "\(offset == 0 ? "M" : "L")\(f(x(point.timeUnixNano))),\(f(y(point.value)))"
            }.joined(separator: " ")
            svg += "<path class=\"line c\(index % 6)\" data-label=\"\(HTML.escape(line.label))\" d=\"\(path)\"/>"
            if points.count == 1, let point = points.first {
                svg += "<circle class=\"c\(index % 6)\" cx=\"\(f(x(point.timeUnixNano)))\" cy=\"\(f(y(point.value)))\" r=\"3\" fill=\"currentColor\" stroke-width=\"2\"/>"
            }
        }
        svg += "</svg>"
        let legend = lines.enumerated().map { (index, line) -> String in
            let latest = line.points.last.map { " · latest " + Formatting.compact($0.value) + (unit.isEmpty ? "" : " " + unit) } ?? " · no data"
            return "<span><i class=\"c\(index % 6)\"></i>\(HTML.escape(line.label))\(HTML.escape(latest))</span>"
        }.joined()
        return "<figure class=\"chart\"><figcaption>\(HTML.escape(title))</figcaption>\(svg)<div class=\"legend\">\(legend)</div></figure>"
    }
}
