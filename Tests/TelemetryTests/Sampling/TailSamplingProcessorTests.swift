import Foundation
import Logging
import Synchronization
import Telemetry
import TelemetryTesting
import Testing
import Tracing

/// Trace and span ids from a seeded sequence, so that probability decisions are the same every run.
final class SeededIDGenerator: IDGenerator {
    private let random: Mutex<SeededGenerator>

    init(seed: UInt64) { random = Mutex(SeededGenerator(seed: seed)) }

    func newTraceID() -> TraceID { random.withLock { TraceID(high: $0.next(), low: $0.next() | 1) } }
    func newSpanID() -> SpanID { random.withLock { SpanID($0.next() | 1) } }
    var generatesRandomTraceIDs: Bool { true }
}

/// Keeps the traces whose local root has a given name, and has no opinion on the others.
struct RootNamePolicy: TailSamplingPolicy {
    let rootName: String
    var name: String { "root_name" }
    func decide(_ trace: TailSampledTrace) -> TailSamplingDecision? {
        trace.localRoot?.name == rootName ? .keep : nil
    }
}

/// Keeps every trace, and first runs `onDecide`, which may end spans: the processor calls its policies without its
/// lock, so ending a span there re-enters `onEnd` on the same thread.
struct ReentrantPolicy: TailSamplingPolicy {
    let onDecide: @Sendable (TailSampledTrace) -> Void
    var name: String { "reentrant" }
    func decide(_ trace: TailSampledTrace) -> TailSamplingDecision? {
        onDecide(trace)
        return .keep
    }
}

/// A downstream processor whose `onEnd` of the span named `blocked` holds its thread until released, and that
/// records what it sees in order. Its `shutdown` releases the held thread too, so that a processor that shuts it
/// down too early shows up in `events` rather than hanging the test.
final class HoldingProcessor: SpanProcessor {
    private let recorded = Mutex<[String]>([])
    let release = DispatchSemaphore(value: 0)
    let (held, heldContinuation) = AsyncStream<Void>.makeStream()

    var events: [String] { recorded.withLock { $0 } }

    func onEnd(_ span: RecordingSpan) {
        if span.name == "blocked" {
            heldContinuation.yield()
            // A dedicated thread of the test waits here, never a thread of the concurrency pool.
            release.wait()
        }
        recorded.withLock { $0.append("onEnd \(span.name)") }
    }

    func forceFlush() async throws {}

    func shutdown() async throws {
        recorded.withLock { $0.append("shutdown") }
        release.signal()
    }
}

/// A log handler that hands each message to a closure: a test's signal that the code reached the line that logs.
struct SignallingLogHandler: LogHandler {
    let onMessage: @Sendable (String) -> Void
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        onMessage("\(event.message)")
    }
}

@Suite("Tail sampling processor")
struct TailSamplingProcessorTests {
    static let epoch: UInt64 = 1_700_000_000_000_000_000
    static let millisecond: UInt64 = 1_000_000

    struct Setup {
        let tail: TailSamplingProcessor
        let downstream: CollectingProcessor
        let tracer: TelemetryTracer
        let reader: ManualMetricReader
    }

    func setup(
        policies: [any TailSamplingPolicy],
        configuration: TailSamplingProcessor.Configuration = .init(),
        clock: TestClock = TestClock(),
        seed: UInt64 = 1
    ) throws -> Setup {
        let downstream = CollectingProcessor()
        let reader = ManualMetricReader()
        let meterProvider = MeterProvider(resource: Resource(attributes: ["service.name": "test"]), readers: [reader])
        let tail = try TailSamplingProcessor(
            downstream: downstream, policies: policies, configuration: configuration, meterProvider: meterProvider, clock: clock)
        let provider = TracerProvider(
            resource: Resource(attributes: ["service.name": "test"]),
            sampler: AlwaysOnSampler(),
            processors: [tail],
            idGenerator: SeededIDGenerator(seed: seed)
        )
        return Setup(tail: tail, downstream: downstream, tracer: provider.tracer(name: "tail"), reader: reader)
    }

    func begin(_ tracer: TelemetryTracer, _ name: String, parent: TelemetrySpan? = nil, at time: UInt64) -> TelemetrySpan {
        tracer.startSpan(name, kind: .internal, parent: parent.map { .context($0.context) } ?? .root, startTime: time)
    }

    func end(_ span: TelemetrySpan, at time: UInt64) throws {
        try #require(span.recordingSpan).end(at: time)
    }

