import Foundation
import Telemetry
import Testing

@testable import TelemetryPrometheus

/// Records the product brief's instruments: a counter `http.server.requests` with `method`, `status` and `endpoint`,
/// and a histogram `http.server.duration` in `ms`.
struct BriefInstruments {
    let requests: Counter<Int64>
    let duration: Histogram<Double>

    init(_ provider: MeterProvider) {
        let meter = provider.meter(name: "orders", version: "1.0.0")
        requests = meter.makeCounter(name: "http.server.requests", unit: "{request}", description: "HTTP requests served")
        duration = meter.makeHistogram(
            name: "http.server.duration", unit: "ms", description: "Duration of HTTP server requests.")
    }

    static let getOrders: AttributeSet = ["method": "GET", "status": "200", "endpoint": "/orders"]
    static let postOrders: AttributeSet = ["method": "POST", "status": "201", "endpoint": "/orders"]
}

@Suite("promtool accepts the exporter's 0.0.4 page")
struct PromtoolPageTests {
    @Test("every point kind, from a real provider", .enabled(if: Promtool.path != nil, Comment(rawValue: PromtoolTests.missing)))
    func page() throws {
        for options in [PrometheusExporter.Options.default, .withoutUnits] {
            let exporter = PrometheusExporter(options: options)
            let provider = MeterProvider(resource: Fixture.resource, readers: [exporter])
            let brief = BriefInstruments(provider)
            brief.requests.add(3, attributes: BriefInstruments.getOrders)
            brief.requests.add(1, attributes: ["method": "GET", "status": "500", "endpoint": "/a\"b\\c\nd"])
            for value in [0.5, 12, 30, 700, 20_000] { brief.duration.record(value) }
            let meter = provider.meter(name: "other", version: "2")
            meter.makeUpDownCounter(name: "jobs.active", description: "Jobs running").add(-2)
            meter.makeGauge(name: "temperature", unit: "Cel", description: "Temperature").record(21.5)
            // The same counter from a second scope joins the first one's family.
            meter.makeCounter(name: "http.server.requests", unit: "{request}", description: "HTTP requests served")
                .add(2)
            let page = exporter.render(accept: nil).body
            // An exponential histogram, converted, is a valid classic histogram too.
            let exponential = Fixture.metric(
                "queue.wait", unit: "s", description: "Waiting time",
                .exponentialHistogram(
                    ExponentialHistogramPoints(
                        points: [
                            ExponentialHistogramPoint(
                                attributes: .empty, startTime: 1, time: 2, count: 5, sum: 3, min: -1, max: 2,
                                scale: 3, zeroCount: 1, positive: .init(offset: -2, counts: [1, 0, 2]),
                                negative: .init(offset: 1, counts: [1]))
                        ], temporality: .cumulative)))
            let full = page + exporter.render([exponential], format: .text004).replacingOccurrences(
                of: #"(?s)# HELP target_info.*?\ntarget_info\{[^\n]*\n"#, with: "", options: .regularExpression)
            let result = try Promtool.checkMetrics(full)
            // With units on, the linter's only remark may be the specification's `milliseconds` (it prefers seconds).
            let remarks = result.output.split(separator: "\n").filter { !$0.contains("use base unit \"seconds\"") }
            #expect(
                result.status == 0 || (result.status == 3 && remarks.isEmpty),
                "promtool: \(result.status)\n\(result.output)\n\(full)")
            withExtendedLifetime(provider) {}
        }
    }
}
