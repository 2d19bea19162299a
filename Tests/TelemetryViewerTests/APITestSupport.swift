import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Telemetry
import Testing

@testable import TelemetryViewer

/// Test data for the API, UI and browser tests: a checkout that failed across two services, a health check, a span
/// with a hostile name, a series of quick requests, logs inside and outside traces, and three kinds of metrics.
enum ViewerFixture {
    static let second: UInt64 = 1_000_000_000
    static let millisecond: UInt64 = 1_000_000
    /// The pinned "now" of the web server, so that lookbacks are deterministic.
    static let now: UInt64 = 1_795_000_000 * second
    static let hostileName = "<script>alert(1)</script>"
    static let hostileAttribute = "\"><img src=x onerror=alert(2)>"

    static let checkoutTrace = TraceID(high: 0x0AF7_6519_16CD_43DD, low: 0x8448_EB21_1C80_319C)
    static let healthTrace = TraceID(high: 0x1111, low: 0x2222)
    static let hostileTrace = TraceID(high: 0x3333, low: 0x4444)
    static func quickTrace(_ n: UInt64) -> TraceID { TraceID(high: 0x5555, low: n) }

    static let frontend = ReceivedResource(attributes: [
        KeyValue("service.name", .string("frontend")), KeyValue("service.version", .string("2.1.0")),
        KeyValue("host.name", .string("web-1")),
    ])
    static let payments = ReceivedResource(attributes: [KeyValue("service.name", .string("payments"))])
    static let scope = ReceivedScope(name: "io.opentelemetry.test", version: "1.2.3")

    static let checkoutRoot = SpanID(0xB7AD_6B71_6920_3331)
    static let paySpan = SpanID(0x00F0_67AA_0BA9_02B7)
    static let querySpan = SpanID(0x0000_0000_0000_0C01)

    static var checkoutStart: UInt64 { now - 10 * 60 * second }

    static var spans: [ReceivedSpan] {
        let start = checkoutStart
        var spans = [
            ReceivedSpan(
                resource: frontend, scope: scope, traceID: checkoutTrace, spanID: checkoutRoot, flags: 1,
                name: "GET /checkout", kind: .server, startTimeUnixNano: start, endTimeUnixNano: start + 1500 * millisecond,
                attributes: [
                    KeyValue("http.request.method", .string("GET")), KeyValue("http.status_code", .int(500)),
                    KeyValue("http.route", .string("/checkout")), KeyValue("retry.ratio", .double(0.25)),
                    KeyValue("cache.hit", .bool(false)), KeyValue("payload", .bytes([1, 2, 3])),
                    KeyValue("tags", .array([.string("a"), .string("b")])),
                ],
                statusCode: .error, statusMessage: "payment declined"
            ),
            ReceivedSpan(
                resource: payments, scope: scope, traceID: checkoutTrace, spanID: paySpan, parentSpanID: checkoutRoot,
                name: "POST /pay", kind: .client, startTimeUnixNano: start + 100 * millisecond,
                endTimeUnixNano: start + 1300 * millisecond,
                attributes: [KeyValue("payment.provider", .string("acme"))],
                events: [
                    ReceivedSpan.Event(
                        timeUnixNano: start + 600 * millisecond, name: "retry",
                        attributes: [KeyValue("attempt", .int(2))]
                    )
                ],
                links: [ReceivedSpan.Link(traceID: healthTrace, spanID: SpanID(0x77))],
                statusCode: .ok
            ),
            ReceivedSpan(
                resource: payments, scope: scope, traceID: checkoutTrace, spanID: querySpan, parentSpanID: paySpan,
                name: "SELECT orders", kind: .internal, startTimeUnixNano: start + 200 * millisecond,
                endTimeUnixNano: start + 400 * millisecond, attributes: [KeyValue("db.system", .string("sqlite"))]
            ),
            ReceivedSpan(
                resource: frontend, scope: scope, traceID: healthTrace, spanID: SpanID(0x77), name: "GET /health",
                kind: .server, startTimeUnixNano: now - 5 * 60 * second, endTimeUnixNano: now - 5 * 60 * second + 5 * millisecond,
                attributes: [KeyValue("http.status_code", .int(200))], statusCode: .ok
            ),
            ReceivedSpan(
                resource: frontend, scope: scope, traceID: hostileTrace, spanID: SpanID(0x99), name: hostileName,
                kind: .server, startTimeUnixNano: now - 4 * 60 * second, endTimeUnixNano: now - 4 * 60 * second + 50 * millisecond,
                attributes: [KeyValue("user.input", .string(hostileAttribute))]
            ),
        ]
        for n in 1...6 {
            let start = now - UInt64(30 - n) * 60 * second
            spans.append(
                ReceivedSpan(
                    resource: frontend, scope: scope, traceID: quickTrace(UInt64(n)), spanID: SpanID(0x1000 + UInt64(n)),
                    name: "GET /items", kind: .server, startTimeUnixNano: start, endTimeUnixNano: start + 10 * millisecond,
                    attributes: [KeyValue("http.status_code", .int(200))]
                )
            )
        }
        return spans
    }

    static let errorLogBody = "payment failed: <b>card declined</b>"