    @Test("10,000 traces: every error trace is kept, about half the slow ones and about the base rate of the rest")
    func keepRates() throws {
        let seed: UInt64 = 0x7A11_5EED
        let setup = try setup(
            policies: [
                ErrorStatusPolicy(),
                try LatencyPolicy(threshold: .milliseconds(500), probability: 0.5),
                try ProbabilityPolicy(probability: 0.1),
            ],
            seed: seed
        )
        enum Category: CaseIterable { case error, slow, normal }
        var categories: [TraceID: Category] = [:]
        var random = SeededGenerator(seed: seed)
        for index in 0..<10_000 {
            let draw = random.next() % 100
            let category: Category = draw == 0 ? .error : draw <= 5 ? .slow : .normal
            let start = Self.epoch + UInt64(index) * Self.millisecond
            let root = begin(setup.tracer, "GET /orders", at: start)
            let query = begin(setup.tracer, "SELECT orders", parent: root, at: start + 1)
            if category == .error { query.setStatus(SpanStatus(code: .error, message: "connection reset")) }
            try end(query, at: start + 5 * Self.millisecond)
            let render = begin(setup.tracer, "render", parent: root, at: start + 6 * Self.millisecond)
            try end(render, at: start + 8 * Self.millisecond)
            try end(root, at: start + (category == .slow ? 900 : 40) * Self.millisecond)
            categories[root.spanContext.traceID] = category
        }

        let forwarded = setup.downstream.ended
        let kept = Set(forwarded.map(\.spanContext.traceID))
        #expect(forwarded.count == 3 * kept.count, "every span of a kept trace is forwarded, once")
        var total: [Category: Int] = [:]
        var keptCount: [Category: Int] = [:]
        for (traceID, category) in categories {
            total[category, default: 0] += 1
            if kept.contains(traceID) { keptCount[category, default: 0] += 1 }
        }
        func rate(_ category: Category) -> Double { Double(keptCount[category] ?? 0) / Double(total[category] ?? 1) }
        let summary = Category.allCases.map { "\($0): \(keptCount[$0] ?? 0) of \(total[$0] ?? 0) (\(rate($0)))" }
        print("Tail sampling keep rates, seed \(seed): \(summary.joined(separator: ", "))")
        #expect((total[.error] ?? 0) > 50 && (total[.slow] ?? 0) > 400, "the seed gives each category enough traces")
        #expect(keptCount[.error] == total[.error], "every error trace is kept: \(summary)")
        #expect(abs(rate(.slow) - 0.5) < 0.08, "about half the slow traces: \(summary)")
        #expect(abs(rate(.normal) - 0.1) < 0.02, "about a tenth of the rest: \(summary)")

        let statistics = setup.tail.tailSamplingStatistics
        #expect(statistics.tracesKept == kept.count)
        #expect(statistics.tracesKept + statistics.tracesDropped == 10_000)
        #expect(statistics.decisionsByPolicy["error_status"] == .init(kept: total[.error] ?? 0, dropped: 0))
        #expect(statistics.decisionsByPolicy["latency"]?.kept == keptCount[.slow])
        #expect(statistics.decisionsByPolicy["probability"]?.kept == keptCount[.normal])
        #expect(statistics.tracesDecidedEarly == 0 && statistics.spansDropped == 0)
        #expect(statistics.bufferedTraces == 0 && statistics.bufferedSpans == 0)

        // The same decisions as metrics.
        let metric = try #require(setup.reader.collect().first { $0.name == "otel.sdk.tail_sampling.traces" })
        guard case .sum(let sum) = metric.points else {
            Issue.record("not a sum")
            return
        }
        func count(policy: String, decision: String) -> Int64 {
            sum.points.filter {
                $0.attributes["otel.sdk.tail_sampling.policy"] == .string(policy)
                    && $0.attributes["otel.sdk.tail_sampling.decision"] == .string(decision)
                    && $0.attributes["otel.sdk.tail_sampling.trigger"] == .string("root_ended")
            }.reduce(0) { total, point in
                if case .int(let value) = point.value { return total + value }
                return total
            }
        }
        #expect(count(policy: "error_status", decision: "kept") == Int64(total[.error] ?? 0))
        #expect(count(policy: "latency", decision: "kept") == Int64(keptCount[.slow] ?? 0))
        #expect(count(policy: "latency", decision: "dropped") == Int64((total[.slow] ?? 0) - (keptCount[.slow] ?? 0)))
        #expect(count(policy: "probability", decision: "kept") == Int64(keptCount[.normal] ?? 0))
    }

