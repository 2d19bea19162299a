import Tracing

/// The span this SDK's tracers return: a recorded span, or a non-recording one that only carries its context.
///
/// It conforms to swift-distributed-tracing's `Span`, so `withSpan` and every library instrumented with that API
/// use it directly. On a non-recording span every change is ignored at almost no cost, and ``context`` still
/// propagates the span's ids to children and to other services.
public struct TelemetrySpan: Tracing.Span {
    /// The context to run the span's work in: the parent context with this span set as the active span.
    public let context: ServiceContext
    /// The recorded span, or `nil` when this span is not recording.
    public let recordingSpan: RecordingSpan?

    // Two words: swift-distributed-tracing passes the span to `withSpan`'s closure as `any Span`, and a value of more
    // than three words would be boxed on the heap. A non-recording span's ids live only in `context`.
    @usableFromInline
    init(context: ServiceContext, recordingSpan: RecordingSpan?) {
        self.context = context
        self.recordingSpan = recordingSpan
    }

    /// The span's ids, flags and trace state.
    public var spanContext: SpanContext {
        if let recordingSpan { return recordingSpan.spanContext }
        return context[SpanContextKey.self]?.spanContext ?? SpanContext(traceID: .invalid, spanID: .invalid)
    }

    public var operationName: String {
        get { recordingSpan?.name ?? "" }
        nonmutating set { recordingSpan?.name = newValue }
    }

    public var isRecording: Bool { recordingSpan?.isRecording ?? false }

    public var attributes: SpanAttributes {
        get { recordingSpan?.attributes ?? [:] }
        nonmutating set { recordingSpan?.attributes = newValue }
        // Inlined into the protocol witness: a coroutine the witness calls needs a frame of its own, an allocation.
        @inline(__always)
        nonmutating _modify {
            // One coroutine level, not a nested call to the span's own accessor: each level costs a frame.
            var taken = recordingSpan?.takeAttributes() ?? RecordingSpan.TakenAttributes(attributes: SpanAttributes(), isEnded: true)
            defer { recordingSpan?.restoreAttributes(taken) }
            yield &taken.attributes
        }
    }

    /// Sets one typed attribute; see ``RecordingSpan/setAttribute(_:_:)``.
    public func setAttribute(_ key: String, _ value: consuming SpanAttribute?) {
        recordingSpan?.setAttribute(key, value)
    }

    public func setStatus(_ status: SpanStatus) {
        recordingSpan?.setStatus(status)
    }

    public func addEvent(_ event: SpanEvent) {
        recordingSpan?.addEvent(event.name, attributes: event.attributes, at: event.nanosecondsSinceEpoch)
    }

    /// Adds an event with typed attributes, now or at `time` (nanoseconds since the Unix epoch).
    public func addEvent(_ name: String, attributes: SpanAttributes = [:], at time: UInt64? = nil) {
        recordingSpan?.addEvent(name, attributes: attributes, at: time)
    }

    public func recordError<Instant: TracerInstant>(
        _ error: any Error,
        attributes: SpanAttributes,
        at instant: @autoclosure () -> Instant
    ) {
        guard let span = recordingSpan else { return }
        span.recordError(error, attributes: attributes, at: instant().nanosecondsSinceEpoch)
    }

    public func addLink(_ link: SpanLink) {
        guard let span = recordingSpan, let spanContext = link.context.spanContext else { return }
        span.addLink(SpanData.Link(spanContext: spanContext, attributes: link.attributes))
    }

    public func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        guard let span = recordingSpan else { return }
        span.end(at: instant().nanosecondsSinceEpoch)
    }
}