    static var logs: [ReceivedLogRecord] {
        [
            ReceivedLogRecord(
                resource: payments, scope: scope, timeUnixNano: checkoutStart + 700 * millisecond, severityNumber: 17,
                severityText: "ERROR", body: .string(errorLogBody), attributes: [KeyValue("attempt", .int(2))],
                traceID: checkoutTrace, spanID: paySpan
            ),
            ReceivedLogRecord(
                resource: frontend, scope: scope, timeUnixNano: checkoutStart + 50 * millisecond, severityNumber: 9,
                severityText: "INFO", body: .string("checkout started"), traceID: checkoutTrace, spanID: checkoutRoot
            ),
            ReceivedLogRecord(
                resource: frontend, scope: scope, timeUnixNano: now - 2 * 60 * second, severityNumber: 13,
                body: .string("cache almost full")
            ),
        ]
    }

    static var metrics: [ReceivedMetric] {
        let start = now - 20 * 60 * second
        let times = (1...20).map { start + UInt64($0) * 60 * second }
        let counter = ReceivedMetric(
            resource: frontend, scope: scope, name: "http.server.requests", description: "Requests served", unit: "{request}",
            data: .sum(
                times.enumerated().map { index, time in
                    ReceivedMetric.NumberPoint(
                        attributes: [KeyValue("http.route", .string("/checkout"))], startTimeUnixNano: start,
                        timeUnixNano: time, value: .int(Int64(index + 1) * 120)
                    )
                },
                temporality: .cumulative, isMonotonic: true
            )
        )
        let histogram = ReceivedMetric(
            resource: frontend, scope: scope, name: "http.server.request.duration", description: "Request latency", unit: "s",
            data: .histogram(
                times.enumerated().map { index, time in
                    let n = UInt64(index + 1)
                    return ReceivedMetric.HistogramPoint(
                        startTimeUnixNano: start, timeUnixNano: time, count: 100 * n, sum: Double(n) * 20,
                        bucketCounts: [50 * n, 30 * n, 15 * n, 5 * n], explicitBounds: [0.1, 0.25, 0.5]
                    )
                },
                temporality: .cumulative
            )
        )
        let gauge = ReceivedMetric(
            resource: payments, scope: scope, name: "process.memory.usage", unit: "By",
            data: .gauge(times.enumerated().map { index, time in
                ReceivedMetric.NumberPoint(timeUnixNano: time, value: .double(1_000_000 + Double(index % 5) * 250_000))
            })
        )
        return [counter, histogram, gauge]
    }

    /// An in-memory store holding the fixture, everything committed.
    static func store() async throws -> TelemetryStore {
        let store = try TelemetryStore.inMemory(configuration: StoreConfiguration(maximumAge: nil, maximumSizeBytes: nil))
        try await store.submit(ReceivedBatch(spans: spans, metrics: metrics, logRecords: logs))
        await store.flush()
        return store
    }
}

/// Runs the web server over `store` on a free port for the duration of `body`.
func withViewerServer<Result>(
    store: TelemetryStore,
    now: UInt64 = ViewerFixture.now,
    _ body: (Int) async throws -> Result
) async throws -> Result {
    let server = ViewerWebServer(configuration: .init(port: 0), store: store, now: { now }, logger: Logger(label: "viewer-test"))
    let group = ServiceGroup(services: [server], logger: Logger(label: "viewer-test"))
    let running = Task { try await group.run() }
    do {
        let port = try await server.port
        let result = try await body(port)
        await group.triggerGracefulShutdown()
        try await running.value
        return result
    } catch {
        await group.triggerGracefulShutdown()
        _ = try? await running.value
        throw error
    }
}

/// A GET answer: status, content type and body text.
struct ViewerHTTPAnswer {
    var status: Int
    var contentType: String
    var text: String

    /// The body as JSON.
    func json() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text.prefix(300))")
    }

    /// Jaeger's `data` array.
    func dataArray() throws -> [[String: Any]] {
        try #require(try json()["data"] as? [[String: Any]], "no data array: \(text.prefix(300))")
    }
}

func viewerGET(_ port: Int, _ path: String) async throws -> ViewerHTTPAnswer {
    let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    let body = try await response.body.collect(upTo: 32 * 1024 * 1024)
    return ViewerHTTPAnswer(
        status: Int(response.status.code),
        contentType: response.headers.first(name: "content-type") ?? "",
        text: String(buffer: body)
    )
}

/// Query-string encoding for test URLs.
func viewerQuery(_ value: String) -> String {
    URLComponentEncoding.encode(value)
}

/// The `telemetrygen` and `telemetry-viewer` executables built next to the test bundle.
enum ViewerExecutables {
    static func path(_ name: String) throws -> String {
        var candidates: [String] = []
        if let override = ProcessInfo.processInfo.environment["TELEMETRY_TEST_BIN_DIR"] { candidates.append(override + "/" + name) }
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent(name).path)
            directory = directory.deletingLastPathComponent()
        }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(packageRoot.appendingPathComponent(".build/debug/\(name)").path)
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw ViewerTestError("\(name) is not built; looked in \(candidates)")
        }
        return found
    }
}

struct ViewerTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
