import Synchronization
@testable import Telemetry
import TelemetryTesting
import Testing
import Tracing

/// Parks every export until released, ignoring cancellation like an exporter stuck in a blocking call, and records
/// how many exports ever ran at once.
final class ParkingExporter: SpanExporter {
    private struct State {
        var parked: [CheckedContinuation<Void, Never>] = []
        var started = 0
        var running = 0
        var maxRunning = 0
        var cancellations = 0
        var startWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
        var cancelWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    var maxRunning: Int { state.withLock { $0.maxRunning } }
    var started: Int { state.withLock { $0.started } }

    func export(_ batch: [SpanData]) async throws {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                    state.parked.append(continuation)
                    state.started += 1
                    state.running += 1
                    state.maxRunning = max(state.maxRunning, state.running)
                    let started = state.started
                    defer { state.startWaiters.removeAll { $0.count <= started } }
                    return state.startWaiters.filter { $0.count <= started }.map(\.continuation)
                }
                ready.forEach { $0.resume() }
            }
        } onCancel: {
            let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.cancellations += 1
                defer { state.cancelWaiters.removeAll() }
                return state.cancelWaiters
            }
            waiters.forEach { $0.resume() }
        }
        state.withLock { $0.running -= 1 }
    }

    /// Returns once `count` exports have started.
    func waitForStarts(_ count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.started >= count { return true }
                state.startWaiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Returns once an export has been cancelled.
    func waitForCancellation() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.cancellations > 0 { return true }
                state.cancelWaiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Lets every parked export return.
    func releaseAll() {
        state.withLock { state -> [CheckedContinuation<Void, Never>] in
            defer { state.parked.removeAll() }
            return state.parked
        }.forEach { $0.resume() }
    }
}

struct FailingExporter: SpanExporter {
    func export(_ batch: [SpanData]) async throws { throw TestError() }
}

/// Accepts exports only while its `run()` is active, like an exporter whose connection lives in `run()`.
final class ConnectionBoundExporter: SpanExporter, LogRecordExporter {
    private struct State {
        var running = false
        var exported = 0
        var shutdown: CheckedContinuation<Void, Never>?
        var isShutdown = false
        var runWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    var exported: Int { state.withLock { $0.exported } }

    func run() async throws {
        state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.running = true
            defer { state.runWaiters.removeAll() }
            return state.runWaiters
        }.forEach { $0.resume() }
        // Like a real connection, it ends on shutdown or when its task is cancelled.
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let done = state.withLock { state -> Bool in
                    if state.isShutdown || Task.isCancelled { return true }
                    state.shutdown = continuation
                    return false
                }
                if done { continuation.resume() }
            }
        } onCancel: {
            state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.shutdown = nil }
                return state.shutdown
            }?.resume()
        }
        state.withLock { $0.running = false }
    }

    /// Returns once `run()` has started.
    func waitUntilRunning() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.running { return true }
                state.runWaiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    func export(_ batch: [SpanData]) async throws {
        try record(batch.count)
    }

    func record(_ count: Int) throws {
        try state.withLock { state in
            guard state.running else { throw TestError() }
            state.exported += count
        }
    }

    func export(_ batch: [LogRecordData]) async throws {
        try record(batch.count)
    }

    func forceFlush() async throws {}

    func shutdown() async {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.isShutdown = true
            defer { state.shutdown = nil }
            return state.shutdown
        }
        continuation?.resume()
    }
}

@Suite("BatchSpanProcessor")
struct BatchSpanProcessorTests {
    func endSpans(_ count: Int, provider: TracerProvider, prefix: String = "span") {
        for index in 0..<count {
            provider.startSpan("\(prefix)-\(index)").end()
        }
    }

    @Test("a full batch is exported at once, without the schedule delay passing")
    func exportsEarly() async throws {
        let exporter = InMemorySpanExporter()
        let clock = TestClock()
        let processor = try BatchSpanProcessor(
            exporter: exporter,
            configuration: .init(scheduleDelay: .seconds(5), maxQueueSize: 100, maxExportBatchSize: 4),
            clock: clock
        )
        let provider = TracerProvider(processors: [processor])
        let worker = Task { try await processor.run() }
        endSpans(4, provider: provider)
        let spans = await exporter.waitForSpans(count: 4)
        #expect(spans.count == 4)
        #expect(exporter.exportCount == 1)
        try await processor.shutdown()
        try await worker.value
    }

