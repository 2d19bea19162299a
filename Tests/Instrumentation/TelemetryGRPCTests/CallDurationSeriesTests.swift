import Telemetry
@testable import TelemetryGRPC
import Testing
import TelemetryTesting

@Suite("call durations are recorded through series bound once per method and status")
struct CallDurationSeriesTests {
    let reader = ManualMetricReader()

    @discardableResult
    func points(_ series: (Histogram<Double>) -> Void) -> [HistogramPoint] {
        let provider = MeterProvider(readers: [reader])
        series(provider.meter(name: "test").makeHistogram(Double.self, name: "rpc.server.call.duration", unit: "s"))
        guard case .histogram(let histogram)? = reader.collect().first?.points else { return [] }
        return histogram.points
    }

    @Test("the same method and status share a series; past the limit, calls still record, each in its own series")
    func boundAndPastTheLimit() {
        var kept = 0
        let points = points { histogram in
            let series = CallDurationSeries(histogram: histogram, kind: .server)
            for _ in 0..<3 { series.record(0.5, CallDurationSeries.Key(service: "s", method: "m")) }
            for index in 0..<CallDurationSeries.limit + 5 {
                series.record(0.25, CallDurationSeries.Key(service: "s", method: "m\(index)", statusCode: 13))
            }
            kept = series.keptCount
        }
        #expect(kept == CallDurationSeries.limit)
        #expect(points.count == CallDurationSeries.limit + 6)
        let shared = points.first { $0.attributes["rpc.method"] == "m" }
        #expect(shared?.count == 3)
        #expect(shared?.attributes == ["rpc.system": "grpc", "rpc.service": "s", "rpc.method": "m", "rpc.grpc.status_code": 0])
        let last = points.first { $0.attributes["rpc.method"] == .string("m\(CallDurationSeries.limit + 4)") }
        #expect(last?.count == 1)
        // INTERNAL is a server failure.
        #expect(last?.attributes["error.type"] == "INTERNAL")
    }

    @Test("a client's series carry the server's address and port, and every non-OK status is an error")
    func clientAttributes() {
        let points = points { histogram in
            CallDurationSeries(histogram: histogram, kind: .client)
                .record(1, CallDurationSeries.Key(service: "s", method: "m", serverAddress: "h", serverPort: 443, statusCode: 5))
        }
        #expect(points.first?.attributes == [
            "rpc.system": "grpc", "rpc.service": "s", "rpc.method": "m", "server.address": "h", "server.port": 443,
            "rpc.grpc.status_code": 5, "error.type": "NOT_FOUND",
        ])
    }
}
