import Logging
@testable import Telemetry
import TelemetryTesting
import Testing
import Tracing

@Suite("Traced errors")
struct TracedErrorTests {
    struct CardExpired: Error, CustomStringConvertible {
        var description: String { "card expired" }
    }

    @Test("a traced error carries the ids of the span active when it is made, and a timestamp from then")
    func carriesActiveSpan() throws {
        let (provider, _) = makeProvider()
        let before = DefaultTracerClock.now.nanosecondsSinceEpoch
        let (error, spanContext) = provider.withSpan("charge") { span in
            (TracedError(code: "payment_declined", message: "charging order 42 failed"), span.context.spanContext)
        }
        let after = DefaultTracerClock.now.nanosecondsSinceEpoch
        let expected = try #require(spanContext)
        #expect(error.traceID == expected.traceID)
        #expect(error.spanID == expected.spanID)
        #expect(error.spanContext?.isSampled == true)
        #expect(error.timestamp >= before && error.timestamp <= after)
        #expect(error.code == "payment_declined" && error.message == "charging order 42 failed")
    }

    @Test("it prints its code, message, ids, time and cause")
    func description() throws {
        let context = SpanContext(
            traceID: try #require(TraceID(hexString: "4bf92f3577b34da6a3ce929d0e0e4736")),
            spanID: try #require(SpanID(hexString: "00f067aa0ba902b7")))
        var serviceContext = ServiceContext.topLevel
        serviceContext.spanContext = context
        let error = TracedError(
            code: "payment_declined", message: "charging order 42 failed", cause: CardExpired(),
            context: serviceContext, timestamp: 1_787_305_530_123_000_000)
        #expect(error.description == """
            [payment_declined] charging order 42 failed (trace_id=4bf92f3577b34da6a3ce929d0e0e4736 \
            span_id=00f067aa0ba902b7 at 2026-08-21T09:45:30.123Z), caused by: card expired
            """)
    }

    @Test("outside a span it has no ids, and prints none")
    func outsideSpan() {
        let error = TracedError(code: "bad_input", message: "no order id", timestamp: 0)
        #expect(error.spanContext == nil && error.traceID == nil && error.spanID == nil)
        #expect(error.description == "[bad_input] no order id (at 1970-01-01T00:00:00.000Z)")
    }

    @Test("wrapping keeps the cause and its code, takes the current span's ids, and falls back to the cause's outside a span")
    func wrapping() throws {
        let (provider, _) = makeProvider()
        let (inner, innerSpan) = provider.withSpan("db.query") { span in
            (TracedError(code: "db_timeout", message: "query timed out", cause: CardExpired()), span.context.spanContext)
        }
        let (outer, outerSpan) = provider.withSpan("load basket") { span in
            (TracedError.wrapping(inner, message: "loading the basket failed"), span.context.spanContext)
        }
        #expect(outer.code == "db_timeout")
        #expect(outer.spanID == outerSpan?.spanID && outer.spanID != innerSpan?.spanID)
        #expect((outer.cause as? TracedError)?.spanID == innerSpan?.spanID)
        #expect(outer.rootCause is CardExpired)
        #expect(outer.description.hasSuffix("caused by: \(inner.description)"))

        let outside = TracedError.wrapping(inner, message: "request failed", code: "internal")
        #expect(outside.code == "internal")
        #expect(outside.spanID == innerSpan?.spanID, "no span here: the cause's ids are kept")

        let plain = TracedError.wrapping(CardExpired(), message: "charge failed")
        #expect(plain.code == "unknown" && plain.rootCause is CardExpired && plain.spanContext == nil)
    }

    @Test("recordFailure records the error on the current span and sets its status in one call")
    func recordFailureOnCurrentSpan() throws {
        let (provider, processor) = makeProvider()
        let recorded = provider.withSpan("charge") { _ in
            recordFailure(TracedError(code: "payment_declined", message: "declined"))
        }
        #expect(recorded)
        let span = try #require(processor.ended.first)
        #expect(span.status == SpanStatus(code: .error, message: "[payment_declined] declined"))
        let event = try #require(span.events.first)
        #expect(event.name == "exception")
        #expect(event.attributes.get("exception.type") == .string("Telemetry.TracedError"))
        #expect(recordFailure(CardExpired()) == false, "outside a span nothing records it")
    }

    @Test("Span.recordFailure works on any span, with the error's description as the status message")
    func recordFailureOnSpan() throws {
        let (provider, processor) = makeProvider()
        let span = provider.startSpan("charge")
        span.recordFailure(CardExpired(), attributes: ["payment.provider": "acme"])
        span.end()
        let data = try #require(processor.ended.first)
        #expect(data.status == SpanStatus(code: .error, message: "card expired"))
        #expect(data.events.first?.attributes.get("payment.provider") == .string("acme"))
        #expect(data.events.first?.attributes.get("exception.message") == .string("card expired"))
    }
}

@Suite("Traced errors in logs")
struct TracedErrorLogTests {
    func logger(_ provider: LoggerProvider) -> Logger {
        Logger(label: "orders") { TelemetryLogHandler(label: $0, provider: provider, metadataProvider: nil) }
    }

    @Test("logged outside any span, the record takes the error's trace context, so the log joins the trace")
    func adoptsContextOutsideSpan() throws {
        let (tracing, _) = makeProvider()
        let (provider, processor) = makeLoggerProvider()
        let error = tracing.withSpan("charge") { _ in TracedError(code: "payment_declined", message: "declined") }
        logger(provider).error("request failed", error: error)
        let record = try #require(processor.records.first)
        #expect(record.traceID == error.traceID && record.spanID == error.spanID)
        #expect(record.traceFlags.isSampled)
        #expect(record.attributes["traced_error.trace_id"] == nil)
        #expect(record.attributes["exception.type"] == .string("Telemetry.TracedError"))
    }

    @Test("logged in another span, the record keeps its own context and carries the error's ids as attributes")
    func attributesInsideOtherSpan() throws {
        let (tracing, _) = makeProvider()
        let (provider, processor) = makeLoggerProvider()
        let error = tracing.withSpan("charge") { _ in TracedError(code: "payment_declined", message: "declined") }
        let handlerSpan = tracing.withSpan("error handler") { span in
            logger(provider).error("request failed", error: error)
            return span.context.spanContext
        }
        let record = try #require(processor.records.first)
        #expect(record.spanID == handlerSpan?.spanID)
        #expect(record.attributes["traced_error.trace_id"] == .string(try #require(error.traceID).hexString))
        #expect(record.attributes["traced_error.span_id"] == .string(try #require(error.spanID).hexString))
        #expect(record.attributes["error.trace_id"] == nil && record.attributes["error.span_id"] == nil,
                "error.* belongs to the semantic conventions")
    }

    @Test("logged in the span it was made in, nothing is repeated; an error made outside a span adds nothing")
    func sameSpanAndNoSpan() throws {
        let (tracing, _) = makeProvider()
        let (provider, processor) = makeLoggerProvider()
        tracing.withSpan("charge") { _ in
            logger(provider).error("declined", error: TracedError(code: "payment_declined", message: "declined"))
        }
        logger(provider).error("bad input", error: TracedError(code: "bad_input", message: "no id"))
        let records = processor.records
        #expect(records.count == 2)
        #expect(records.allSatisfy { $0.attributes["traced_error.trace_id"] == nil && $0.attributes["traced_error.span_id"] == nil })
        #expect(records[0].traceID != nil)
        #expect(records[1].traceID == nil && records[1].spanID == nil)
    }
}
