import Foundation
import Testing

@testable import TelemetryPrometheus

/// Runs Prometheus' own parser and linter, `promtool check metrics`, on a page written with this module's helpers.
///
/// `promtool` comes with Debian's `prometheus` package (`apt-get install -y --no-install-recommends prometheus`).
/// `$TELEMETRY_TEST_PROMTOOL` names another one; otherwise it is looked up in `PATH`.
enum Promtool {
    struct Result {
        var status: Int32
        var output: String
    }

    static let path: String? = {
        let environment = ProcessInfo.processInfo.environment
        if let configured = environment["TELEMETRY_TEST_PROMTOOL"], !configured.isEmpty {
            return configured
        }
        let directories = (environment["PATH"] ?? "").split(separator: ":") + ["/usr/bin", "/usr/local/bin"]
        return directories.lazy.map { "\($0)/promtool" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// `promtool check metrics` on `page`: exit status 0 when the page is clean, 3 when it parses but the linter
    /// has remarks, 1 when it does not parse.
    static func checkMetrics(_ page: String) throws -> Result {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("promtool-\(UUID().uuidString).prom")
        try Data(page.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path ?? "promtool")
        process.arguments = ["check", "metrics"]
        process.standardInput = try FileHandle(forReadingFrom: file)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: text)
    }
}

/// A page in the 0.0.4 format, written sample by sample with the module's helpers, the way the exporter will.
struct TextPage {
    var text = ""
    let format = PrometheusExpositionFormat.text004

    mutating func family(_ name: PrometheusMetricName, help: String) {
        text += "# HELP \(name.metadataName(in: format)) \(PrometheusText.escapedHelp(help, in: format))\n"
        text += "# TYPE \(name.metadataName(in: format)) \(name.typeName(in: format))\n"
    }

    mutating func sample(_ name: String, _ labels: [PrometheusLabel], _ value: String) {
        text += name
        if !labels.isEmpty {
            text += "{"
            text += labels.map { "\($0.name)=\"\(PrometheusText.escapedLabelValue($0.value))\"" }.joined(separator: ",")
            text += "}"
        }
        text += " \(value)\n"
    }
}

@Suite("promtool accepts what the helpers write")
struct PromtoolTests {
    static let missing =
        "promtool is not installed; install it with `apt-get install -y --no-install-recommends prometheus`"

    /// Labels that need every kind of escaping, and two keys that collide.
    static let awkward: [(key: String, value: String)] = [
        (key: "http.request.method", value: "GET"),
        (key: "http.route", value: "/api/\"quoted\"\nsecond line\\back\\slash"),
        (key: "foo.bar", value: "a"),
        (key: "foo_bar", value: "b"),
        (key: "__name__", value: "not the name"),
        (key: "1st", value: "é 日本"),
        (key: PrometheusName.scopeNameLabel, value: "my.library"),
        (key: PrometheusName.scopeVersionLabel, value: "1.0.0"),
    ]

    static func page(options: PrometheusNamingOptions = .init()) throws -> String {
        var page = TextPage()
        let labels = PrometheusName.labels(for: awkward)

        let requests = try #require(
            PrometheusMetricName(name: "http.server.requests", unit: "{request}", kind: .counter, options: options))
        page.family(requests, help: "Requests \"served\", in C:\\logs\nand a second line")
        page.sample(requests.sample, labels, PrometheusText.formatted(1027.0, in: page.format))

        let duration = try #require(
            PrometheusMetricName(name: "http.server.duration", unit: "ms", kind: .histogram, options: options))
        page.family(duration, help: "Duration of HTTP server requests.")
        let bounds: [Double] = [0, 5, 10, 25.5, 1e6, .infinity]
        let cumulative: [Int64] = [0, 1, 4, 4, 9, 10]
        for (bound, count) in zip(bounds, cumulative) {
            let le = PrometheusLabel(
                name: PrometheusName.bucketBoundLabel, value: PrometheusText.formattedBound(bound, in: page.format))
            page.sample(duration.family + PrometheusName.bucketSuffix, labels + [le], PrometheusText.formatted(count))
        }
        page.sample(
            duration.family + PrometheusName.sumSuffix, labels, PrometheusText.formatted(1234.5678, in: page.format))
        page.sample(duration.family + PrometheusName.countSuffix, labels, PrometheusText.formatted(Int64(10)))

