import DequeModule

/// The bounded memory of a ``TailSamplingProcessor``: spans waiting for their trace's decision, and recent decisions
/// for spans that end after it. A value type without locks, clocks or I/O: events in, traces to decide out.
struct TailSamplingBuffer {
    /// Why a trace was decided.
    enum Trigger: String, Sendable, CaseIterable {
        /// Its local root ended.
        case rootEnded = "root_ended"
        /// It waited ``TailSamplingProcessor/Configuration/maxWait`` without its local root ending.
        case timeout
        /// The buffer needed room for a newer trace.
        case bufferFull = "buffer_full"
        /// The processor shut down.
        case shutdown
    }

    /// A trace ready for its policies.
    struct Ready {
        var trace: TailSampledTrace
        var trigger: Trigger
    }

    private struct Pending {
        var spans: [RecordingSpan] = []
        var firstSeen: ContinuousClock.Instant
        var droppedSpans = 0
    }

    /// A trace handed to the policies, which run without the processor's lock: spans of it that end before the
    /// decision is recorded wait here, and follow the decision.
    private struct Deciding {
        /// Spans handed to the policies with the trace, so that the late ones stay within the per-trace bound.
        var handedOver: Int
        var late: [RecordingSpan] = []
    }

    /// What happens to a span that ended.
    enum SpanOutcome: Equatable {
        /// Buffered (with its trace, or beside a trace being decided), or dropped for a full trace; nothing to
        /// forward now.
        case buffered
        /// Its trace was decided before: forward it if kept.
        case decided(kept: Bool)
        /// The processor is shut down: dropped.
        case rejected
    }

    let configuration: TailSamplingProcessor.Configuration
    private var pending: [TraceID: Pending] = [:]
    /// Pending traces oldest first, by when their first span ended: deadlines come in this order too. Decided traces
    /// stay in it until they reach the front, where they are skipped.
    private var arrivals: Deque<(traceID: TraceID, firstSeen: ContinuousClock.Instant)> = []
    private var decisions: [TraceID: Bool] = [:]
    private var deciding: [TraceID: Deciding] = [:]
    private var decisionOrder: Deque<TraceID> = []
    private(set) var bufferedSpans = 0
    private(set) var droppedSpans = 0
    private(set) var isShutdown = false

    init(configuration: TailSamplingProcessor.Configuration) {
        self.configuration = configuration
    }

    /// Traces waiting for a decision.
    var bufferedTraces: Int { pending.count }

    /// Takes in a span that ended. Traces that must be decided now, because its root ended, because the buffer
    /// needed room, or because their wait ran out, are appended to `ready`.
    mutating func spanEnded(
        _ span: RecordingSpan,
        isLocalRoot: Bool,
        at now: ContinuousClock.Instant,
        ready: inout [Ready]
    ) -> SpanOutcome {
        guard !isShutdown else {
            droppedSpans += 1
            return .rejected
        }
        expire(at: now, into: &ready)
        let traceID = span.spanContext.traceID
        if let kept = decisions[traceID] { return .decided(kept: kept) }
        if var trace = deciding[traceID] {
            // Its policies are running on another thread (or further up this one): wait for their answer beside it.
            if trace.handedOver + trace.late.count >= configuration.maxSpansPerTrace {
                droppedSpans += 1
            } else {
                trace.late.append(span)
                deciding[traceID] = trace
            }
            return .buffered
        }

        if isLocalRoot {
            // The root is never dropped for space: it is what the latency policy measures, and it leaves at once.
            var trace = pending.removeValue(forKey: traceID) ?? Pending(firstSeen: now)
            bufferedSpans -= trace.spans.count
            trace.spans.append(span)
            handOver(Self.trace(traceID, trace, root: span), .rootEnded, into: &ready)
            return .buffered
        }
        if pending[traceID] == nil {
            while pending.count >= configuration.maxTraces, let oldest = popOldest() {
                handOver(oldest, .bufferFull, into: &ready)
            }
            pending[traceID] = Pending(firstSeen: now)
            arrivals.append((traceID, now))
            compactArrivals()
        }
        if pending[traceID]?.spans.count ?? 0 >= configuration.maxSpansPerTrace {
            pending[traceID]?.droppedSpans += 1
            droppedSpans += 1
            return .buffered
        }
        while bufferedSpans >= configuration.maxBufferedSpans, let oldest = popOldest(sparing: traceID) {
            handOver(oldest, .bufferFull, into: &ready)
        }
        guard bufferedSpans < configuration.maxBufferedSpans else {
            // Only this trace is left and it fills the buffer alone.
            pending[traceID]?.droppedSpans += 1
            droppedSpans += 1
            return .buffered
        }
        pending[traceID]?.spans.append(span)
        bufferedSpans += 1
        return .buffered
    }

