import Logging
import Synchronization
import Tracing

/// Decides which traces to keep after they happened: buffers the spans of each local trace until its local root
/// ends, asks its policies, and forwards the spans of kept traces to a downstream processor.
///
/// Head samplers decide when a span starts, before anyone knows whether it will fail or be slow. This processor sees
/// the whole local trace, so it can keep every trace with an error, half of the slow ones and a tenth of the rest:
///
/// ```swift
/// let exporter = try OTLPSpanExporter(…)
/// let tailSampler = try TailSamplingProcessor(
///     downstream: try BatchSpanProcessor(exporter: exporter),
///     policies: [
///         ErrorStatusPolicy(),                                                // every trace with an error
///         try LatencyPolicy(threshold: .milliseconds(500), probability: 0.5), // half the slow ones
///         try ProbabilityPolicy(probability: 0.1),                            // a tenth of the rest
///     ],
///     meterProvider: meterProvider
/// )
/// let tracerProvider = TracerProvider(sampler: AlwaysOnSampler(), processors: [tailSampler])
/// ```
///
/// ## The head sampler
/// The processor sees only recorded spans, so the head sampler must record every span it is to choose from: use
/// ``AlwaysOnSampler`` (or ``ParentBasedSampler`` with it). Spans a head sampler returns ``SamplingDecision/recordOnly``
/// for reach the processor too, but they are not marked sampled, and ``BatchSpanProcessor`` exports only sampled
/// spans, so it would drop what this processor keeps. The processor forwards kept spans as they are; it does not
/// change their flags or trace state.
///
/// That includes a head sampler's threshold: spans sampled by ``ProbabilitySampler`` or ``AdaptiveRateSampler`` carry
/// `ot=th:…` for the head probability alone. When a ``ProbabilityPolicy`` or ``LatencyPolicy`` then keeps a fraction
/// of them, a backend that weighs spans by `th` counts each kept trace as standing for fewer traces than it does
/// (with `AlwaysOnSampler`'s absent `th`, backends know the probability is unknown instead). The processor logs one
/// warning the first time it keeps such a trace with a probability below 1; it cannot know the head sampler sooner.
///
/// ## How a trace is decided
/// The local root is the span whose parent is remote or absent. When it ends, the policies are asked in order; the
/// first that answers decides, and a trace none answers for is dropped. Spans of the trace that end afterwards
/// follow the remembered decision (the last ``Configuration/decisionCacheSize`` decisions are remembered). Every
/// `onStart` is passed on at once; `onEnd` is passed on only for kept traces.
///
/// Policies run on the thread that ended the trace's last span (or that found its wait over), without the
/// processor's lock: other threads keep ending spans meanwhile, and a policy may end spans itself. Spans of the trace
/// that end while its policies run wait beside it and follow the decision. ``shutdown()`` waits for decisions and
/// forwards in progress on other threads before it shuts the downstream processor down.
///
/// ## Memory
/// Every bound has a default and every loss is counted in ``tailSamplingStatistics``:
/// - ``Configuration/maxTraces`` traces wait at once (4096); a new one makes the oldest be decided early.
/// - ``Configuration/maxSpansPerTrace`` spans wait per trace (1024); later ones are dropped and counted.
/// - ``Configuration/maxBufferedSpans`` spans wait in all (16,384); a new one makes the oldest trace be decided early.
/// - ``Configuration/maxWait`` is the longest a trace waits for its root (30 s, the Collector's `decision_wait`),
///   measured from when its first span ended by the clock; then it is decided on what it has.
/// A trace decided early has no ``TailSampledTrace/localRoot``: the latency policy leaves it to the next policy.
///
/// ## Metrics
/// With a `meterProvider`, each decision adds 1 to the counter `otel.sdk.tail_sampling.traces` (`{trace}`) with
/// `otel.sdk.tail_sampling.decision` (`kept` or `dropped`), `otel.sdk.tail_sampling.policy` (the deciding policy's
/// name, or `none`) and `otel.sdk.tail_sampling.trigger` (`root_ended`, `timeout`, `buffer_full` or `shutdown`);
/// spans dropped without a decision add to `otel.sdk.tail_sampling.spans.dropped` (`{span}`). These names are this
/// SDK's own: the semantic conventions have none for tail sampling.
///
/// ## What it cannot see
/// It sees one process. Spans of the same trace in other services are decided there, by their own sampler, so a
/// kept trace may arrive at the backend without the other services' spans, and an error in another service does not
/// make this one keep its part. Services called by this one see the sampled flag of the head sampler (set for every
/// trace with ``AlwaysOnSampler``), not this processor's decision. To decide on whole traces across services, send
/// every span to an OpenTelemetry Collector and use its `tail_sampling` processor, behind a `loadbalancing` exporter
/// keyed on the trace id when there is more than one Collector; the README's "Sampling" section has a configuration.
public final class TailSamplingProcessor: SpanProcessor {
    /// The processor's bounds. There is no specification for tail sampling in an SDK; the wait is the Collector's
    /// `decision_wait` default, and the sizes are scaled to a process rather than to a Collector.
    public struct Configuration: Sendable, Hashable {
        /// The most traces waiting for a decision (4096).
        public var maxTraces: Int
        /// The most spans buffered for one trace (1024).
        public var maxSpansPerTrace: Int
        /// The most spans buffered in all (16,384).
        public var maxBufferedSpans: Int
        /// The longest a trace waits for its local root, from when its first span ended (30 s).
        public var maxWait: Duration
        /// How many decisions are remembered for spans that end after their trace was decided (16,384); 0 forgets
        /// them, so such spans start a trace of their own.
        public var decisionCacheSize: Int

