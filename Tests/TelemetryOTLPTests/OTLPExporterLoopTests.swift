import Telemetry
@testable import TelemetryOTLP
import TelemetryTesting
import Testing

/// The exporter's retry loop against a scripted transport, on a clock the test moves.
@Suite("OTLP exporter retry loop")
struct OTLPExporterLoopTests {
    func exporter(
        _ transport: ScriptedTransport,
        clock: TestClock,
        logs: LogCapture = LogCapture(),
        _ configure: (inout OTLPExporterConfiguration) -> Void = { _ in },
        encoder: OTLPSpanExporter.Encoder? = nil
    ) throws -> OTLPSpanExporter {
        OTLPSpanExporter(
            configuration: try resolvedConfiguration(configure),
            transport: transport,
            logger: logs.logger(),
            clock: clock,
            jitter: { 1 },
            encoder: encoder
        )
    }

    @Test("Retry-After: 0 backs off on the clock instead of retrying at once")
    func retryAfterZero() async throws {
        let clock = TestClock()
        let transport = ScriptedTransport([.retryable(reason: "HTTP 429", retryAfter: .zero)])
        let exporter = try exporter(transport, clock: clock) {
            $0.retry = OTLPRetryPolicy(initialBackoff: .seconds(2), maxBackoff: .seconds(5))
        }
        let spans = try makeSpans(2)
        let start = clock.now
        let export = Task { try await exporter.export(spans) }
        try #require(await sleeps(before: export, on: clock), "the export waits to retry")
        #expect(transport.sends == 1)
        #expect(clock.nextDeadline == start.advanced(by: .seconds(2)))
        clock.advance(by: .seconds(2))
        try await export.value
        #expect(transport.sends == 2)
        #expect(exporter.statistics.retries == 1)
        #expect(exporter.statistics.exported == 2)
    }

    @Test("each attempt may take what is left of the export timeout")
    func attemptTimeouts() async throws {
        let clock = TestClock()
        let transport = ScriptedTransport([.retryable(reason: "HTTP 503", retryAfter: nil)])
        let exporter = try exporter(transport, clock: clock) {
            $0.timeout = .seconds(10)
            $0.retry = OTLPRetryPolicy(initialBackoff: .seconds(1))
        }
        let export = Task { try await exporter.export(try makeSpans()) }
        try #require(await sleeps(before: export, on: clock), "the export waits to retry")
        clock.advanceToNextDeadline()
        try await export.value
        #expect(transport.timeouts == [.seconds(10), .seconds(9)])
    }

    @Test("an export timeout of zero is no limit: the batch is sent, and retried however long it takes")
    func zeroTimeoutIsNoLimit() async throws {
        let clock = TestClock()
        let failure = OTLPSendResult.retryable(reason: "HTTP 503", retryAfter: .seconds(100_000))
        let transport = ScriptedTransport([failure, failure])
        let exporter = try exporter(transport, clock: clock) { $0.timeout = .zero }
        let export = Task { try await exporter.export(try makeSpans(3)) }
        for _ in 0..<2 {
            try #require(await sleeps(before: export, on: clock), "the export waits to retry")
            clock.advanceToNextDeadline()
        }
        try await export.value
        #expect(transport.timeouts == [nil, nil, nil])
        #expect(exporter.statistics.exported == 3)
    }

    @Test("retries stop when the next attempt could not start within the export timeout")
    func givesUpAtTheTimeout() async throws {
        let clock = TestClock()
        let transport = ScriptedTransport([], then: .retryable(reason: "HTTP 503", retryAfter: nil))
        let exporter = try exporter(transport, clock: clock) {
            $0.timeout = .seconds(3)
            $0.retry = OTLPRetryPolicy(initialBackoff: .seconds(1), maxBackoff: .seconds(5), multiplier: 2)
        }
        let export = Task { try await exporter.export(try makeSpans(4)) }
        // After 1 s of backoff the second attempt fails, and 2 s more would reach the 3 s timeout.
        try #require(await sleeps(before: export, on: clock), "the export waits to retry")
        clock.advance(by: .seconds(1))
        let error = await #expect(throws: OTLPExportError.self) { try await export.value }
        #expect(error?.attempts == 2)
        #expect(error?.description.contains("HTTP 503") == true)
        #expect(transport.sends == 2)
        #expect(exporter.statistics.retries == 1)
        #expect(exporter.statistics.failed == 4)
        #expect(clock.sleeperCount == 0)
    }

    @Test("a rejected batch is not retried")
    func rejectedIsFinal() async throws {
        let clock = TestClock()
        let transport = ScriptedTransport([.rejected(reason: "HTTP 400")])
        let exporter = try exporter(transport, clock: clock)
        await #expect(throws: OTLPExportError.self) { try await exporter.export(try makeSpans(2)) }
        #expect(transport.sends == 1)
        #expect(exporter.statistics.retries == 0)
        #expect(exporter.statistics.failed == 2)
    }

    @Test("cancellation during a retry wait fails the batch")
    func cancelledWhileWaiting() async throws {
        let clock = TestClock()
        let transport = ScriptedTransport([], then: .retryable(reason: "HTTP 503", retryAfter: nil))
        let exporter = try exporter(transport, clock: clock)
        let export = Task { try await exporter.export(try makeSpans()) }
        try #require(await sleeps(before: export, on: clock), "the export waits to retry")
        export.cancel()
        await #expect(throws: OTLPExportError.self) { try await export.value }
        #expect(transport.sends == 1)
        #expect(exporter.statistics.failed == 1)
    }

    @Test("a batch the encoder cannot encode is counted, logged once without data, and never sent")
    func encodingError() async throws {
        let clock = TestClock()
        let transport = ScriptedTransport([])
        let logs = LogCapture()
        let exporter = try exporter(transport, clock: clock, logs: logs, encoder: { _ in nil })
        let spans = try makeSpans(3, name: "private-span-name", attributes: ["user.email": "someone@example.com"])
        for _ in 0..<2 {
            let error = await #expect(throws: OTLPExportError.self) { try await exporter.export(spans) }
            #expect(error?.description.contains("encoded") == true)
        }
        #expect(transport.sends == 0)
        let statistics = exporter.statistics
        #expect(statistics.encodingErrors == 2)
        #expect(statistics.failedExports == 2)
        #expect(statistics.failed == 6)
        #expect(statistics.exported == 0)
        #expect(logs.errors.count == 1)
        #expect(!logs.contains("private-span-name") && !logs.contains("someone@example.com"))
    }
}