    /// Moves every trace whose wait has run out to `ready`.
    mutating func expire(at now: ContinuousClock.Instant, into ready: inout [Ready]) {
        while let first = arrivals.first {
            guard let trace = pending[first.traceID], trace.firstSeen == first.firstSeen else {
                arrivals.removeFirst()
                continue
            }
            guard now - trace.firstSeen >= configuration.maxWait else { return }
            if let oldest = popOldest() { handOver(oldest, .timeout, into: &ready) }
        }
    }

    /// When the oldest pending trace's wait runs out, or `nil` when none is pending.
    mutating func nextDeadline() -> ContinuousClock.Instant? {
        while let first = arrivals.first {
            if let trace = pending[first.traceID], trace.firstSeen == first.firstSeen {
                return first.firstSeen.advanced(by: configuration.maxWait)
            }
            arrivals.removeFirst()
        }
        return nil
    }

    /// Records the decision on a trace handed over in `ready`, and returns the spans of it that ended meanwhile: they
    /// follow the decision. Later spans find the decision remembered, unless the processor is shut down.
    mutating func finishDeciding(_ traceID: TraceID, kept: Bool) -> [RecordingSpan] {
        let late = deciding.removeValue(forKey: traceID)?.late ?? []
        if !isShutdown { remember(traceID, kept: kept) }
        return late
    }

    /// Remembers a decision, so that spans of the trace that end later follow it; the oldest are forgotten first.
    private mutating func remember(_ traceID: TraceID, kept: Bool) {
        guard configuration.decisionCacheSize > 0 else { return }
        if decisions.updateValue(kept, forKey: traceID) == nil {
            decisionOrder.append(traceID)
        }
        while decisionOrder.count > configuration.decisionCacheSize, let forgotten = decisionOrder.popFirst() {
            decisions[forgotten] = nil
        }
    }

    /// Stops taking spans and hands over every pending trace.
    mutating func shutDown(into ready: inout [Ready]) {
        isShutdown = true
        while let oldest = popOldest() { handOver(oldest, .shutdown, into: &ready) }
        arrivals.removeAll()
    }

    /// Drops the entries of traces decided since they arrived, once they outnumber the pending ones: a trace that
    /// waits long at the front would otherwise keep every later entry alive behind it.
    private mutating func compactArrivals() {
        guard arrivals.count > 2 * configuration.maxTraces else { return }
        let pending = self.pending
        arrivals = Deque(arrivals.filter { pending[$0.traceID]?.firstSeen == $0.firstSeen })
    }

    /// Moves a trace to `ready` and marks it as being decided, so that its spans that end before the decision is
    /// recorded wait for it instead of starting a new trace.
    private mutating func handOver(_ trace: TailSampledTrace, _ trigger: Trigger, into ready: inout [Ready]) {
        deciding[trace.traceID] = Deciding(handedOver: trace.spans.count + trace.droppedSpanCount)
        ready.append(Ready(trace: trace, trigger: trigger))
    }

    /// Removes and returns the oldest pending trace other than `spared`.
    private mutating func popOldest(sparing spared: TraceID? = nil) -> TailSampledTrace? {
        var skipped: [(traceID: TraceID, firstSeen: ContinuousClock.Instant)] = []
        defer { for entry in skipped.reversed() { arrivals.prepend(entry) } }
        while let first = arrivals.popFirst() {
            guard let trace = pending[first.traceID], trace.firstSeen == first.firstSeen else { continue }
            if first.traceID == spared {
                skipped.append(first)
                continue
            }
            pending[first.traceID] = nil
            bufferedSpans -= trace.spans.count
            return Self.trace(first.traceID, trace, root: nil)
        }
        return nil
    }

    private static func trace(_ traceID: TraceID, _ pending: Pending, root: RecordingSpan?) -> TailSampledTrace {
        TailSampledTrace(traceID: traceID, spans: pending.spans, localRoot: root, droppedSpanCount: pending.droppedSpans)
    }
}