    @Test("a partial batch waits for the schedule delay on the clock, then is exported")
    func exportsOnSchedule() async throws {
        let exporter = InMemorySpanExporter()
        let clock = TestClock()
        let processor = try BatchSpanProcessor(
            exporter: exporter,
            configuration: .init(scheduleDelay: .seconds(5), maxExportBatchSize: 512),
            clock: clock
        )
        let provider = TracerProvider(processors: [processor])
        let worker = Task { try await processor.run() }
        endSpans(3, provider: provider)
        await clock.waitForSleepers(count: 1)
        #expect(exporter.exportCount == 0, "nothing goes out before the delay")
        let deadline = try #require(clock.nextDeadline)
        #expect(clock.now.duration(to: deadline) <= .seconds(5))
        clock.advance(by: .seconds(5))
        let spans = await exporter.waitForSpans(count: 3)
        #expect(spans.map(\.name) == ["span-0", "span-1", "span-2"])
        try await processor.shutdown()
        try await worker.value
    }

    @Test("a schedule delay of zero exports each span without a timer, and an idle worker does not spin")
    func zeroDelay() async throws {
        let exporter = InMemorySpanExporter()
        let clock = TestClock()
        let processor = try BatchSpanProcessor(exporter: exporter, configuration: .init(scheduleDelay: .zero), clock: clock)
        let provider = TracerProvider(processors: [processor])
        let worker = Task { try await processor.run() }
        for index in 1...3 {
            provider.startSpan("span").end()
            #expect(await exporter.waitForSpans(count: index).count == index)
        }
        #expect(clock.sleeperCount == 0, "no timer runs while the queue is empty")
        try await processor.shutdown()
        try await worker.value
    }

    @Test("the queue is bounded: what does not fit is dropped and counted, and nothing is allocated up front")
    func bounded() async throws {
        let exporter = InMemorySpanExporter()
        let processor = try BatchSpanProcessor(
            exporter: exporter,
            configuration: .init(scheduleDelay: .seconds(3600), maxQueueSize: 10, maxExportBatchSize: 5)
        )
        let provider = TracerProvider(processors: [processor])
        endSpans(25, provider: provider)
        #expect(processor.statistics.queued == 10)
        #expect(processor.statistics.dropped == 15)
        try await processor.forceFlush()
        #expect(exporter.spans.count == 10)
        #expect(processor.statistics.exported == 10)
        _ = try BatchSpanProcessor(exporter: exporter, configuration: .init(maxQueueSize: Int.max, maxExportBatchSize: 512))
    }

    @Test("forceFlush drains the queue in batches, in order, without a running worker")
    func forceFlush() async throws {
        let exporter = InMemorySpanExporter()
        let processor = try BatchSpanProcessor(
            exporter: exporter,
            configuration: .init(scheduleDelay: .seconds(3600), maxQueueSize: 100, maxExportBatchSize: 3)
        )
        let provider = TracerProvider(processors: [processor])
        endSpans(10, provider: provider)
        try await provider.forceFlush()
        #expect(exporter.spans.map(\.name) == (0..<10).map { "span-\($0)" })
        #expect(exporter.exportCount == 4)
        #expect(processor.statistics.queued == 0)
    }

