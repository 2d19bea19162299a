import Synchronization
import Tracing

/// A span that this SDK records: the one object whose identity is the span.
///
/// Processors receive it when it starts and ends; ``spanData`` reads it as a value. Every method is safe to call
/// from any thread, and after ``end(at:)`` nothing changes any more.
public final class RecordingSpan: Sendable {
    /// The span's context: ids, flags and trace state.
    public let spanContext: SpanContext
    /// The parent's span id, or `nil` for a root span.
    public let parentSpanID: SpanID?
    /// Whether the parent came from another process.
    public let parentIsRemote: Bool
    /// The span's kind.
    public let kind: SpanKind
    /// When the span started, in nanoseconds since the Unix epoch.
    public let startTime: UInt64

    let tracer: TracerState
    let state: Mutex<State>

    struct State: Sendable {
        var name: String
        var attributes: SpanAttributeStorage
        var droppedAttributes = 0
        var events: [SpanData.Event] = []
        var droppedEvents = 0
        var links: [SpanData.Link] = []
        var droppedLinks = 0
        var status: SpanStatus?
        var endTime: UInt64?
        /// In-place attribute changes under way: their attributes are out of the lock until they are put back.
        var attributeWriters = 0
        /// The end time of an ``end(at:)`` that came while attributes were out; the last writer ends the span.
        var pendingEndTime: UInt64?
        /// The keys the span held before the in-place changes under way, kept only near the count limit so that the
        /// new keys are the ones dropped. Kept here, not in the change's own state, so that the change's coroutine
        /// frame stays small enough to need no allocation.
        var keysBeforeChange: Set<String>?
        /// Keys ``setAttribute(_:_:)`` removed while an in-place change had the attributes out: the change puts back
        /// what it took, so these removals are applied again after it.
        var keysRemovedDuringChange: Set<String>?

        /// Whether the span ended, or its end waits only for an in-place attribute change to finish.
        var isEnding: Bool { endTime != nil || pendingEndTime != nil }
    }

    init(
        name: String,
        spanContext: SpanContext,
        parentSpanID: SpanID?,
        parentIsRemote: Bool,
        kind: SpanKind,
        startTime: UInt64,
        attributes: SpanAttributeStorage,
        links: [SpanData.Link],
        tracer: TracerState
    ) {
        self.spanContext = spanContext
        self.parentSpanID = parentSpanID
        self.parentIsRemote = parentIsRemote
        self.kind = kind
        self.startTime = startTime
        self.tracer = tracer
        let limits = tracer.provider.limits
        var state = State(name: name, attributes: attributes)
        state.droppedAttributes = state.attributes.trim(toCount: limits.attributeCountLimit)
        state.attributes.truncateStrings(to: limits.attributeValueLengthLimit)
        for link in links { state.append(link, limits: limits) }
        self.state = Mutex(state)
    }

    /// The span's name. Changing it after the span ended has no effect.
    public var name: String {
        get { state.withLock { $0.name } }
        set { state.withLock { if !$0.isEnding { $0.name = newValue } } }
    }

    /// Whether the span still records: `true` until it ends.
    public var isRecording: Bool { state.withLock { !$0.isEnding } }

    /// Whether ``end(at:)`` was called.
    public var hasEnded: Bool { !isRecording }

    /// Sets one attribute. When the span already holds the maximum number of attributes, a new key is dropped and
    /// counted, while an existing key is still updated. A `nil` value removes the key.
    public func setAttribute(_ key: String, _ value: consuming SpanAttribute?) {
        let limits = tracer.provider.limits
        // Converted once, outside the lock, into the form the list keeps.
        let stored = value.map { SpanAttributeStorage.StoredValue($0).truncated(to: limits.attributeValueLengthLimit) }
        state.withLock { state in
            guard !state.isEnding else { return }
            guard let stored else {
                state.attributes.set(key, stored: nil)
                if state.attributeWriters > 0 {
                    state.keysRemovedDuringChange = (state.keysRemovedDuringChange ?? []).union([key])
                }
                return
            }
            if state.attributes.count >= limits.attributeCountLimit, !state.attributes.contains(key) {
                state.droppedAttributes += 1
            } else {
                state.attributes.set(key, stored: stored)
                if state.attributeWriters > 0 { state.keysRemovedDuringChange?.remove(key) }
            }
        }
    }

