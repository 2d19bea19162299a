import Foundation
import Testing

@testable import TelemetryViewer

/// Debian's headless `chromium`, driven from the command line: `--dump-dom` prints the DOM after the page's scripts
/// ran, `--screenshot` saves what a person would see.
enum HeadlessChromium {
    static let executable: String? = {
        var candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        if let override = ProcessInfo.processInfo.environment["TELEMETRY_TEST_CHROMIUM"] { candidates.insert(override, at: 0) }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    static var isInstalled: Bool { executable != nil }

    /// Where screenshots are kept: `$TELEMETRY_TEST_ARTIFACTS/viewer`, else `.build/test-artifacts/viewer` in the package.
    static let artifacts: String = {
        if let base = ProcessInfo.processInfo.environment["TELEMETRY_TEST_ARTIFACTS"], !base.isEmpty { return base + "/viewer" }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/test-artifacts/viewer").path
    }()

    private static func run(_ arguments: [String]) async throws -> String {
        let executable = try #require(executable)
        let profile = NSTemporaryDirectory() + "viewer-chromium-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let child = try ViewerChildProcess(
            "/usr/bin/timeout",
            [
                "90", executable, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--disable-dev-shm-usage",
                "--hide-scrollbars", "--disable-extensions", "--user-data-dir=\(profile)",
            ] + arguments
        )
        var output: [String] = []
        for await line in child.lines { output.append(line) }
        let status = await child.status()
        #expect(status == 0, "chromium \(arguments) exited with \(status)")
        return output.joined(separator: "\n")
    }

    /// The rendered DOM of `url`, after its scripts ran.
    static func dom(_ url: String) async throws -> String {
        try await run(["--virtual-time-budget=3000", "--dump-dom", url])
    }

    /// Saves a 1280×900 screenshot of `url` as `<name>.png` under ``artifacts`` and returns its path.
    static func screenshot(_ url: String, name: String, height: Int = 900) async throws -> String {
        try FileManager.default.createDirectory(atPath: artifacts, withIntermediateDirectories: true)
        let path = artifacts + "/\(name).png"
        try? FileManager.default.removeItem(atPath: path)
        _ = try await run(["--virtual-time-budget=3000", "--window-size=1280,\(height)", "--screenshot=\(path)", url])
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        #expect(size > 10_000, "the screenshot of \(name) is \(size) bytes")
        return path
    }
}

@Suite(
    "Browser: each view in headless chromium",
    .serialized,
    .enabled(if: HeadlessChromium.isInstalled, "chromium is not installed: apt-get install -y --no-install-recommends chromium")
)
struct BrowserTests {
    /// The whole start tag (`<details …>`) around `attribute`.
    static func openingTag(containing attribute: String, in html: String) -> String? {
        guard let found = html.range(of: attribute),
            let start = html[..<found.lowerBound].range(of: "<", options: .backwards)
        else { return nil }
        return String(html[start.lowerBound...].prefix { $0 != ">" })
    }

