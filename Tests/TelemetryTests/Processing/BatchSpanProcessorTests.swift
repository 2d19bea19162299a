import Synchronization
@testable import Telemetry
import TelemetryTesting
import Testing
import Tracing

/// Never returns from an export until cancelled, or at all when `ignoresCancellation` is set.
final class HangingExporter: SpanExporter {
    let ignoresCancellation: Bool
    private let parked = Mutex<[CheckedContinuation<Void, Never>]>([])
    init(ignoresCancellation: Bool) { self.ignoresCancellation = ignoresCancellation }

    func export(_ batch: [SpanData]) async throws {
        if ignoresCancellation {
            // Simulates an exporter stuck in a blocking call that cancellation cannot reach.
            await withCheckedContinuation { continuation in parked.withLock { $0.append(continuation) } }
        } else {
            try await Task.sleep(for: .seconds(3600))
        }
    }
}

struct FailingExporter: SpanExporter {
    func export(_ batch: [SpanData]) async throws { throw TestError() }
}

/// Accepts exports only while its `run()` is active, like an exporter whose connection lives in `run()`.
final class ConnectionBoundExporter: SpanExporter {
    private let state = Mutex<(running: Bool, exported: Int, shutdown: CheckedContinuation<Void, Never>?, isShutdown: Bool)>((false, 0, nil, false))

    var exported: Int { state.withLock { $0.exported } }