        let utilization = try #require(
            PrometheusMetricName(name: "system.memory.utilization", unit: "1", kind: .gauge, options: options))
        page.family(utilization, help: "Share of memory in each state.")
        page.sample(
            utilization.sample, [PrometheusLabel(name: "state", value: "used")],
            PrometheusText.formatted(.nan, in: page.format))
        page.sample(
            utilization.sample, [PrometheusLabel(name: "state", value: "free")],
            PrometheusText.formatted(-.infinity, in: page.format))
        page.sample(
            utilization.sample, [PrometheusLabel(name: "state", value: "tiny")],
            PrometheusText.formatted(1e-300, in: page.format))

        let responses = try #require(
            PrometheusMetricName(name: "2xx.responses", unit: "", kind: .counter, options: options))
        page.family(responses, help: "Responses with a 2xx status.")
        page.sample(responses.sample, [], PrometheusText.formatted(UInt64.max))

        let target = try #require(
            PrometheusMetricName(name: PrometheusName.targetInfoFamily, unit: "", kind: .info, options: options))
        page.family(target, help: PrometheusName.targetInfoHelp)
        let resource = PrometheusName.labels(for: [
            (key: "service.name", value: "orders"), (key: "service.instance.id", value: "a\"b"),
            (key: "telemetry.sdk.language", value: "swift"),
        ])
        page.sample(target.sample, resource, PrometheusText.formatted(1.0, in: page.format))
        return page.text
    }

    @Test(
        "the page with default names parses; the only remark is the specification's milliseconds",
        .enabled(if: Promtool.path != nil, Comment(rawValue: missing)))
    func defaultNames() throws {
        let page = try Self.page()
        #expect(page.contains("http_server_duration_milliseconds_bucket{"))
        #expect(page.contains("# TYPE http_server_requests_total counter"))
        let result = try Promtool.checkMetrics(page)
        // 3 is "parsed, with lint remarks": the linter prefers base units, and the specification names the unit `ms`
        // gave the metric. Anything else it says is a failure.
        let remarks = result.output.split(separator: "\n").filter {
            !$0.hasPrefix("http_server_duration_milliseconds use base unit \"seconds\" instead of \"milliseconds\"")
        }
        #expect(
            result.status == 0 || (result.status == 3 && remarks.isEmpty),
            "promtool: \(result.status)\n\(result.output)\n\(page)")
    }

    @Test("the page without units is clean", .enabled(if: Promtool.path != nil, Comment(rawValue: missing)))
    func withoutUnits() throws {
        let page = try Self.page(options: PrometheusNamingOptions(addsUnitSuffixes: false))
        #expect(page.contains("http_server_duration_bucket{"))
        #expect(page.contains("http_server_requests_total{"))
        let result = try Promtool.checkMetrics(page)
        #expect(result.status == 0, "promtool: \(result.status)\n\(result.output)\n\(page)")
    }

    /// Proves that promtool really parses: the same page with an OpenMetrics HELP escape (`\"`), or with a label
    /// value left unescaped, is refused.
    @Test(
        "promtool refuses what the 0.0.4 helpers avoid", .enabled(if: Promtool.path != nil, Comment(rawValue: missing)))
    func refusals() throws {
        let page = try Self.page(options: PrometheusNamingOptions(addsUnitSuffixes: false))
        let openMetricsHelp = PrometheusText.escapedHelp("Requests \"served\"", in: .openMetrics100)
        let badHelp = page.replacingOccurrences(
            of: "# HELP http_server_requests_total ", with: "# HELP http_server_requests_total \(openMetricsHelp) ")
        #expect(try Promtool.checkMetrics(badHelp).status == 1)
        let badValue = page + "unescaped{route=\"/a\"b\"} 1\n"
        #expect(try Promtool.checkMetrics(badValue).status == 1)
    }
}