    static func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    @Test("services, search, trace, metrics, chart and logs views render what a person should see")
    func views() async throws {
        let store = try await ViewerFixture.store()
        try await withViewerServer(store: store) { port in
            let base = "http://127.0.0.1:\(port)"
            let checkout = ViewerFixture.checkoutTrace.hexString

            let services = try await HeadlessChromium.dom("\(base)/?lookback=1h")
            #expect(services.contains(">frontend</a>") && services.contains(">payments</a>"))
            #expect(services.contains("11.1%"))
            _ = try await HeadlessChromium.screenshot("\(base)/?lookback=1h", name: "1-services")

            let searchURL = "\(base)/search?service=frontend&lookback=1h&limit=20"
            let search = try await HeadlessChromium.dom(searchURL)
            #expect(Self.count("class=\"trace-row\"", in: search) == 9)
            // The hostile name is text in the DOM: serialised escaped, and no script element but ours.
            #expect(search.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!search.contains("<script>alert(1)"))
            #expect(Self.count("<script", in: search) == 1)
            _ = try await HeadlessChromium.screenshot(searchURL, name: "2-search-all")

            let errorsURL = "\(base)/search?service=frontend&tags=http.status_code%3D500+error%3Dtrue&minDuration=1s&lookback=1h"
            let errors = try await HeadlessChromium.dom(errorsURL)
            #expect(Self.count("class=\"trace-row\"", in: errors) == 1)
            #expect(errors.contains("GET /checkout"))
            _ = try await HeadlessChromium.screenshot(errorsURL, name: "2-search-errors")

            // Following a log's link opens its span: the script opens the details element the fragment names.
            let traceURL = "\(base)/trace/\(checkout)#span-\(ViewerFixture.paySpan.hexString)"
            let trace = try await HeadlessChromium.dom(traceURL)
            #expect(Self.count("<details class=\"span", in: trace) == 3)
            let element = try #require(Self.openingTag(containing: "id=\"span-\(ViewerFixture.paySpan.hexString)\"", in: trace))
            #expect(element.contains("target") && element.contains("open"), "\(element)")
            #expect(trace.contains("payment failed: &lt;b&gt;card declined&lt;/b&gt;"))
            #expect(trace.contains("href=\"/logs?traceID=\(checkout)\""))
            _ = try await HeadlessChromium.screenshot(traceURL, name: "3-trace", height: 1100)

            // A fragment that is not valid percent-encoding neither breaks the page nor opens anything.
            let badFragment = try await HeadlessChromium.dom("\(base)/trace/\(checkout)#%E0")
            #expect(Self.count("<details class=\"span", in: badFragment) == 3)
            #expect(!badFragment.contains("class=\"span target\""))
            // The expand and collapse buttons were wired (the script shows them only then) despite the bad fragment.
            let expand = try #require(Self.openingTag(containing: "data-toggle-all=\"open\"", in: badFragment))
            let collapse = try #require(Self.openingTag(containing: "data-toggle-all=\"close\"", in: badFragment))
            #expect(!expand.contains("hidden") && !collapse.contains("hidden"), "\(expand) \(collapse)")

            let hostileURL = "\(base)/trace/\(ViewerFixture.hostileTrace.hexString)#span-0000000000000099"
            let hostile = try await HeadlessChromium.dom(hostileURL)
            #expect(hostile.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && Self.count("<script", in: hostile) == 1)
            #expect(hostile.contains("\"&gt;&lt;img src=x onerror=alert(2)&gt;") && !hostile.contains("<img"))
            _ = try await HeadlessChromium.screenshot(hostileURL, name: "4-trace-hostile")

            let metrics = try await HeadlessChromium.dom("\(base)/metrics")
            #expect(Self.count("class=\"metric-row\"", in: metrics) == 3)
            _ = try await HeadlessChromium.screenshot("\(base)/metrics", name: "5-metrics")

            for (index, name) in ["http.server.request.duration", "http.server.requests", "process.memory.usage"].enumerated() {
                let url = "\(base)/metrics/\(name)?lookback=1h"
                let chart = try await HeadlessChromium.dom(url)
                #expect(chart.contains("<svg class=\"chart\""), "\(name)")
                #expect(Self.count("<path class=\"line", in: chart) >= 1, "\(name)")
                #expect(!chart.contains("no data in this range"), "\(name)")
                _ = try await HeadlessChromium.screenshot(url, name: "6-chart-\(index + 1)-\(name)")
            }

            let logs = try await HeadlessChromium.dom("\(base)/logs?lookback=1h")
            #expect(Self.count("class=\"log-row\"", in: logs) == 3)
            #expect(logs.contains("href=\"/trace/\(checkout)#span-\(ViewerFixture.paySpan.hexString)\""))
            #expect(logs.contains("payment failed: &lt;b&gt;card declined&lt;/b&gt;") && !logs.contains("<b>card"))
            _ = try await HeadlessChromium.screenshot("\(base)/logs?lookback=1h", name: "7-logs")
        }
    }
}
