import Synchronization
import Logging
import ServiceLifecycle
import Telemetry
import TelemetryTesting
import Testing
import Tracing

@Suite("TelemetryService")
struct TelemetryServiceTests {
    @Test("graceful shutdown of the service group flushes every span and shuts the exporter down")
    func gracefulShutdown() async throws {
        let exporter = InMemorySpanExporter()
        var configuration = TelemetryConfiguration()
        configuration.traces.exporters = [exporter]
        configuration.traces.batchProcessor = .init(scheduleDelay: .seconds(3600))
        let telemetry = try TelemetrySystem.makeService(configuration, environment: [:])
        let group = ServiceGroup(services: [telemetry], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            for index in 0..<100 {
                telemetry.tracerProvider.startSpan("span-\(index)").end()
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(exporter.spans.count == 100)
        #expect(exporter.isShutdown)
        #expect(telemetry.tracerProvider.isShutdown)
    }

    @Test("shutdown keeps its deadline when an export hangs")
    func deadline() async throws {
        var configuration = TelemetryConfiguration()
        configuration.traces.exporters = [HangingExporter(ignoresCancellation: true)]
        configuration.traces.batchProcessor = .init(exportTimeout: .seconds(3600))
        configuration.shutdownTimeout = .milliseconds(300)
        let telemetry = try TelemetrySystem.makeService(configuration, environment: [:])
        telemetry.tracerProvider.startSpan("stuck").end()
        let group = ServiceGroup(services: [telemetry], logger: Logger(label: "test"))
        let clock = ContinuousClock()
        let elapsed = try await clock.measure {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
        #expect(elapsed < .seconds(5))
    }

    @Test("the console exporter writes one line per span with ids, parent, name, kind, duration, status and attributes")
    func consoleLine() async throws {
        let lines = LineCollector()
        let provider = TracerProvider(processors: [SimpleSpanProcessor(exporter: ConsoleSpanExporter(write: lines.append))])
        let parent = provider.startSpan("parent", context: .topLevel, ofKind: .server, at: DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: 1_000_000_000))
        let child = provider.startSpan("child \"quoted\"", context: parent.context, ofKind: .client, at: DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: 1_000_000_000))
        child.attributes["http.response.status_code"] = 500
        child.attributes["url.path"] = "/orders"
        child.setStatus(SpanStatus(code: .error, message: "bad"))
        child.end(at: DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: 1_001_500_000))
        parent.end(at: DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: 1_002_000_000))
        try await provider.forceFlush()
        let output = lines.lines
        #expect(output.count == 2)
        let line = try #require(output.first)
        #expect(line.hasPrefix("1970-01-01T00:00:01.001Z "))
        #expect(line.contains("trace_id=\(child.spanContext.traceID.hexString)"))
        #expect(line.contains("span_id=\(child.spanContext.spanID.hexString)"))
        #expect(line.contains("parent_span_id=\(parent.spanContext.spanID.hexString)"))
        #expect(line.contains(#"name="child \"quoted\"""#))
        #expect(line.contains("kind=client"))
        #expect(line.contains("duration=1.5ms"))
        #expect(line.contains(#"status=error("bad")"#))
        #expect(line.contains(#"attributes={http.response.status_code=500, url.path="/orders"}"#))
        #expect(output[1].contains("parent_span_id=- name=\"parent\" kind=server duration=2.0ms status=unset"))
    }
}

final class LineCollector: Sendable {
    private let storage = Mutex<[String]>([])
    var lines: [String] { storage.withLock { $0 } }
    func append(_ line: String) { storage.withLock { $0.append(line) } }
}
