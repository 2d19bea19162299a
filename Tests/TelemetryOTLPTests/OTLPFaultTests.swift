import Foundation
import Logging
import ServiceLifecycle
import Telemetry
@testable import TelemetryOTLP
import TelemetryTesting
import Testing
import Tracing

@Suite("OTLP transport features and faults, against the Python receiver", .serialized)
struct OTLPFaultTests {
    func endSpans(_ pipeline: Pipeline, count: Int) {
        let tracer = pipeline.provider.tracer(name: "faults")
        for _ in 0..<count { tracer.startSpan("span", kind: .internal).end() }
    }

    @Test("gzip really compresses over HTTP: Content-Encoding and the bytes on the wire")
    func gzipHTTP() async throws {
        let receiver = try await OTLPReceiver()
        defer { receiver.stop() }
        var configuration = OTLPExporterConfiguration.receiver(receiver, .httpProtobuf)
        configuration.compression = .gzip
        let pipeline = try Pipeline(configuration)
        endSpans(pipeline, count: 10)
        try await pipeline.provider.forceFlush()
        #expect(try await receiver.waitForSpans(10))
        let request = try #require(receiver.requests.first)
        #expect(request["content_encoding"] as? String == "gzip")
        #expect(request["gzip"] as? Bool == true, "the body starts with the gzip magic bytes")
        #expect(spanCount(request) == 10)
        try await pipeline.shutdown()
    }

    @Test("gzip really compresses over gRPC: the message's compressed flag on the wire", arguments: [true, false])
    func gzipGRPC(compress: Bool) async throws {
        let receiver = try await OTLPReceiver()
        defer { receiver.stop() }
        var configuration = OTLPExporterConfiguration()
        configuration.protocol = .grpc
        configuration.endpoint = "http://127.0.0.1:\(receiver.grpcProxyPort)"
        configuration.compression = compress ? .gzip : OTLPCompression.none
        let pipeline = try Pipeline(configuration)
        endSpans(pipeline, count: 10)
        try await pipeline.provider.forceFlush()
        #expect(try await receiver.waitUntil { $0.contains { $0["grpc_message_compressed"] != nil } && $0.contains { $0["request"] != nil } })
        let flags = receiver.records.compactMap { $0["grpc_message_compressed"] as? Bool }
        #expect(flags == [compress])
        #expect(receiver.spans.count == 10)
        try await pipeline.shutdown()
    }

    @Test("headers reach the collector over both transports", arguments: [OTLPProtocol.grpc, .httpJSON])
    func headers(protocol: OTLPProtocol) async throws {
        let receiver = try await OTLPReceiver()
        defer { receiver.stop() }
        var configuration = OTLPExporterConfiguration.receiver(receiver, `protocol`)
        configuration.headers = ["X-API-Key": "secret value"]
        let pipeline = try Pipeline(configuration)
        endSpans(pipeline, count: 1)
        try await pipeline.provider.forceFlush()
        #expect(try await receiver.waitForSpans(1))
        let request = try #require(receiver.requests.first)
        let headers = (request["headers"] ?? request["metadata"]) as? [String: String]
        #expect(headers?["x-api-key"] == "secret value")
        try await pipeline.shutdown()
    }

    @Test("a receiver that is down at start gets the spans once it comes up", arguments: [OTLPProtocol.grpc, .httpProtobuf])
    func receiverStartsLate(protocol: OTLPProtocol) async throws {
        let port = try freePort()
        var configuration = OTLPExporterConfiguration()
        configuration.protocol = `protocol`
        configuration.endpoint = `protocol` == .grpc ? "http://127.0.0.1:\(port)" : "http://127.0.0.1:\(port)/v1/traces"
        configuration.retry = OTLPRetryPolicy(initialBackoff: .milliseconds(200), maxBackoff: .seconds(1))
        configuration.timeout = .seconds(30)
        let clock = SleepSignallingClock()
        let pipeline = try Pipeline(configuration, exporterClock: clock)
        endSpans(pipeline, count: 5)
        let flush = Task { try await pipeline.provider.forceFlush() }
        // The exporter waits to retry only after an attempt failed: the receiver really was down.
        await clock.waitForFirstSleep()
        #expect(pipeline.exporter.statistics.retries >= 1)
        let portArgument = `protocol` == .grpc ? "--grpc-port" : "--http-port"
        let receiver = try await OTLPReceiver(arguments: [portArgument, String(port)])
        defer { receiver.stop() }
        let upAt = Date().timeIntervalSince1970
        try await flush.value
        #expect(try await receiver.waitForSpans(5))
        let request = try #require(receiver.requests.first)
        let deliveredAfter = (request["time"] as? Double ?? 0) - upAt
        print("otlp-fault receiver-starts-late \(`protocol`.rawValue): delivered \(String(format: "%.2f", deliveredAfter)) s after the receiver came up, after \(pipeline.exporter.statistics.retries) retries")
        #expect(receiver.spans.count == 5)
        #expect(pipeline.exporter.statistics.exported == 5)
        try await pipeline.shutdown()
    }