        /// Creates a configuration, with the defaults for anything not given.
        public init(
            maxTraces: Int = 4096,
            maxSpansPerTrace: Int = 1024,
            maxBufferedSpans: Int = 16_384,
            maxWait: Duration = .seconds(30),
            decisionCacheSize: Int = 16_384
        ) {
            self.maxTraces = maxTraces
            self.maxSpansPerTrace = maxSpansPerTrace
            self.maxBufferedSpans = maxBufferedSpans
            self.maxWait = maxWait
            self.decisionCacheSize = decisionCacheSize
        }

        /// The configuration, if every value is in range: at least one trace and one span, a wait above zero, and a
        /// cache of zero or more.
        ///
        /// - Throws: ``TelemetryConfigurationError`` naming the setting.
        public func validated() throws -> Self {
            func check(_ valid: Bool, _ setting: String, _ reason: String) throws {
                guard valid else { throw TelemetryConfigurationError(variable: nil, value: setting, reason: reason) }
            }
            try check(maxTraces >= 1, "maxTraces = \(maxTraces)", "expected 1 or more")
            try check(maxSpansPerTrace >= 1, "maxSpansPerTrace = \(maxSpansPerTrace)", "expected 1 or more")
            try check(maxBufferedSpans >= 1, "maxBufferedSpans = \(maxBufferedSpans)", "expected 1 or more")
            try check(maxWait > .zero, "maxWait = \(maxWait)", "expected a duration above zero")
            try check(decisionCacheSize >= 0, "decisionCacheSize = \(decisionCacheSize)", "expected 0 or more")
            return self
        }
    }

    /// The settings in force.
    public let configuration: Configuration
    /// The policies, in the order they are asked.
    public let policies: [any TailSamplingPolicy]
    /// Where kept spans go.
    public let downstream: any SpanProcessor

    private let clock: any TelemetryClock
    private let logger: Logger
    private let buffer: Mutex<TailSamplingBuffer>
    private let counts = Mutex(TailSamplingStatistics())
    private let metrics: TailSamplingMetrics?
    private let stopped = OneShotSignal()
    private let isShutdown = Atomic<Bool>(false)
    /// Calls that took traces or kept spans from the buffer and have not yet handed them downstream.
    private let forwards = InFlightCount()
    private let warnedHeadThreshold = Atomic<Bool>(false)

