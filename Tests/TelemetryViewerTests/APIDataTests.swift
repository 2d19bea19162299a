import Foundation
import Telemetry
import Testing

@testable import TelemetryViewer

@Suite("API: metrics and logs endpoints")
struct APIDataTests {
    @Test("metrics: names, series, counter rate and histogram percentiles")
    func metrics() async throws {
        let store = try await ViewerFixture.store()
        try await withViewerServer(store: store) { port in
            let names = try await viewerGET(port, "/api/v1/metrics").dataArray()
            #expect(names.compactMap { $0["name"] as? String } == ["http.server.request.duration", "http.server.requests", "process.memory.usage"])
            #expect(names.first?["kind"] as? String == "histogram")

            let series = try await viewerGET(port, "/api/v1/metrics/http.server.requests/series").dataArray()
            #expect(series.count == 1)
            #expect(series.first?["service"] as? String == "frontend")
            #expect((series.first?["attributes"] as? [String: Any])?["http.route"] as? String == "/checkout")
            #expect(series.first?["monotonic"] as? Bool == true)

            // 120 requests a minute is 2 per second, in every one-minute step after the first point.
            let rate = try await viewerGET(port, "/api/v1/query?metric=http.server.requests&lookback=15m&step=1m").json()
            let rateData = try #require(rate["data"] as? [String: Any])
            #expect(rateData["stat"] as? String == "rate")
            let ratePoints = try #require(((rateData["lines"] as? [[String: Any]])?.first)?["points"] as? [[String: Any]])
            #expect(ratePoints.count >= 10)
            for point in ratePoints {
                let value = try #require(point["value"] as? Double ?? (point["value"] as? Int).map(Double.init))
                #expect(abs(value - 2) < 1e-9, "\(point)")
            }

            // Each minute adds 50/30/15/5 observations below 0.1/0.25/0.5/above: p95 is the top of the third bucket.
            let p95 = try await viewerGET(port, "/api/v1/query?metric=http.server.request.duration&stat=p95&lookback=15m&step=1m").json()
            let p95Data = try #require(p95["data"] as? [String: Any])
            #expect(p95Data["unit"] as? String == "s")
            let p95Points = try #require(((p95Data["lines"] as? [[String: Any]])?.first)?["points"] as? [[String: Any]])
            #expect(!p95Points.isEmpty)
            for point in p95Points {
                let value = try #require(point["value"] as? Double)
                #expect(abs(value - 0.5) < 1e-9, "\(point)")
            }
            let defaultStat = try await viewerGET(port, "/api/v1/query?metric=http.server.request.duration").json()
            #expect((defaultStat["data"] as? [String: Any])?["stat"] as? String == "p95")
            #expect(try await viewerGET(port, "/api/v1/query?metric=nope").status == 404)
            #expect(try await viewerGET(port, "/api/v1/query").status == 400)
        }
    }

    @Test("logs: by service, severity, text, time and trace")
    func logs() async throws {
        let store = try await ViewerFixture.store()
        try await withViewerServer(store: store) { port in
            func bodies(_ query: String) async throws -> [String] {
                try await viewerGET(port, "/api/v1/logs?\(query)").dataArray().compactMap { $0["body"] as? String }
            }
            #expect(try await bodies("").count == 3)
            #expect(try await bodies("service=payments") == [ViewerFixture.errorLogBody])
            #expect(try await bodies("severity=error") == [ViewerFixture.errorLogBody])
            #expect(Set(try await bodies("severity=warn")) == [ViewerFixture.errorLogBody, "cache almost full"])
            #expect(try await bodies("q=CARD") == [ViewerFixture.errorLogBody])
            #expect(try await bodies("lookback=5m") == ["cache almost full"])
            let byTrace = try await viewerGET(port, "/api/v1/logs?traceID=\(ViewerFixture.checkoutTrace.hexString)").dataArray()
            #expect(byTrace.count == 2)
            #expect(byTrace.allSatisfy { $0["traceID"] as? String == ViewerFixture.checkoutTrace.hexString })
            let bySpan = try await viewerGET(
                port,
                "/api/v1/logs?traceID=\(ViewerFixture.checkoutTrace.hexString)&spanID=\(ViewerFixture.paySpan.hexString)"
            ).dataArray()
            #expect(bySpan.map { $0["spanID"] as? String } == [ViewerFixture.paySpan.hexString])
            #expect(bySpan.first?["severityNumber"] as? Int == 17)
            #expect(try await bodies("limit=1").count == 1)
        }
    }

    @Test("a trace's logs honour limit")
    func traceLogLimit() async throws {
        let store = try await ViewerFixture.store()
        try await withViewerServer(store: store) { port in
            let trace = ViewerFixture.checkoutTrace.hexString
            let all = try await viewerGET(port, "/api/v1/logs?traceID=\(trace)").dataArray()
            let one = try await viewerGET(port, "/api/v1/logs?traceID=\(trace)&limit=1").dataArray()
            #expect(all.count == 2)
            #expect(one.count == 1)
        }
    }
}