    @Test("under a burst, memory stays within the bounds and every span is forwarded or counted as dropped", arguments: [
        (100, 1_000), (1_000, 500),
    ])
    func burst(maxTraces: Int, maxBufferedSpans: Int) throws {
        let configuration = TailSamplingProcessor.Configuration(
            maxTraces: maxTraces, maxSpansPerTrace: 8, maxBufferedSpans: maxBufferedSpans, maxWait: .seconds(30))
        let setup = try setup(policies: [try ProbabilityPolicy(probability: 1)], configuration: configuration)
        // 1,000 requests at once, each with 10 children ending before its root does.
        let roots = (0..<1_000).map { begin(setup.tracer, "request \($0)", at: Self.epoch) }
        var mostTraces = 0
        var mostSpans = 0
        for root in roots {
            for child in 0..<10 {
                try end(begin(setup.tracer, "child \(child)", parent: root, at: Self.epoch), at: Self.epoch + 1)
                let statistics = setup.tail.tailSamplingStatistics
                mostTraces = max(mostTraces, statistics.bufferedTraces)
                mostSpans = max(mostSpans, statistics.bufferedSpans)
            }
        }
        for root in roots { try end(root, at: Self.epoch + 2) }
        let statistics = setup.tail.tailSamplingStatistics
        #expect(mostTraces <= maxTraces && mostSpans <= maxBufferedSpans, "\(mostTraces) traces, \(mostSpans) spans at most")
        #expect(mostTraces == maxTraces || mostSpans == maxBufferedSpans, "the tighter bound is reached")
        #expect(statistics.spansDropped == 2 * 1_000, "two children of each trace were over its limit")
        #expect(statistics.tracesDecidedEarly > 0, "old traces were decided early to make room")
        #expect(setup.downstream.ended.count + statistics.spansDropped == 11_000, "nothing is lost without a count")
        #expect(statistics.bufferedTraces == 0 && statistics.bufferedSpans == 0)
    }

    @Test("a trace whose root never ends is decided after the maximum wait, by the clock, and shutdown decides the rest")
    func maxWaitAndShutdown() async throws {
        let clock = TestClock()
        let setup = try setup(
            policies: [try ProbabilityPolicy(probability: 1)],
            configuration: .init(maxWait: .seconds(10)),
            clock: clock
        )
        let running = Task { try await setup.tail.run() }
        await clock.waitForSleepers(count: 1)
        let stuck = begin(setup.tracer, "never ends", at: Self.epoch)
        try end(begin(setup.tracer, "child", parent: stuck, at: Self.epoch), at: Self.epoch + 1)
        #expect(setup.tail.tailSamplingStatistics.bufferedTraces == 1)
        clock.advance(by: .seconds(9))
        #expect(setup.downstream.ended.isEmpty, "still waiting")
        clock.advance(by: .seconds(1))
        // The loop wakes, decides, and sleeps again: that sleep is the signal that the decision is made.
        await clock.waitForSleepers(count: 1)
        #expect(setup.downstream.ended.map(\.name) == ["child"])
        #expect(setup.tail.tailSamplingStatistics.tracesDecidedEarly == 1)

        let open = begin(setup.tracer, "open at shutdown", at: Self.epoch)
        try end(begin(setup.tracer, "its child", parent: open, at: Self.epoch), at: Self.epoch + 1)
        try await setup.tail.shutdown()
        try await running.value
        #expect(setup.downstream.ended.map(\.name) == ["child", "its child"])
        try end(open, at: Self.epoch + 2)
        let statistics = setup.tail.tailSamplingStatistics
        #expect(statistics.spansDropped == 1, "a span ending after shutdown is counted")
        #expect(statistics.tracesDecidedEarly == 2)
    }

    @Test("with a batch processor downstream: it runs, flushes and shuts down through the tail sampler")
    func batchDownstream() async throws {
        let exporter = InMemorySpanExporter()
        let clock = TestClock()
        let batch = try BatchSpanProcessor(exporter: exporter, clock: clock)
        let tail = try TailSamplingProcessor(downstream: batch, policies: [ErrorStatusPolicy()], clock: clock)
        let provider = TracerProvider(sampler: AlwaysOnSampler(), processors: [tail])
        let running = Task { try await tail.run() }
        let failed = provider.tracer(name: "t").startSpan("failed", kind: .server)
        failed.setStatus(SpanStatus(code: .error))
        failed.end()
        provider.tracer(name: "t").startSpan("fine", kind: .server).end()
        try await tail.forceFlush()
        #expect(exporter.spans.map(\.name) == ["failed"])
        #expect(tail.statistics.exported == 1, "the downstream processor's statistics")
        try await tail.shutdown()
        try await running.value
        #expect(exporter.isShutdown)
    }