    /// Creates a processor that forwards the spans of kept traces to `downstream`.
    ///
    /// - Parameters:
    ///   - downstream: The processor kept spans go to, usually a ``BatchSpanProcessor``. This processor runs,
    ///     flushes and shuts it down: register only this one with the tracer provider.
    ///   - policies: Asked in order; the first that answers decides. A trace none answers for is dropped.
    ///   - configuration: The memory bounds.
    ///   - meterProvider: Where decisions are counted as metrics, if anywhere.
    ///   - clock: What ``Configuration/maxWait`` is measured by; tests pass `TelemetryTesting`'s `TestClock`.
    ///   - logger: Where dropped spans are reported, once per processor; by default the SDK's logger.
    /// - Throws: ``TelemetryConfigurationError`` when a value of `configuration` is out of range.
    public init(
        downstream: any SpanProcessor,
        policies: [any TailSamplingPolicy],
        configuration: Configuration = Configuration(),
        meterProvider: MeterProvider? = nil,
        clock: any TelemetryClock = SystemClock(),
        logger: Logger = TelemetryDiagnostics.logger
    ) throws {
        let configuration = try configuration.validated()
        self.configuration = configuration
        self.policies = policies
        self.downstream = downstream
        self.clock = clock
        self.logger = logger
        self.buffer = Mutex(TailSamplingBuffer(configuration: configuration))
        self.metrics = meterProvider.map(TailSamplingMetrics.init)
    }

    /// What the processor decided and dropped so far, and what it holds now.
    public var tailSamplingStatistics: TailSamplingStatistics {
        let (traces, spans) = buffer.withLock { ($0.bufferedTraces, $0.bufferedSpans) }
        var statistics = counts.withLock { $0 }
        statistics.bufferedTraces = traces
        statistics.bufferedSpans = spans
        return statistics
    }

    /// The downstream processor's statistics: what was exported of the kept traces.
    public var statistics: ExportStatistics { downstream.statistics }

    public func onStart(_ span: RecordingSpan, parentContext: ServiceContext) {
        downstream.onStart(span, parentContext: parentContext)
    }

    public func onEnd(_ span: RecordingSpan) {
        let isLocalRoot = span.parentSpanID == nil || span.parentIsRemote
        let now = clock.now
        let (outcome, ready, droppedSpans, forwarding) = buffer.withLock {
            buffer -> (TailSamplingBuffer.SpanOutcome, [TailSamplingBuffer.Ready], Int, Bool) in
            var ready: [TailSamplingBuffer.Ready] = []
            let droppedBefore = buffer.droppedSpans
            let outcome = buffer.spanEnded(span, isLocalRoot: isLocalRoot, at: now, ready: &ready)
            // Counted under the lock that shutdown marks the buffer shut under: a forward either starts before
            // shutdown takes the lock, and shutdown waits for it, or finds the buffer shut and forwards nothing.
            let forwarding = !ready.isEmpty || outcome == .decided(kept: true)
            if forwarding { forwards.enter() }
            return (outcome, ready, buffer.droppedSpans - droppedBefore, forwarding)
        }
        decideAndForward(ready, droppedSpans: droppedSpans)
        if outcome == .decided(kept: true) { downstream.onEnd(span) }
        if forwarding { forwards.leave() }
    }

    /// Decides the traces whose wait ran out. The background loop calls it at each deadline; call it yourself to
    /// decide them now, for example after moving a test clock.
    public func decideExpiredTraces() {
        let now = clock.now
        let ready = buffer.withLock { buffer -> [TailSamplingBuffer.Ready] in
            var ready: [TailSamplingBuffer.Ready] = []
            buffer.expire(at: now, into: &ready)
            if !ready.isEmpty { forwards.enter() }
            return ready
        }
        guard !ready.isEmpty else { return }
        decideAndForward(ready, droppedSpans: 0)
        forwards.leave()
    }

