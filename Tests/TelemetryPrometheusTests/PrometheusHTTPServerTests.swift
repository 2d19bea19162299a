import Foundation
import Logging
import ServiceLifecycle
import Telemetry
import Testing

@testable import TelemetryPrometheus
@testable import PrometheusTestSupport

@Suite("The standalone /metrics endpoint")
struct PrometheusHTTPServerTests {
    let exporter = PrometheusExporter()
    /// Kept for the test's length: a reader holds its provider only weakly.
    let provider: MeterProvider

    init() {
        provider = MeterProvider(resource: Fixture.resource, readers: [exporter])
        provider.meter(name: "orders").makeCounter(name: "http.server.requests").add(7, attributes: Fixture.route)
    }

    @Test("GET /metrics serves the page, negotiated from Accept; HEAD serves its head")
    func serves() async throws {
        let server = try PrometheusHTTPServer(exporter: exporter, host: "127.0.0.1", port: 0)
        try await withRunningServer(server) { port in
            #expect(server.listeningPort == port)
            let text = try await RawHTTP.get(port: port, "/metrics")
            #expect(text.status == 200)
            #expect(text.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
            #expect(text.body.contains("http_server_requests_total{endpoint=\"/orders\""))
            #expect(text.headers["content-length"] == String(text.body.utf8.count))

            let openMetrics = try await RawHTTP.get(
                port: port, "/metrics?name[]=x",
                headers: ["Accept": "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"])
            #expect(openMetrics.status == 200)
            #expect(openMetrics.headers["content-type"] == "application/openmetrics-text; version=1.0.0; charset=utf-8")
            #expect(openMetrics.body.hasSuffix("# EOF\n"))

            let head = try await RawHTTP.get(port: port, "/metrics", method: "HEAD")
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
        }
    }

    @Test("other paths get 404, other methods 405, malformed requests 400, and the server keeps serving")
    func refuses() async throws {
        let server = try PrometheusHTTPServer(exporter: exporter, host: "127.0.0.1", port: 0)
        try await withRunningServer(server) { port in
            #expect(try await RawHTTP.get(port: port, "/").status == 404)
            #expect(try await RawHTTP.get(port: port, "/metricsx").status == 404)
            let post = try await RawHTTP.get(port: port, "/metrics", method: "POST")
            #expect(post.status == 405)
            #expect(post.headers["allow"] == "GET, HEAD")

            let garbage = try await RawHTTP.exchange(port: port, Array("NOT HTTP AT ALL\r\n\r\n".utf8))
            #expect(String(decoding: garbage, as: UTF8.self).hasPrefix("HTTP/1.1 400"))

            // A head far beyond the limit is refused rather than held.
            let huge = "GET /metrics HTTP/1.1\r\nX-Big: " + String(repeating: "a", count: 100_000) + "\r\n\r\n"
            let refused = try await RawHTTP.exchange(port: port, Array(huge.utf8))
            #expect(String(decoding: refused, as: UTF8.self).hasPrefix("HTTP/1.1 4"))

            // Two requests on one connection, the second closing it.
            let pipelined =
                "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            let both = String(decoding: try await RawHTTP.exchange(port: port, Array(pipelined.utf8)), as: UTF8.self)
            #expect(both.hasPrefix("HTTP/1.1 200"))
            #expect(both.contains("HTTP/1.1 404"))

            #expect(try await RawHTTP.get(port: port, "/metrics").status == 200)
        }
    }

    @Test("host and port come from code, then OTEL_EXPORTER_PROMETHEUS_HOST/_PORT, then localhost:9464")
    func configuration() throws {
        let defaults = try PrometheusHTTPServer(exporter: exporter, environment: [:])
        #expect(defaults.host == "localhost")
        #expect(defaults.port == 9464)
        let fromEnvironment = try PrometheusHTTPServer(
            exporter: exporter,
            environment: ["OTEL_EXPORTER_PROMETHEUS_HOST": "0.0.0.0", "OTEL_EXPORTER_PROMETHEUS_PORT": "9100"])
        #expect(fromEnvironment.host == "0.0.0.0")
        #expect(fromEnvironment.port == 9100)
        let fromCode = try PrometheusHTTPServer(
            exporter: exporter, host: "127.0.0.1", port: 8080, environment: ["OTEL_EXPORTER_PROMETHEUS_PORT": "9100"])
        #expect(fromCode.host == "127.0.0.1")
        #expect(fromCode.port == 8080)
        let badVariable = try PrometheusHTTPServer(
            exporter: exporter, environment: ["OTEL_EXPORTER_PROMETHEUS_PORT": "99999"])
        #expect(badVariable.port == 9464)
        #expect(throws: TelemetryConfigurationError.self) {
            try PrometheusHTTPServer(
                exporter: exporter,
                environment: ["OTEL_EXPORTER_PROMETHEUS_PORT": "http", "SWIFT_TELEMETRY_STRICT_CONFIGURATION": "true"])
        }
        #expect(throws: TelemetryConfigurationError.self) { try PrometheusHTTPServer(exporter: exporter, port: 70000) }
    }

    @Test("graceful shutdown of its ServiceGroup stops the server and closes its connections")
    func serviceGroup() async throws {
        let server = try PrometheusHTTPServer(exporter: exporter, host: "127.0.0.1", port: 0)
        let (ports, portReady) = AsyncStream<Int>.makeStream()
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: ReportingPort(server: server, ready: portReady))],
                logger: Logger(label: "test")))
        let running = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        // A kept-alive connection stays open after its scrape; it must not hold the shutdown up, and is closed.
        let idle = try await RawHTTP.Connection.open(port: port)
        defer { idle.close() }
        try await idle.send(Array("GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: application/openmetrics-text\r\n\r\n".utf8))
        let answered = try await idle.read(until: "# EOF")
        #expect(answered.hasPrefix("HTTP/1.1 200"))
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(server.listeningPort == nil)
        #expect(try await idle.readToEnd().isEmpty)
        await #expect(throws: (any Error).self) { try await RawHTTP.get(port: port, "/metrics") }
    }
}

/// Runs a server in a service group, reporting its port.
struct ReportingPort: Service {
    let server: PrometheusHTTPServer
    let ready: AsyncStream<Int>.Continuation

    func run() async throws {
        try await server.run(onListening: { ready.yield($0) })
    }
}