    @Test("503 with Retry-After: the retry waits at least that long, then succeeds")
    func retryAfter() async throws {
        let receiver = try await OTLPReceiver(fault: #"{"http_status": 503, "retry_after": "1", "times": 1}"#)
        defer { receiver.stop() }
        let clock = TestClock()
        let pipeline = try Pipeline(.receiver(receiver, .httpProtobuf), exporterClock: clock)
        endSpans(pipeline, count: 3)
        let flush = Task { try await pipeline.provider.forceFlush() }
        #expect(await sleeps(before: flush, on: clock), "the 503 is retried after a wait")
        let wait = clock.nextDeadline.map { clock.now.duration(to: $0) }
        #expect(wait.map { $0 >= .seconds(1) } == true, "the wait honours Retry-After: 1, not \(String(describing: wait))")
        #expect(receiver.spans.isEmpty, "nothing is retried before the wait ends")
        clock.advanceToNextDeadline()
        try await flush.value
        #expect(try await receiver.waitForSpans(3))
        #expect(pipeline.exporter.statistics.retries == 1)
        #expect(pipeline.exporter.statistics.exported == 3)
        try await pipeline.shutdown()
    }

    @Test("400 drops the batch with a diagnostic and no retry")
    func badRequest() async throws {
        let receiver = try await OTLPReceiver(fault: #"{"http_status": 400}"#)
        defer { receiver.stop() }
        let pipeline = try Pipeline(.receiver(receiver, .httpProtobuf))
        endSpans(pipeline, count: 4)
        try await pipeline.provider.forceFlush()
        #expect(try await receiver.waitUntil { $0.contains { $0["fault"] as? Int == 400 } })
        #expect(receiver.records.filter { $0["fault"] as? Int == 400 }.count == 1)
        #expect(pipeline.exporter.statistics.retries == 0)
        #expect(pipeline.exporter.statistics.failed == 4)
        #expect(pipeline.processor.statistics.failed == 4)
        try await pipeline.shutdown()
    }

    @Test("a 2xx whose body is larger than the cap is a success, not a retry")
    func largeSuccessBody() async throws {
        let size = OTLPHTTPTransport.maximumResponseSize + 1024 * 1024
        let receiver = try await OTLPReceiver(fault: #"{"large_body": \#(size)}"#)
        defer { receiver.stop() }
        var configuration = OTLPExporterConfiguration.receiver(receiver, .httpProtobuf)
        configuration.timeout = .seconds(5)
        configuration.retry = OTLPRetryPolicy(initialBackoff: .milliseconds(200), maxBackoff: .milliseconds(500))
        let pipeline = try Pipeline(configuration)
        endSpans(pipeline, count: 3)
        try await pipeline.provider.forceFlush()
        #expect(try await receiver.waitForSpans(3))
        #expect(pipeline.exporter.statistics.exported == 3)
        #expect(pipeline.exporter.statistics.retries == 0)
        #expect(pipeline.exporter.statistics.failed == 0)
        #expect(receiver.requests.count == 1, "sent once")
        try await pipeline.shutdown()
    }

    @Test("the signal endpoint is used as is: its query string reaches the collector, its user-info never leaves")
    func endpointAsIs() async throws {
        let receiver = try await OTLPReceiver()
        defer { receiver.stop() }
        let secret = "pa55w0rd"
        var configuration = OTLPExporterConfiguration()
        configuration.protocol = .httpProtobuf
        configuration.endpoint = "http://alice:\(secret)@127.0.0.1:\(receiver.httpPort)/v1/traces?tenant=a%20b&region=eu"
        let logs = LogCapture()
        let pipeline = try Pipeline(configuration, logger: logs.logger())
        #expect(pipeline.exporter.endpointDescription == "http/protobuf http://127.0.0.1:\(receiver.httpPort)/v1/traces?tenant=a%20b&region=eu")
        endSpans(pipeline, count: 1)
        try await pipeline.provider.forceFlush()
        #expect(try await receiver.waitForSpans(1))
        let request = try #require(receiver.requests.first)
        #expect(request["path"] as? String == "/v1/traces?tenant=a%20b&region=eu")
        let headers = request["headers"] as? [String: String] ?? [:]
        #expect(headers["authorization"] == nil)
        #expect(!headers.values.contains { $0.contains(secret) })
        #expect(!logs.contains(secret))
        try await pipeline.shutdown()
    }

    @Test("a partial success is decoded and reported", arguments: [OTLPProtocol.grpc, .httpProtobuf, .httpJSON])
    func partialSuccess(protocol: OTLPProtocol) async throws {
        let receiver = try await OTLPReceiver(fault: #"{"partial": [3, "three spans were too old"]}"#)
        defer { receiver.stop() }
        let pipeline = try Pipeline(.receiver(receiver, `protocol`))
        endSpans(pipeline, count: 10)
        try await pipeline.provider.forceFlush()
        let statistics = pipeline.exporter.statistics
        #expect(statistics.rejected == 3)
        #expect(statistics.exported == 7)
        #expect(statistics.retries == 0)
        try await pipeline.shutdown()
    }

    @Test("gRPC UNAVAILABLE is retried")
    func grpcUnavailable() async throws {
        let receiver = try await OTLPReceiver(fault: #"{"grpc_status": "UNAVAILABLE", "times": 2}"#)
        defer { receiver.stop() }
        var configuration = OTLPExporterConfiguration.receiver(receiver, .grpc)
        configuration.retry = OTLPRetryPolicy(initialBackoff: .milliseconds(100))
        let pipeline = try Pipeline(configuration)
        endSpans(pipeline, count: 2)
        try await pipeline.provider.forceFlush()
        #expect(pipeline.exporter.statistics.retries == 2)
        #expect(try await receiver.waitForSpans(2))
        #expect(receiver.spans.count == 2)
        try await pipeline.shutdown()
    }

    @Test("gRPC RESOURCE_EXHAUSTED is retried only with RetryInfo, after its delay")
    func grpcResourceExhausted() async throws {
        let withInfo = try await OTLPReceiver(fault: #"{"grpc_retry_info_seconds": 1, "times": 1}"#)
        defer { withInfo.stop() }
        let clock = TestClock()
        let pipeline = try Pipeline(.receiver(withInfo, .grpc), exporterClock: clock)
        endSpans(pipeline, count: 1)
        let flush = Task { try await pipeline.provider.forceFlush() }
        #expect(await sleeps(before: flush, on: clock), "RESOURCE_EXHAUSTED with RetryInfo is retried after a wait")
        let wait = clock.nextDeadline.map { clock.now.duration(to: $0) }
        #expect(wait.map { $0 >= .seconds(1) } == true, "the wait honours RetryInfo's 1 s, not \(String(describing: wait))")
        clock.advanceToNextDeadline()
        try await flush.value
        #expect(pipeline.exporter.statistics.retries == 1)
        #expect(try await withInfo.waitForSpans(1))
        try await pipeline.shutdown()

        let without = try await OTLPReceiver(fault: #"{"grpc_status": "RESOURCE_EXHAUSTED"}"#)
        defer { without.stop() }
        let second = try Pipeline(.receiver(without, .grpc))
        endSpans(second, count: 1)
        try await second.provider.forceFlush()
        #expect(second.exporter.statistics.retries == 0)
        #expect(second.exporter.statistics.failed == 1)
        try await second.shutdown()
    }

    @Test("shutdown keeps its deadline when the endpoint never answers", arguments: [OTLPProtocol.grpc, .httpProtobuf])
    func blackHole(protocol: OTLPProtocol) async throws {
        let receiver = try await OTLPReceiver(fault: #"{"blackhole": true}"#)
        defer { receiver.stop() }
        var configuration = TelemetryConfiguration()
        var exporterConfiguration = OTLPExporterConfiguration.receiver(receiver, `protocol`)
        exporterConfiguration.timeout = .seconds(60)
        configuration.traces.exporters = [try OTLPSpanExporter(configuration: exporterConfiguration, environment: [:])]
        // A zero delay: the worker exports the span at once, so the only timers on the clock are the export's
        // timeout and, once shutdown begins, its deadline.
        configuration.traces.batchProcessor = .init(scheduleDelay: .zero, exportTimeout: .seconds(30))
        configuration.shutdownTimeout = .seconds(2)
        let clock = TestClock()
        configuration.clock = clock
        let telemetry = try TelemetrySystem.makeService(configuration, environment: [:])
        telemetry.tracerProvider.startSpan("lost").end()
        let group = ServiceGroup(services: [telemetry], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            await clock.waitForSleepers(count: 1)
            await group.triggerGracefulShutdown()
            await clock.waitForSleepers(count: 2)
            clock.advance(by: .seconds(2))
            try await tasks.waitForAll()
        }
        let statistics = try #require(telemetry.tracerProvider.processors.first?.statistics)
        #expect(statistics.dropped == 1, "the span stuck in the export is counted when the deadline passes")
    }

    @Test("an unreachable endpoint fails the batch within the export timeout")
    func unreachable() async throws {
        let port = try freePort()
        var configuration = OTLPExporterConfiguration()
        configuration.endpoint = "http://127.0.0.1:\(port)/v1/traces"
        configuration.timeout = .milliseconds(800)
        configuration.retry = OTLPRetryPolicy(initialBackoff: .milliseconds(100), maxBackoff: .milliseconds(200))
        let clock = TestClock()
        let pipeline = try Pipeline(configuration, exporterClock: clock)
        endSpans(pipeline, count: 3)
        let flush = Task { try await pipeline.provider.forceFlush() }
        // Each wait is at least 50 ms of the 800 ms budget, so this ends after a bounded number of attempts.
        var waits = 0
        while await sleeps(before: flush, on: clock) {
            waits += 1
            clock.advanceToNextDeadline()
        }
        try await flush.value
        #expect(waits <= 16)
        #expect(pipeline.exporter.statistics.failed == 3)
        #expect(pipeline.exporter.statistics.retries >= 2)
        try await pipeline.shutdown()
    }
}