    /// All attributes, as swift-distributed-tracing's value type.
    ///
    /// At the count limit, keys the span already holds are kept and new keys are dropped and counted, whichever way
    /// they are set; when one change adds more new keys than there is room for, which of the new keys are dropped
    /// is unspecified, since `SpanAttributes` is unordered. One exception: an in-place change (`attributes[…] = …`,
    /// `attributes.merge(…)`) that starts more than 16 keys below the limit and adds more than 16 keys at once may
    /// drop existing keys too; use the setter or ``setAttribute(_:_:)`` for such bulk changes.
    public var attributes: SpanAttributes {
        get { state.withLock { $0.attributes }.spanAttributes }
        set {
            var newValue = SpanAttributeStorage(newValue)
            let limits = tracer.provider.limits
            newValue.truncateStrings(to: limits.attributeValueLengthLimit)
            state.withLock { state in
                guard !state.isEnding else { return }
                let existing = state.attributes
                state.droppedAttributes += newValue.trim(toCount: limits.attributeCountLimit) { !existing.contains($0) }
                state.attributes = newValue
            }
        }
        _modify {
            var taken = takeAttributes()
            defer { restoreAttributes(taken) }
            yield &taken.attributes
        }
    }

    /// The attributes moved out for an in-place change: moving leaves them uniquely referenced, so the caller's
    /// change does not copy them. After the span ended, an empty set whose changes are dropped.
    ///
    /// While they are out, ``end(at:)`` does not hand the span to the processors: the change puts them back and
    /// then ends the span, so that no processor sees a span without its attributes and no change lands after the end.
    @usableFromInline
    struct TakenAttributes {
        @usableFromInline var attributes: SpanAttributes
        let isEnded: Bool

        @usableFromInline
        static var ended: TakenAttributes { TakenAttributes(attributes: SpanAttributes(), isEnded: true) }
    }

    // Never inlined into the `_modify` coroutines: their locals would join the coroutine's frame, which then no
    // longer fits the caller's buffer and costs an allocation per change.
    @usableFromInline @inline(never)
    func takeAttributes() -> TakenAttributes {
        state.withLock { state in
            guard !state.isEnding else { return .ended }
            let taken = state.attributes.takeTable()
            state.attributeWriters += 1
            let count = taken.count
            if count > 0, count >= tracer.provider.limits.attributeCountLimit - Self.keyTrackingMargin,
                state.keysBeforeChange == nil
            {
                state.keysBeforeChange = Self.keys(of: taken)
            }
            return TakenAttributes(attributes: taken, isEnded: false)
        }
    }

    @usableFromInline @inline(never)
    func restoreAttributes(_ taken: TakenAttributes) {
        guard !taken.isEnded else { return }
        var attributes = taken.attributes
        let limits = tracer.provider.limits
        if let lengthLimit = limits.attributeValueLengthLimit { attributes.truncateStrings(to: lengthLimit) }
        let endsNow = state.withLock { state -> Bool in
            // Another thread set or removed attributes meanwhile, after this change took them out: those writes are the
            // later ones, so they apply on top of the change.
            if !state.attributes.isEmpty {
                state.attributes.forEach { key, value in attributes.set(key, value: value) }
            }
            if let removed = state.keysRemovedDuringChange {
                for key in removed { attributes.set(key, value: nil) }
            }
            var restored = SpanAttributeStorage(attributes)
            if restored.count > limits.attributeCountLimit {
                let existing = state.keysBeforeChange
                state.droppedAttributes += restored.trim(toCount: limits.attributeCountLimit) {
                    !(existing?.contains($0) ?? false)
                }
            }
            state.attributes = restored
            state.attributeWriters -= 1
            guard state.attributeWriters == 0 else { return false }
            state.keysBeforeChange = nil
            state.keysRemovedDuringChange = nil
            guard let endTime = state.pendingEndTime else { return false }
            state.endTime = endTime
            state.pendingEndTime = nil
            return true
        }
        if endsNow { notifyEnd() }
    }

    /// How close to the count limit a change must start for its keys to be kept: a change of more keys than this,
    /// starting further below, may drop an existing key instead of a new one.
    static let keyTrackingMargin = 16