    func run() async throws {
        state.withLock { $0.running = true }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let done = state.withLock { state -> Bool in
                    if state.isShutdown { return true }
                    state.shutdown = continuation
                    return false
                }
                if done { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.shutdown }?.resume()
        }
        state.withLock { $0.running = false }
    }

    func export(_ batch: [SpanData]) async throws {
        try state.withLock { state in
            guard state.running else { throw TestError() }
            state.exported += batch.count
        }
    }

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
    func endSpans(_ count: Int, provider: TracerProvider) {
        for index in 0..<count {
            provider.startSpan("span-\(index)").end()
        }
    }

    @Test("a full batch is exported at once, long before the schedule delay")
    func exportsEarly() async throws {
        let exporter = InMemorySpanExporter()
        let processor = BatchSpanProcessor(
            exporter: exporter,
            configuration: .init(scheduleDelay: .seconds(3600), maxQueueSize: 100, maxExportBatchSize: 4)
        )
        let provider = TracerProvider(processors: [processor])
        let worker = Task { try await processor.run() }
        endSpans(4, provider: provider)
        let spans = await exporter.waitForSpans(count: 4, timeout: .seconds(30))
        #expect(spans.count == 4)
        #expect(exporter.exportCount == 1)
        try await processor.shutdown()
        try await worker.value
    }

    @Test("a partial batch is exported when the schedule delay passes")
    func exportsOnTimer() async throws {
        let exporter = InMemorySpanExporter()
        let processor = BatchSpanProcessor(
            exporter: exporter,
            configuration: .init(scheduleDelay: .milliseconds(20), maxExportBatchSize: 512)
        )
        let provider = TracerProvider(processors: [processor])
        let worker = Task { try await processor.run() }
        endSpans(3, provider: provider)
        let spans = await exporter.waitForSpans(count: 3, timeout: .seconds(30))
        #expect(spans.map(\.name) == ["span-0", "span-1", "span-2"])
        try await processor.shutdown()
        try await worker.value
    }

    @Test("the worker is woken once per full batch, not once per span")
    func noWakeUpPerSpan() async throws {
        let exporter = InMemorySpanExporter()
        let processor = BatchSpanProcessor(
            exporter: exporter,
            configuration: .init(scheduleDelay: .seconds(3600), maxQueueSize: 4096, maxExportBatchSize: 512)
        )
        let provider = TracerProvider(processors: [processor])
        endSpans(1536, provider: provider)
        #expect(processor.wakeUpCount == 1, "crossing the batch size signals once until the worker runs")
        let worker = Task { try await processor.run() }
        let spans = await exporter.waitForSpans(count: 1536, timeout: .seconds(30))
        #expect(spans.count == 1536)
        #expect(exporter.exportCount == 3)
        try await processor.shutdown()
        try await worker.value
    }

    @Test("the queue is bounded: what does not fit is dropped and counted")
    func bounded() async throws {
        let exporter = InMemorySpanExporter()
        let processor = BatchSpanProcessor(
            exporter: exporter,
            configuration: .init(scheduleDelay: .seconds(3600), maxQueueSize: 10, maxExportBatchSize: 5)
        )
        let provider = TracerProvider(processors: [processor])
        endSpans(25, provider: provider)
        #expect(processor.statistics.queuedSpans == 10)
        #expect(processor.statistics.droppedSpans == 15)
        try await processor.forceFlush()
        #expect(exporter.spans.count == 10)
        #expect(processor.statistics.exportedSpans == 10)
    }

    @Test("forceFlush drains the whole queue in batches, in order")
    func forceFlush() async throws {
        let exporter = InMemorySpanExporter()
        let processor = BatchSpanProcessor(
            exporter: exporter,
            configuration: .init(scheduleDelay: .seconds(3600), maxQueueSize: 100, maxExportBatchSize: 3)
        )
        let provider = TracerProvider(processors: [processor])
        endSpans(10, provider: provider)
        try await provider.forceFlush()
        #expect(exporter.spans.map(\.name) == (0..<10).map { "span-\($0)" })
        #expect(exporter.exportCount == 4)
        #expect(processor.statistics.queuedSpans == 0)
    }

    @Test("unsampled recorded spans are not exported")
    func onlySampled() async throws {
        struct RecordOnly: Sampler {
            func shouldSample(_ parameters: SamplingParameters) -> SamplingResult { SamplingResult(decision: .recordOnly) }
            var description: String { "RecordOnly" }
        }
        let exporter = InMemorySpanExporter()
        let processor = BatchSpanProcessor(exporter: exporter)
        let provider = TracerProvider(sampler: RecordOnly(), processors: [processor])
        endSpans(5, provider: provider)
        try await provider.forceFlush()
        #expect(exporter.spans.isEmpty)
    }

    @Test("a failed export is counted and the next batch still goes out")
    func failures() async throws {
        let processor = BatchSpanProcessor(exporter: FailingExporter(), configuration: .init(maxExportBatchSize: 2))
        let provider = TracerProvider(processors: [processor])
        endSpans(5, provider: provider)
        try await provider.forceFlush()
        #expect(processor.statistics.failedSpans == 5)
        #expect(processor.statistics.exportedSpans == 0)
    }

    @Test("shutdown finishes within the export timeout even when the exporter hangs", arguments: [false, true])
    func hangingExporter(ignoresCancellation: Bool) async throws {
        let processor = BatchSpanProcessor(
            exporter: HangingExporter(ignoresCancellation: ignoresCancellation),
            configuration: .init(exportTimeout: .milliseconds(200), maxExportBatchSize: 10)
        )
        let provider = TracerProvider(processors: [processor])
        endSpans(15, provider: provider)
        let clock = ContinuousClock()
        let elapsed = try await clock.measure { try await provider.shutdown() }
        #expect(elapsed < .seconds(5))
        #expect(processor.statistics.failedSpans == 15)
        provider.startSpan("after").end()
        #expect(processor.statistics.queuedSpans == 0, "spans after shutdown are not queued")
    }

    @Test("spans that end after shutdown are dropped and counted")
    func afterShutdown() async throws {
        let exporter = InMemorySpanExporter()
        let processor = BatchSpanProcessor(exporter: exporter)
        let provider = TracerProvider(processors: [processor])
        let span = provider.startSpan("open")
        try await processor.shutdown()
        span.end()
        #expect(processor.statistics.droppedSpans == 1)
        #expect(exporter.isShutdown)
    }

    @Test("ending spans from many tasks loses none")
    func concurrentEnds() async throws {
        let exporter = InMemorySpanExporter()
        let processor = BatchSpanProcessor(exporter: exporter, configuration: .init(maxQueueSize: 20_000, maxExportBatchSize: 256))
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
        let processor = BatchSpanProcessor(exporter: exporter, configuration: .init(scheduleDelay: .seconds(3600)))
        let provider = TracerProvider(processors: [processor])
        let worker = Task { try await processor.run() }
        while !(await exporterIsRunning(exporter)) { await Task.yield() }
        endSpans(7, provider: provider)
        try await processor.shutdown()
        try await worker.value
        #expect(exporter.exported == 7)
        #expect(processor.statistics.failedSpans == 0)
    }

    private func exporterIsRunning(_ exporter: ConnectionBoundExporter) async -> Bool {
        (try? await exporter.export([])) != nil
    }

    @Test("the simple processor exports each span as it ends")
    func simpleProcessor() async throws {
        let exporter = InMemorySpanExporter()
        let processor = SimpleSpanProcessor(exporter: exporter)
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
