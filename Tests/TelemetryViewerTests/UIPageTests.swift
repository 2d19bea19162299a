import AsyncHTTPClient
import Foundation
import NIOCore
import Telemetry
import Testing

@testable import TelemetryViewer

@Suite("UI: server-rendered pages")
struct UIPageTests {
    static func page(_ port: Int, _ path: String, status: Int = 200) async throws -> String {
        let answer = try await viewerGET(port, path)
        #expect(answer.status == status, "\(path)")
        #expect(answer.contentType.hasPrefix("text/html"), "\(path)")
        return answer.text
    }

    /// Every occurrence of `needle`.
    static func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    @Test("telemetry values are escaped in text and attributes: a <script> span name renders as text")
    func escaping() async throws {
        let store = try await ViewerFixture.store()
        try await withViewerServer(store: store) { port in
            let search = try await Self.page(port, "/search?service=frontend")
            let trace = try await Self.page(port, "/trace/\(ViewerFixture.hostileTrace.hexString)")
            let operations = try await Self.page(port, "/search?service=frontend&operation=\(viewerQuery(ViewerFixture.hostileName))")
            for html in [search, trace, operations] {
                #expect(!html.contains("<script>alert(1)"))
                #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
                #expect(!html.contains("<img src=x"))
                // Our own script file is the only script on the page, and nothing is inline.
                #expect(Self.count("<script", in: html) == 1 && Self.count("<script>", in: html) == 0)
                #expect(html.contains("<script src=\"/assets/viewer.js\"></script>"))
            }
            #expect(trace.contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"))
            // As the selected option of the operation filter, the name sits in a value="…" attribute, escaped.
            #expect(operations.contains("value=\"&lt;script&gt;alert(1)&lt;/script&gt;\" selected"))
            let logs = try await Self.page(port, "/logs?lookback=1h")
            #expect(logs.contains("payment failed: &lt;b&gt;card declined&lt;/b&gt;"))
            #expect(!logs.contains("<b>card declined"))
            let reflected = try await Self.page(port, "/search?tags=%22%3E%3Cscript%3Ex%3C%2Fscript%3E")
            #expect(!reflected.contains("<script>x"))
            let badTrace = try await Self.page(port, "/trace/%3Cscript%3E", status: 400)
            #expect(badTrace.contains("&lt;script&gt;") && !badTrace.contains("<script>x"))
        }
    }

    @Test("the waterfall has every span once, children indented under their parents, bars placed by time")
    func waterfall() async throws {
        let store = try await ViewerFixture.store()
        try await withViewerServer(store: store) { port in
            let html = try await Self.page(port, "/trace/\(ViewerFixture.checkoutTrace.hexString)")
            let trace = try #require(try await store.trace(id: ViewerFixture.checkoutTrace))
            for span in trace.spans {
                #expect(Self.count("id=\"span-\(span.spanID.hexString)\"", in: html) == 1, "\(span.name)")
                #expect(html.contains(HTML.escape(span.name)))
            }
            let root = try #require(html.range(of: "id=\"span-\(ViewerFixture.checkoutRoot.hexString)\" data-depth=\"0\""))
            let pay = try #require(html.range(of: "id=\"span-\(ViewerFixture.paySpan.hexString)\" data-depth=\"1\""))
            let query = try #require(html.range(of: "id=\"span-\(ViewerFixture.querySpan.hexString)\" data-depth=\"2\""))
            #expect(root.lowerBound < pay.lowerBound && pay.lowerBound < query.lowerBound)
            // POST /pay starts 100 ms into a 1.5 s trace and lasts 1.2 s.
            #expect(html.contains("style=\"left:6.667%;width:80%\""))
            // Span details: attributes, events, links, resource and scope.
            #expect(html.contains("payment.provider") && html.contains("acme"))
            #expect(html.contains("<b>retry</b>"))
            #expect(html.contains("href=\"/trace/\(ViewerFixture.healthTrace.hexString)#span-0000000000000077\""))
            #expect(html.contains("web-1") && html.contains("io.opentelemetry.test"))
            #expect(html.contains("error: payment declined"))
        }
    }

    @Test("logs link to their spans, and the trace view links its logs back")
    func logTraceLinks() async throws {
        let store = try await ViewerFixture.store()
        try await withViewerServer(store: store) { port in
            let trace = ViewerFixture.checkoutTrace.hexString
            let logs = try await Self.page(port, "/logs?lookback=1h")
            #expect(logs.contains("href=\"/trace/\(trace)#span-\(ViewerFixture.paySpan.hexString)\""))
            #expect(logs.contains("href=\"/trace/\(trace)#span-\(ViewerFixture.checkoutRoot.hexString)\""))
            #expect(Self.count("class=\"trace-link", in: logs) == 2)

            let page = try await Self.page(port, "/trace/\(trace)")
            #expect(page.contains("href=\"/logs?traceID=\(trace)\""))
            #expect(page.contains("href=\"#span-\(ViewerFixture.paySpan.hexString)\""))
            #expect(page.contains("id=\"log-0\"") && page.contains("id=\"log-1\""))
            #expect(page.contains("href=\"#log-"))
            let byTrace = try await Self.page(port, "/logs?traceID=\(trace)")
            #expect(Self.count("class=\"log-row\"", in: byTrace) == 2)
        }
    }