    /// Runs the downstream processor's background work and decides traces whose wait runs out, until ``shutdown()``.
    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.downstream.run() }
            group.addTask { await self.expireUntilStopped() }
            try await group.waitForAll()
        }
    }

    /// Flushes the downstream processor. Traces still waiting for their root stay buffered: they are not complete.
    public func forceFlush() async throws {
        try await downstream.forceFlush()
    }

    /// Decides every trace still waiting on what it has, forwards the kept ones, waits for the forwards other threads
    /// have begun, then shuts the downstream processor down. Spans that end afterwards are dropped and counted.
    ///
    /// The wait for other threads' forwards ends early if the calling task is cancelled, as a shutdown that ran out
    /// of time is; what they forward afterwards then meets a downstream processor that is shut down.
    public func shutdown() async throws {
        guard !isShutdown.exchange(true, ordering: .acquiringAndReleasing) else { return }
        defer { stopped.fire() }
        let ready = buffer.withLock { buffer -> [TailSamplingBuffer.Ready] in
            var ready: [TailSamplingBuffer.Ready] = []
            buffer.shutDown(into: &ready)
            return ready
        }
        decideAndForward(ready, droppedSpans: 0)
        // Threads that took traces or kept spans from the buffer before it was shut may still be running policies or
        // handing spans downstream: the downstream processor must not shut down under them.
        let inFlight = forwards.count
        if inFlight > 0 {
            logger.debug(
                "Tail sampling shutdown waits for forwards in flight on other threads",
                metadata: ["forwards": "\(inFlight)"]
            )
            await forwards.drained()
        }
        try await downstream.shutdown()
    }

    public func dropRemaining(reason: String) {
        downstream.dropRemaining(reason: reason)
    }

    /// One trace's decision, to count once it is recorded.
    private struct Decision {
        var policy: String
        var kept: Bool
        var trigger: TailSamplingBuffer.Trigger
        /// Whether the deciding policy keeps only a fraction of what it sees.
        var isProbabilistic: Bool
    }

    /// Asks the policies about each trace in `ready`, records the decisions, counts them with `droppedSpans`, and
    /// forwards the kept traces with the spans of them that ended meanwhile.
    ///
    /// The policies run without the buffer's lock: a policy may be slow, may read spans (each behind its own lock),
    /// and may end spans itself, which calls ``onEnd(_:)`` again. Until the decision is recorded, spans of a trace
    /// being decided wait beside it in the buffer rather than starting a new trace.
    private func decideAndForward(_ ready: [TailSamplingBuffer.Ready], droppedSpans: Int) {
        guard !ready.isEmpty || droppedSpans > 0 else { return }
        let decisions = ready.map { item -> Decision in
            for policy in policies {
                if let answer = policy.decide(item.trace) {
                    return Decision(
                        policy: policy.name, kept: answer == .keep, trigger: item.trigger,
                        isProbabilistic: Self.isProbabilistic(policy))
                }
            }
            return Decision(policy: "none", kept: false, trigger: item.trigger, isProbabilistic: false)
        }
        let late = ready.isEmpty ? [] : buffer.withLock { buffer in
            zip(ready, decisions).map { item, decision in buffer.finishDeciding(item.trace.traceID, kept: decision.kept) }
        }
        count(decisions, droppedSpans: droppedSpans)
        for ((item, decision), lateSpans) in zip(zip(ready, decisions), late) where decision.kept {
            if decision.isProbabilistic { warnIfHeadThreshold(item.trace) }
            for span in item.trace.spans { downstream.onEnd(span) }
            for span in lateSpans { downstream.onEnd(span) }
        }
    }

    /// Counts decisions and drops in the statistics and metrics, and logs the first drop.
    private func count(_ decisions: [Decision], droppedSpans: Int) {
        guard !decisions.isEmpty || droppedSpans > 0 else { return }
        let firstDrop = counts.withLock { counts -> Bool in
            for decision in decisions {
                if decision.kept { counts.tracesKept += 1 } else { counts.tracesDropped += 1 }
                if decision.trigger != .rootEnded { counts.tracesDecidedEarly += 1 }
                counts.decisionsByPolicy[decision.policy, default: .init()].add(kept: decision.kept)
            }
            let first = counts.spansDropped == 0 && droppedSpans > 0
            counts.spansDropped += droppedSpans
            return first
        }
        if let metrics {
            for decision in decisions {
                metrics.recordDecision(policy: decision.policy, kept: decision.kept, trigger: decision.trigger)
            }
            if droppedSpans > 0 { metrics.recordDroppedSpans(droppedSpans) }
        }
        if firstDrop {
            logger.warning(
                "Tail sampling dropped spans: a trace held its maximum number of spans, the buffer held only that trace, or the processor was shut down. Further drops are only counted.",
                metadata: [
                    "maxSpansPerTrace": "\(configuration.maxSpansPerTrace)",
                    "maxBufferedSpans": "\(configuration.maxBufferedSpans)",
                ]
            )
        }
    }

    /// Whether `policy` is one of this module's that keeps only a fraction of the traces it decides.
    private static func isProbabilistic(_ policy: any TailSamplingPolicy) -> Bool {
        if let policy = policy as? ProbabilityPolicy { return policy.probability < 1 }
        if let policy = policy as? LatencyPolicy { return policy.probability < 1 }
        return false
    }

    /// Warns once when a trace kept at a tail probability below 1 carries a head sampler's `th`: the processor
    /// forwards spans as they are, so a backend weighing them by `th` counts them as standing for fewer traces than
    /// they do. The trace state cannot be known before spans arrive, hence a warning here rather than at init.
    private func warnIfHeadThreshold(_ trace: TailSampledTrace) {
        guard !warnedHeadThreshold.load(ordering: .relaxed) else { return }
        let traceState = (trace.localRoot ?? trace.spans.first)?.spanContext.traceState ?? TraceState()
        guard OTelTraceStateValue(traceState).threshold != nil,
            !warnedHeadThreshold.exchange(true, ordering: .relaxed)
        else { return }
        logger.warning(
            "Tail sampling keeps traces with a probability below 1, but their spans carry the head sampler's ot=th threshold, which does not include it: backends that weigh spans by th will undercount these traces. Use a head sampler that writes no threshold (AlwaysOnSampler) or weigh tail-sampled traces yourself.",
            metadata: ["tracestate": "\(traceState.header)"]
        )
    }

    /// Sleeps until the oldest trace's deadline, decides what expired, and repeats until shutdown.
    private func expireUntilStopped() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.stopped.wait() }
            group.addTask {
                while !Task.isCancelled {
                    let deadline = self.buffer.withLock { $0.nextDeadline() } ?? self.clock.now.advanced(by: self.configuration.maxWait)
                    do {
                        try await self.clock.sleep(until: deadline)
                    } catch {
                        return
                    }
                    self.decideExpiredTraces()
                }
            }
            // The loop ends only when cancelled, so the first task to finish is the stop signal.
            await group.next()
            group.cancelAll()
        }
    }
}