    @Test("out-of-range values set in code throw instead of being clamped", arguments: [
        BatchSpanProcessor.Configuration(maxQueueSize: 0),
        BatchSpanProcessor.Configuration(maxQueueSize: 10, maxExportBatchSize: 11),
        BatchSpanProcessor.Configuration(maxExportBatchSize: 0),
        BatchSpanProcessor.Configuration(scheduleDelay: .seconds(-1)),
        BatchSpanProcessor.Configuration(exportTimeout: .milliseconds(-1)),
    ])
    func outOfRange(configuration: BatchSpanProcessor.Configuration) {
        #expect(throws: TelemetryConfigurationError.self) {
            try BatchSpanProcessor(exporter: InMemorySpanExporter(), configuration: configuration)
        }
    }

    @Test("unsampled recorded spans are not exported")
    func onlySampled() async throws {
        struct RecordOnly: Sampler {
            func shouldSample(_ parameters: SamplingParameters) -> SamplingResult { SamplingResult(decision: .recordOnly) }
            var description: String { "RecordOnly" }
        }
        let exporter = InMemorySpanExporter()
        let processor = try BatchSpanProcessor(exporter: exporter)
        let provider = TracerProvider(sampler: RecordOnly(), processors: [processor])
        endSpans(5, provider: provider)
        try await provider.forceFlush()
        #expect(exporter.spans.isEmpty)
    }

    @Test("a failed export is counted and the next batch still goes out")
    func failures() async throws {
        let processor = try BatchSpanProcessor(exporter: FailingExporter(), configuration: .init(maxExportBatchSize: 2))
        let provider = TracerProvider(processors: [processor])
        endSpans(5, provider: provider)
        try await provider.forceFlush()
        #expect(processor.statistics.failed == 5)
        #expect(processor.statistics.exported == 0)
    }

    @Test("a timed-out export is cancelled and waited for: the next export never overlaps it")
    func timeoutNeverOverlaps() async throws {
        let exporter = ParkingExporter()
        let clock = TestClock()
        let processor = try BatchSpanProcessor(
            exporter: exporter,
            configuration: .init(scheduleDelay: .seconds(3600), exportTimeout: .seconds(1), maxExportBatchSize: 1),
            clock: clock
        )
        let provider = TracerProvider(processors: [processor])
        endSpans(2, provider: provider)
        let flush = Task { try await processor.forceFlush() }
        await exporter.waitForStarts(1)
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(1))
        await exporter.waitForCancellation()
        // The timed-out export ignores cancellation and still runs; the next one must not start until it returns.
        // A processor that did not wait would start it at once: these yields give it every chance to show that.
        // They synchronise nothing that a passing run relies on.
        for _ in 0..<1_000 { await Task.yield() }
        #expect(exporter.started == 1, "the next export started while the timed-out one still ran")
        exporter.releaseAll()
        await exporter.waitForStarts(2)
        exporter.releaseAll()
        try await flush.value
        #expect(exporter.maxRunning == 1, "two exports ran at once")
        #expect(processor.statistics.failed == 1, "the timed-out batch is counted as failed")
        #expect(processor.statistics.exported == 1)
    }

    @Test("an export timeout of zero means no limit")
    func zeroTimeout() async throws {
        let exporter = ParkingExporter()
        let clock = TestClock()
        let processor = try BatchSpanProcessor(exporter: exporter, configuration: .init(exportTimeout: .zero), clock: clock)
        let provider = TracerProvider(processors: [processor])
        endSpans(1, provider: provider)
        let flush = Task { try await processor.forceFlush() }
        await exporter.waitForStarts(1)
        #expect(clock.sleeperCount == 0, "no timeout timer runs")
        exporter.releaseAll()
        try await flush.value
        #expect(processor.statistics.exported == 1)
    }

    @Test("spans that end after shutdown are dropped and counted")
    func afterShutdown() async throws {
        let exporter = InMemorySpanExporter()
        let processor = try BatchSpanProcessor(exporter: exporter)
        let provider = TracerProvider(processors: [processor])
        let span = provider.startSpan("open")
        try await processor.shutdown()
        span.end()
        #expect(processor.statistics.dropped == 1)
        #expect(exporter.isShutdown)
    }

    @Test("ending spans from many tasks loses none")
    func concurrentEnds() async throws {
        let exporter = InMemorySpanExporter()
        let processor = try BatchSpanProcessor(exporter: exporter, configuration: .init(maxQueueSize: 20_000, maxExportBatchSize: 256))
        let provider = TracerProvider(processors: [processor])
        let worker = Task { try await processor.run() }
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask { for _ in 0..<1000 { provider.startSpan("concurrent").end() } }
            }
        }
        try await provider.forceFlush()
        #expect(exporter.spans.count == 8000)
        #expect(Set(exporter.spans.map(\.spanContext.spanID)).count == 8000)
        try await processor.shutdown()
        try await worker.value
    }

    @Test("spans still queued at shutdown go out while the exporter's run() is still alive")
    func shutdownKeepsExporterRunning() async throws {
        let exporter = ConnectionBoundExporter()
        let processor = try BatchSpanProcessor(exporter: exporter, configuration: .init(scheduleDelay: .seconds(3600)))
        let provider = TracerProvider(processors: [processor])
        let worker = Task { try await processor.run() }
        await exporter.waitUntilRunning()
        endSpans(7, provider: provider)
        try await processor.shutdown()
        try await worker.value
        #expect(exporter.exported == 7)
        #expect(processor.statistics.failed == 0)
    }

    @Test("the simple processor exports each span as it ends")
    func simpleProcessor() async throws {
        let exporter = InMemorySpanExporter()
        let processor = try SimpleSpanProcessor(exporter: exporter)
        let provider = TracerProvider(processors: [processor])
        let worker = Task { try await processor.run() }
        provider.startSpan("first").end()
        #expect(await exporter.waitForSpans(count: 1).count == 1)
        provider.startSpan("second").end()
        #expect(await exporter.waitForSpans(count: 2).map(\.name) == ["first", "second"])
        try await processor.shutdown()
        try await worker.value
    }
}