    @Test("services, search, metrics and charts show the fixture's numbers")
    func pages() async throws {
        let store = try await ViewerFixture.store()
        try await withViewerServer(store: store) { port in
            let services = try await Self.page(port, "/?lookback=1h")
            #expect(services.contains(">frontend</a>") && services.contains(">payments</a>"))
            // frontend: 9 requests in the hour, one an error.
            #expect(services.contains("<td class=\"num\">9</td>"))
            #expect(services.contains("11.1%"))
            // A request-rate sparkline for the service with requests only.
            #expect(Self.count("<svg class=\"spark\"", in: services) == 1)

            let search = try await Self.page(port, "/search?service=frontend&tags=http.status_code%3D500&lookback=1h")
            #expect(Self.count("class=\"trace-row\"", in: search) == 1)
            #expect(search.contains("GET /checkout") && search.contains("1.5s") && search.contains("1 error"))
            let slow = try await Self.page(port, "/search?minDuration=1s&lookback=1h")
            #expect(Self.count("class=\"trace-row\"", in: slow) == 1)
            let limited = try await Self.page(port, "/search?service=frontend&lookback=1h&limit=2")
            #expect(Self.count("class=\"trace-row\"", in: limited) == 2)
            let refused = try await Self.page(port, "/search?minDuration=soon")
            #expect(refused.contains("unable to parse param &#39;minDuration&#39;"))

            let metrics = try await Self.page(port, "/metrics")
            #expect(Self.count("class=\"metric-row\"", in: metrics) == 3)
            for (name, caption, lines) in [
                ("http.server.requests", "Rate per second", 1), ("http.server.request.duration", "Percentiles (p50, p95, p99)", 3),
                ("process.memory.usage", "Values", 1),
            ] {
                let chart = try await Self.page(port, "/metrics/\(name)?lookback=1h")
                #expect(chart.contains(caption), "\(name)")
                #expect(Self.count("<path class=\"line", in: chart) == lines, "\(name)")
                let path = try #require(chart.range(of: " d=\"M"), "\(name)")
                let drawn = chart[path.upperBound...].prefix { $0 != "\"" }
                #expect(Self.count(" L", in: String(drawn)) >= 10, "\(name): \(drawn)")
            }
            _ = try await Self.page(port, "/metrics/nope", status: 404)
        }
    }

    @Test("an empty store renders every page with a helpful notice")
    func empty() async throws {
        let store = try TelemetryStore.inMemory()
        try await withViewerServer(store: store) { port in
            #expect(try await Self.page(port, "/").contains("No services yet"))
            #expect(try await Self.page(port, "/search").contains("No traces match"))
            #expect(try await Self.page(port, "/metrics").contains("No metrics yet"))
            #expect(try await Self.page(port, "/logs").contains("No log records match"))
            _ = try await Self.page(port, "/trace/\(TraceID(high: 1, low: 1).hexString)", status: 404)
        }
    }

    @Test("pages forbid inline script and framing; assets, JSON and errors all carry nosniff")
    func securityHeaders() async throws {
        let store = try await ViewerFixture.store()
        try await withViewerServer(store: store) { port in
            func head(_ path: String) async throws -> (status: Int, headers: [String: String], body: String) {
                let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"), timeout: .seconds(30))
                let body = try await response.body.collect(upTo: 1 << 20)
                let headers = Dictionary(response.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
                return (Int(response.status.code), headers, String(buffer: body))
            }
            let page = try await head("/search")
            let policy = try #require(page.headers["content-security-policy"])
            #expect(policy.contains("script-src 'self'") && policy.contains("style-src 'self'") && policy.contains("frame-ancestors 'none'"))
            #expect(!policy.contains("script-src 'unsafe-inline'") && !policy.contains("style-src 'unsafe-inline'"))
            let script = try await head("/assets/viewer.js")
            #expect(script.status == 200 && script.headers["content-type"]?.hasPrefix("text/javascript") == true)
            #expect(script.body == Assets.script)
            let css = try await head("/assets/viewer.css")
            #expect(css.status == 200 && css.headers["content-type"]?.hasPrefix("text/css") == true)
            for path in ["/search", "/assets/viewer.js", "/assets/viewer.css", "/api/services", "/api/traces?limit=x", "/no/such/path"] {
                #expect(try await head(path).headers["x-content-type-options"] == "nosniff", "\(path)")
            }
        }
    }
}