    @Test("cancelling run without a shutdown ends it")
    func cancelledRun() async throws {
        let clock = TestClock()
        let setup = try setup(policies: [], clock: clock)
        let running = Task { try await setup.tail.run() }
        await clock.waitForSleepers(count: 1)
        running.cancel()
        _ = await running.result
        #expect(clock.sleeperCount == 0)
    }

    @Test("expired traces are also decided when another span ends, without the background loop")
    func expiryOnEnd() throws {
        let clock = TestClock()
        let setup = try setup(policies: [try ProbabilityPolicy(probability: 1)], configuration: .init(maxWait: .seconds(5)), clock: clock)
        let stuck = begin(setup.tracer, "stuck", at: Self.epoch)
        try end(begin(setup.tracer, "early child", parent: stuck, at: Self.epoch), at: Self.epoch + 1)
        clock.advance(by: .seconds(5))
        try end(begin(setup.tracer, "unrelated", at: Self.epoch), at: Self.epoch + 1)
        #expect(Set(setup.downstream.ended.map(\.name)) == ["early child", "unrelated"])
    }

    @Test("spans that end after their trace was decided follow the decision")
    func lateSpans() throws {
        let setup = try setup(policies: [RootNamePolicy(rootName: "keep")])
        for name in ["keep", "drop"] {
            let root = begin(setup.tracer, name, at: Self.epoch)
            let late = begin(setup.tracer, "late child of \(name)", parent: root, at: Self.epoch)
            try end(root, at: Self.epoch + 1)
            try end(late, at: Self.epoch + 2)
        }
        #expect(setup.downstream.ended.map(\.name) == ["keep", "late child of keep"])
        #expect(setup.tail.tailSamplingStatistics.decisionsByPolicy == [
            "root_name": .init(kept: 1, dropped: 0), "none": .init(kept: 0, dropped: 1),
        ])
    }

    @Test("a span whose parent is remote is a local root; policies are asked in order and the first answer wins")
    func remoteRootAndOrder() throws {
        let setup = try setup(policies: [RootNamePolicy(rootName: "server"), try ProbabilityPolicy(probability: 0)])
        let remote = SpanContext(
            traceID: TraceID(high: 9, low: 9), spanID: SpanID(9), traceFlags: [.sampled, .random], isRemote: true)
        var context = ServiceContext.topLevel
        W3CTraceContextPropagator().extract(
            ["traceparent": "00-\(remote.traceID.hexString)-\(remote.spanID.hexString)-03"], into: &context,
            using: DictionaryExtractor())
        let server = setup.tracer.startSpan("server", kind: .server, parent: .context(context), startTime: Self.epoch)
        #expect(server.recordingSpan?.parentIsRemote == true)
        try end(server, at: Self.epoch + 1)
        let other = setup.tracer.startSpan("other", kind: .server, parent: .context(context), startTime: Self.epoch)
        try end(other, at: Self.epoch + 1)
        #expect(setup.downstream.ended.map(\.name) == ["server", "other"], "a second local root follows the first's decision")
        let fresh = begin(setup.tracer, "fresh", at: Self.epoch)
        try end(fresh, at: Self.epoch + 1)
        #expect(setup.tail.tailSamplingStatistics.decisionsByPolicy["probability"] == .init(kept: 0, dropped: 1))
    }

    @Test("a policy that ends spans of the same provider while it decides neither deadlocks nor loses them")
    func policyEndsSpans() throws {
        let toEnd = Mutex<[RecordingSpan]>([])
        let policy = ReentrantPolicy { _ in
            // Ending a span calls the processor's onEnd again, on this thread, in the middle of a decision.
            for span in toEnd.withLock({ spans in defer { spans.removeAll() }; return spans }) {
                span.end(at: Self.epoch + 3)
            }
        }
        let setup = try setup(policies: [policy])
        let root = begin(setup.tracer, "outer", at: Self.epoch)
        let lateChild = begin(setup.tracer, "late child", parent: root, at: Self.epoch)
        let otherRoot = begin(setup.tracer, "other root", at: Self.epoch)
        let spans = [try #require(lateChild.recordingSpan), try #require(otherRoot.recordingSpan)]
        toEnd.withLock { $0 = spans }
        try end(root, at: Self.epoch + 2)

        // The other root was decided inside the first decision; the late child waited for its trace's decision.
        #expect(Set(setup.downstream.ended.map(\.name)) == ["outer", "late child", "other root"])
        #expect(setup.downstream.ended.count == 3, "each span forwarded once")
        let statistics = setup.tail.tailSamplingStatistics
        #expect(statistics.tracesKept == 2, "two traces decided, not three: the late child followed its trace")
        #expect(statistics.bufferedTraces == 0 && statistics.bufferedSpans == 0 && statistics.spansDropped == 0)
    }

    @Test("shutdown waits for spans another thread is still forwarding before it shuts the downstream processor down")
    func shutdownWaitsForForwards() async throws {
        let downstream = HoldingProcessor()
        // Shutdown logs when it starts to wait for forwards in flight: that line is what lets the held thread go on.
        let logger = Logger(label: "tail") { _ in
            SignallingLogHandler { message in
                if message.contains("waits for forwards") { downstream.release.signal() }
            }
        }
        let tail = try TailSamplingProcessor(
            downstream: downstream, policies: [try ProbabilityPolicy(probability: 1)], clock: TestClock(), logger: logger)
        let provider = TracerProvider(sampler: AlwaysOnSampler(), processors: [tail], idGenerator: SeededIDGenerator(seed: 3))
        let tracer = provider.tracer(name: "tail")
        let root = begin(tracer, "blocked", at: Self.epoch)
        try end(begin(tracer, "child", parent: root, at: Self.epoch), at: Self.epoch + 1)
        let recordingRoot = try #require(root.recordingSpan)

        // Another thread ends the root: the trace is kept, the child goes downstream, and the root is held there.
        let (finished, finishedContinuation) = AsyncStream<Void>.makeStream()
        Thread {
            recordingRoot.end(at: Self.epoch + 2)
            finishedContinuation.yield()
        }.start()
        for await _ in downstream.held { break }

        try await tail.shutdown()
        for await _ in finished { break }
        #expect(downstream.events == ["onEnd child", "onEnd blocked", "shutdown"])
        #expect(tail.tailSamplingStatistics.tracesKept == 1)
    }

    @Test("a trace kept at a tail probability below 1 that carries a head threshold is warned about, once")
    func headThresholdWarning() throws {
        func run(sampler: any Sampler, policies: [any TailSamplingPolicy]) throws -> (LogCapture, Int) {
            let logs = LogCapture()
            let downstream = CollectingProcessor()
            let tail = try TailSamplingProcessor(
                downstream: downstream, policies: policies, clock: TestClock(), logger: logs.logger())
            let provider = TracerProvider(sampler: sampler, processors: [tail], idGenerator: SeededIDGenerator(seed: 11))
            for index in 0..<40 {
                try end(begin(provider.tracer(name: "t"), "request \(index)", at: Self.epoch), at: Self.epoch + 1)
            }
            return (logs, tail.tailSamplingStatistics.tracesKept)
        }
        let (headThreshold, kept) = try run(
            sampler: try ProbabilitySampler.parentBased(probability: 1), policies: [try ProbabilityPolicy(probability: 0.5)])
        #expect(kept > 1, "the seed keeps several traces")
        #expect(headThreshold.warnings.count == 1 && headThreshold.warnings.first?.contains("ot=th") == true)
        let (noThreshold, _) = try run(sampler: AlwaysOnSampler(), policies: [try ProbabilityPolicy(probability: 0.5)])
        #expect(noThreshold.warnings.isEmpty, "AlwaysOnSampler writes no threshold")
        let (keepAll, _) = try run(
            sampler: try ProbabilitySampler.parentBased(probability: 1), policies: [try ProbabilityPolicy(probability: 1)])
        #expect(keepAll.warnings.isEmpty, "keeping everything leaves the head threshold right")
    }

    @Test("bounds out of range are refused")
    func invalidConfiguration() {
        for configuration in [
            TailSamplingProcessor.Configuration(maxTraces: 0), .init(maxSpansPerTrace: 0), .init(maxBufferedSpans: 0),
            .init(maxWait: .zero), .init(decisionCacheSize: -1),
        ] {
            #expect(throws: TelemetryConfigurationError.self) {
                try TailSamplingProcessor(downstream: CollectingProcessor(), policies: [], configuration: configuration)
            }
        }
        #expect(throws: TelemetryConfigurationError.self) { try ProbabilityPolicy(probability: 1.5) }
        #expect(throws: TelemetryConfigurationError.self) { try LatencyPolicy(threshold: .seconds(-1)) }
    }
}
