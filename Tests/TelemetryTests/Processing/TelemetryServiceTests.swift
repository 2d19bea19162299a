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

    /// An application service that ends `count` spans, then returns or throws.
    struct SpanningApp: Service {
        let provider: TracerProvider
        let count: Int
        let throwsAtEnd: Bool

        func run() async throws {
            for index in 0..<count { provider.startSpan("span-\(index)").end() }
            if throwsAtEnd { throw TestError() }
        }
    }

    @Test("when the group cancels the service because the app returned or threw, every queued span is still exported",
          arguments: [false, true])
    func cancellationExportsEverything(appThrows: Bool) async throws {
        let exporter = ConnectionBoundExporter()
        var configuration = TelemetryConfiguration()
        configuration.traces.exporters = [exporter]
        configuration.traces.batchProcessor = .init(scheduleDelay: .seconds(3600))
        let telemetry = try TelemetrySystem.makeService(configuration, environment: [:])
        let app = SpanningApp(provider: telemetry.tracerProvider, count: 100, throwsAtEnd: appThrows)
        // Default termination behaviour: when the app returns or throws, the group cancels the telemetry service.
        let group = ServiceGroup(services: [telemetry, app], logger: Logger(label: "test"))
        // The group reports the app's early end or its error; either way the spans must be out.
        try? await group.run()
        #expect(exporter.exported == 100, "the exporter's connection stayed up for the final export")
        #expect(telemetry.tracerProvider.isShutdown)
    }

    @Test("a failure of the background work reaches the service group at once, after the final export")
    func backgroundFailure() async throws {
        struct FailingRunProcessor: SpanProcessor {
            func onEnd(_ span: RecordingSpan) {}
            func run() async throws { throw TestError() }
            func forceFlush() async throws {}
            func shutdown() async throws {}
        }
        var configuration = TelemetryConfiguration()
        configuration.traces.processors = [FailingRunProcessor()]
        let telemetry = try TelemetrySystem.makeService(configuration, environment: [:])
        let group = ServiceGroup(services: [telemetry], logger: Logger(label: "test"))
        await #expect(throws: TestError.self) { try await group.run() }
        #expect(telemetry.tracerProvider.isShutdown)
    }

    @Test("when shutdown misses its deadline, what is left is counted as dropped and the service still ends")
    func deadline() async throws {
        let exporter = ParkingExporter()
        let clock = TestClock()
        var configuration = TelemetryConfiguration()
        configuration.traces.exporters = [exporter]
        configuration.traces.batchProcessor = .init(scheduleDelay: .seconds(3600), exportTimeout: .zero)
        configuration.shutdownTimeout = .seconds(10)
        configuration.clock = clock
        let telemetry = try TelemetrySystem.makeService(configuration, environment: [:])
        for index in 0..<600 { telemetry.tracerProvider.startSpan("span-\(index)").end() }
        let group = ServiceGroup(services: [telemetry], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            await exporter.waitForStarts(1)
            await group.triggerGracefulShutdown()
            // The shutdown deadline's timer: the worker itself waits on the stuck export, not on the clock.
            await clock.waitForSleepers(count: 1)
            clock.advance(by: .seconds(10))
            try await tasks.waitForAll()
        }
        let statistics = try #require(telemetry.tracerProvider.processors.first?.statistics)
        #expect(statistics.dropped == 600, "the 512 spans stuck in the export and the 88 behind them")
        #expect(statistics.queued == 0)
        exporter.releaseAll()
    }

    @Test("the console exporter writes one line per span with ids, parent, name, kind, duration, status and attributes")
    func consoleLine() async throws {
        let lines = LineCollector()
        let provider = TracerProvider(processors: [try SimpleSpanProcessor(exporter: ConsoleSpanExporter(write: lines.append))])
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

@Test("console lines escape every control character, so a value cannot forge a line or drive the terminal")
func consoleEscapes() {
    let provider = TracerProvider(processors: [])
    let span = provider.startSpan("name\u{1B}[2J")
    span.attributes["key\nforged"] = "a\rb\u{0}c\u{7F}d\u{85}e\tf"
    span.end()
    guard let data = span.recordingSpan?.spanData else {
        Issue.record("a recorded span")
        return
    }
    let line = ConsoleSpanExporter.format(data)
    #expect(!line.unicodeScalars.contains { $0.properties.generalCategory == .control })
    #expect(line.contains(#"name="name\u{1b}[2J""#))
    #expect(line.contains(#"key\nforged="a\rb\u{0}c\u{7f}d\u{85}e\tf""#))
}

final class LineCollector: Sendable {
    private let storage = Mutex<[String]>([])
    var lines: [String] { storage.withLock { $0 } }
    func append(_ line: String) { storage.withLock { $0.append(line) } }
}