/// What a ``TailSamplingProcessor`` decided and dropped so far, and what it holds now.
public struct TailSamplingStatistics: Sendable, Hashable {
    /// Kept and dropped traces.
    public struct Decisions: Sendable, Hashable {
        /// Traces kept.
        public var kept = 0
        /// Traces dropped.
        public var dropped = 0

        /// Creates counts.
        public init(kept: Int = 0, dropped: Int = 0) {
            self.kept = kept
            self.dropped = dropped
        }

        mutating func add(kept wasKept: Bool) {
            if wasKept { kept += 1 } else { dropped += 1 }
        }
    }

    /// Traces kept: their spans went downstream.
    public var tracesKept = 0
    /// Traces dropped by a policy's decision, or because no policy answered.
    public var tracesDropped = 0
    /// Traces decided before their local root ended: their wait ran out, the buffer needed room, or the processor
    /// shut down. They are also counted as kept or dropped.
    public var tracesDecidedEarly = 0
    /// Decisions by the name of the policy that made them; `none` when no policy answered.
    public var decisionsByPolicy: [String: Decisions] = [:]
    /// Spans dropped without a decision: their trace was full, the buffer held only their trace and was full, or
    /// they ended after shutdown.
    public var spansDropped = 0
    /// Traces waiting for a decision now.
    public var bufferedTraces = 0
    /// Spans waiting for a decision now.
    public var bufferedSpans = 0

