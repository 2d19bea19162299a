import GRPCCore
import Synchronization
import Tracing

/// One call's span and duration measurement, from its start until its last message or its status.
///
/// A streaming call outlives the interceptor that started it: on the client the response's messages are read after
/// `intercept` returns, and on the server the handler's producer writes them after it returns. So the interceptors
/// hand this object to the wrapped streams, and it ends the span when the stream ends, when it fails, or, should
/// grpc-swift drop the stream unread, when it is released. Each happens once.
final class CallObservation: Sendable {
    private let span: any Span
    private let kind: SpanKind
    private let duration: CallDurationSeries?
    private let durationKey: CallDurationSeries.Key
    private let messageEvents: Bool
    private let start: ContinuousClock.Instant
    private let finished = Atomic<Bool>(false)
    private let sentMessages = Atomic<Int>(0)
    private let receivedMessages = Atomic<Int>(0)

    init(
        span: any Span, kind: SpanKind, duration: CallDurationSeries?, durationKey: CallDurationSeries.Key,
        messageEvents: Bool, start: ContinuousClock.Instant
    ) {
        self.span = span
        self.kind = kind
        self.duration = duration
        self.durationKey = durationKey
        self.messageEvents = messageEvents
        self.start = start
    }

    deinit {
        // Dropped before its end was seen: the client stopped reading the response, or the server never ran the
        // producer. grpc-swift cancels such a call, so it is recorded as CANCELLED.
        finish(error: RPCError(code: .cancelled, message: "The call ended before its response was complete."))
    }

    /// Records a message sent: the conventions' `rpc.message` event, with ids counting from 1 in each direction.
    func messageSent() {
        let id = sentMessages.add(1, ordering: .relaxed).newValue
        if messageEvents { addMessageEvent(type: "SENT", id: id) }
    }

    /// Records a message received.
    func messageReceived() {
        let id = receivedMessages.add(1, ordering: .relaxed).newValue
        if messageEvents { addMessageEvent(type: "RECEIVED", id: id) }
    }

    private func addMessageEvent(type: String, id: Int) {
        var attributes = SpanAttributes()
        attributes["rpc.message.type"] = type
        attributes["rpc.message.id"] = id
        span.addEvent(SpanEvent(name: "rpc.message", attributes: attributes))
    }

    /// Ends the span with the status `error` implies (OK without one) and records the duration, the first time only.
    func finish(error: (any Error)?) {
        guard !finished.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let code = GRPCSemantics.statusCode(of: error)
        let isError = GRPCSemantics.isError(code, kind: kind)
        span.setAttributes { set in
            set("rpc.grpc.status_code", .int64(Int64(code)))
            set("rpc.response.status_code", .string(GRPCSemantics.statusName(code)))
            if isError { set("error.type", .string(GRPCSemantics.statusName(code))) }
        }
        if isError {
            if let rpcError = error as? RPCError {
                span.setStatus(SpanStatus(code: .error, message: rpcError.message))
            } else if let error {
                // Not a status the handler chose: an exception, recorded as the conventions' event.
                span.recordError(error)
                span.setStatus(SpanStatus(code: .error))
            } else {
                span.setStatus(SpanStatus(code: .error))
            }
        }
        span.end()

        guard let duration else { return }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        var key = durationKey
        key.statusCode = code
        duration.record(seconds, key)
    }
}

/// A writer that records each message it passes on as sent.
struct ObservedWriter<Element: Sendable>: RPCWriterProtocol {
    let base: RPCWriter<Element>
    let observation: CallObservation

    func write(_ element: Element) async throws {
        try await base.write(element)
        observation.messageSent()
    }

    func write(contentsOf elements: some Sequence<Element>) async throws {
        // One at a time, so that each message has its event even when the batch fails part way.
        for element in elements { try await write(element) }
    }
}

/// A stream that records each message it passes on as received and, when it carries the call's end, finishes the
/// call when it ends.
struct ObservedSequence<Element: Sendable>: AsyncSequence, Sendable {
    typealias Failure = any Error
    let base: RPCAsyncSequence<Element, any Error>
    let observation: CallObservation
    /// Whether the element is a message (rather than, say, trailing metadata).
    let isMessage: @Sendable (Element) -> Bool
    /// Whether the element is the last of a successful call: a client's trailing metadata arrives only with an OK
    /// status, and a reader may stop there without asking for the stream's end.
    let isSuccessfulEnd: @Sendable (Element) -> Bool
    /// Whether the stream's end is the call's end: yes for a client's response, no for a server's request, whose
    /// handler goes on to respond.
    let endsCall: Bool

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: RPCAsyncSequence<Element, any Error>.AsyncIterator
        let observation: CallObservation
        let isMessage: @Sendable (Element) -> Bool
        let isSuccessfulEnd: @Sendable (Element) -> Bool
        let endsCall: Bool

        mutating func next() async throws -> Element? {
            do {
                guard let element = try await base.next() else {
                    if endsCall { observation.finish(error: nil) }
                    return nil
                }
                if isMessage(element) {
                    observation.messageReceived()
                } else if endsCall && isSuccessfulEnd(element) {
                    observation.finish(error: nil)
                }
                return element
            } catch {
                if endsCall { observation.finish(error: error) }
                throw error
            }
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(
            base: base.makeAsyncIterator(), observation: observation, isMessage: isMessage,
            isSuccessfulEnd: isSuccessfulEnd, endsCall: endsCall)
    }
}