    private static func keys(of attributes: SpanAttributes) -> Set<String> {
        var keys = Set<String>(minimumCapacity: attributes.count)
        attributes.forEach { key, _ in keys.insert(key) }
        return keys
    }

    /// Adds an event. Past the event limit the event is dropped and counted.
    public func addEvent(_ name: String, attributes: SpanAttributes = [:], at time: UInt64? = nil) {
        let time = time ?? DefaultTracerClock.now.nanosecondsSinceEpoch
        let limits = tracer.provider.limits
        var attributes = attributes
        let dropped = attributes.trim(toCount: limits.attributePerEventCountLimit)
        attributes.truncateStrings(to: limits.attributeValueLengthLimit)
        let event = SpanData.Event(name: name, time: time, attributes: attributes, droppedAttributeCount: dropped)
        state.withLock { state in
            guard !state.isEnding else { return }
            if state.events.count >= limits.eventCountLimit {
                state.droppedEvents += 1
            } else {
                state.events.append(event)
            }
        }
    }

    /// Records an error as an `exception` event with `exception.type` and `exception.message`.
    ///
    /// It does not change the status: set ``setStatus(_:)`` to `.error` as well when the error failed the operation.
    public func recordError(_ error: any Error, attributes: SpanAttributes = [:], at time: UInt64? = nil) {
        var eventAttributes = attributes
        eventAttributes.set("exception.type", value: .string(String(reflecting: type(of: error))))
        eventAttributes.set("exception.message", value: .string(String(describing: error)))
        addEvent("exception", attributes: eventAttributes, at: time)
    }

    /// Adds a link to another span. Past the link limit the link is dropped and counted.
    public func addLink(_ link: SpanData.Link) {
        let limits = tracer.provider.limits
        state.withLock { state in
            guard !state.isEnding else { return }
            state.append(link, limits: limits)
        }
    }

    /// Sets the status, following the specification: `ok` is final, an error's description is kept, and an `ok`
    /// status has none.
    public func setStatus(_ status: SpanStatus) {
        state.withLock { state in
            guard !state.isEnding, state.status?.code != .ok else { return }
            switch status.code {
            case .ok: state.status = SpanStatus(code: .ok)
            case .error: state.status = status
            }
        }
    }

    /// The current status, or `nil` while it is unset.
    public var status: SpanStatus? { state.withLock { $0.status } }

    /// Ends the span and hands it to the processors. Calls after the first do nothing.
    public func end(at time: UInt64? = nil) {
        let time = time ?? DefaultTracerClock.now.nanosecondsSinceEpoch
        let ended = state.withLock { state -> Bool in
            guard !state.isEnding else { return false }
            guard state.attributeWriters == 0 else {
                state.pendingEndTime = time
                return false
            }
            state.endTime = time
            return true
        }
        if ended { notifyEnd() }
    }

    private func notifyEnd() {
        for processor in tracer.provider.processors {
            processor.onEnd(self)
        }
    }

    /// The span as an immutable value. Limits were applied as values were set.
    public var spanData: SpanData {
        let state = state.withLock { $0 }
        let provider = tracer.provider
        let data = SpanData(
            name: state.name,
            kind: kind,
            spanContext: spanContext,
            parentSpanID: parentSpanID,
            parentIsRemote: parentIsRemote,
            startTime: startTime,
            endTime: state.endTime ?? 0,
            attributeStorage: state.attributes,
            droppedAttributeCount: state.droppedAttributes,
            events: state.events,
            droppedEventCount: state.droppedEvents,
            links: state.links,
            droppedLinkCount: state.droppedLinks,
            status: state.status,
            resource: provider.resource,
            instrumentationScope: tracer.scope
        )
        return data
    }
}

extension RecordingSpan.State {
    mutating func append(_ link: SpanData.Link, limits: SpanLimits) {
        guard links.count < limits.linkCountLimit else {
            droppedLinks += 1
            return
        }
        var link = link
        link.droppedAttributeCount += link.attributes.trim(toCount: limits.attributePerLinkCountLimit)
        link.attributes.truncateStrings(to: limits.attributeValueLengthLimit)
        links.append(link)
    }
}