    /// Creates statistics with every count at zero.
    public init() {}
}

/// The processor's counters, made once from the meter provider.
private struct TailSamplingMetrics: Sendable {
    let traces: Counter<Int64>
    let droppedSpans: Counter<Int64>

    init(meterProvider: MeterProvider) {
        let meter = meterProvider.meter(name: SDKMetrics.scopeName, version: Resource.sdkVersion)
        traces = meter.makeCounter(
            name: "otel.sdk.tail_sampling.traces", unit: "{trace}", description: "Traces decided by tail sampling")
        droppedSpans = meter.makeCounter(
            name: "otel.sdk.tail_sampling.spans.dropped", unit: "{span}",
            description: "Spans tail sampling dropped without a decision")
    }

    func recordDecision(policy: String, kept: Bool, trigger: TailSamplingBuffer.Trigger) {
        traces.add(1, attributes: [
            "otel.sdk.tail_sampling.decision": .string(kept ? "kept" : "dropped"),
            "otel.sdk.tail_sampling.policy": .string(policy),
            "otel.sdk.tail_sampling.trigger": .string(trigger.rawValue),
        ])
    }

    func recordDroppedSpans(_ count: Int) {
        droppedSpans.add(Int64(count))
    }
}

/// Counts calls that are forwarding spans downstream, so that shutdown can wait until none is, without blocking a
/// thread. Calls enter before shutdown marks the buffer shut (under its lock) and none enters afterwards, so once the
/// count reaches zero during shutdown it stays there.
private final class InFlightCount: Sendable {
    private let value = Atomic<Int>(0)
    /// Set when shutdown starts waiting, so that the common path, leaving while nobody waits, takes no lock.
    private let draining = Atomic<Bool>(false)
    private let waiter = Mutex<CheckedContinuation<Void, Never>?>(nil)

    var count: Int { value.load(ordering: .sequentiallyConsistent) }

    func enter() {
        value.wrappingAdd(1, ordering: .sequentiallyConsistent)
    }

    func leave() {
        // Sequentially consistent with `drained`'s store and load: either this sees `draining` set and resumes the
        // waiter, or `drained` sees the count at zero and does not wait.
        let remaining = value.wrappingSubtract(1, ordering: .sequentiallyConsistent).newValue
        guard remaining == 0, draining.load(ordering: .sequentiallyConsistent) else { return }
        waiter.withLock { $0.take() }?.resume()
    }

    /// Returns when the count is zero, or when the calling task is cancelled. One caller at a time: shutdown.
    func drained() async {
        draining.store(true, ordering: .sequentiallyConsistent)
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let returnsNow = waiter.withLock { waiter -> Bool in
                    if value.load(ordering: .sequentiallyConsistent) == 0 || Task.isCancelled { return true }
                    waiter = continuation
                    return false
                }
                if returnsNow { continuation.resume() }
            }
        } onCancel: {
            waiter.withLock { $0.take() }?.resume()
        }
    }
}

/// Fires once; every waiter, earlier or later, then returns. A waiting task that is cancelled returns too, so that
/// a cancelled ``TailSamplingProcessor/run()`` never hangs on a shutdown that does not come.
private final class OneShotSignal: Sendable {
    private struct State {
        var fired = false
        var nextID = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        /// Waiters cancelled before they registered: they return as soon as they do.
        var cancelled: Set<Int> = []
    }

    private let state = Mutex(State())

    func fire() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.fired = true
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        waiters.forEach { $0.resume() }
    }

    func wait() async {
        let id = state.withLock { state -> Int in
            defer { state.nextID += 1 }
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let returnsNow = state.withLock { state -> Bool in
                    if state.fired || state.cancelled.remove(id) != nil { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if returnsNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                if let waiter = state.waiters.removeValue(forKey: id) { return waiter }
                if !state.fired { state.cancelled.insert(id) }
                return nil
            }
            waiter?.resume()
        }
    }
}
