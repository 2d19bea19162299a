import Logging
@testable import Telemetry
import TelemetryTesting
import Testing
import Tracing

@Suite("swift-log handler")
struct LogHandlerTests {
    func logger(
        _ provider: LoggerProvider,
        label: String = "orders",
        metadataProvider: Logger.MetadataProvider? = nil,
        includesCodeLocation: Bool = false
    ) -> Logger {
        var logger = Logger(label: label) { label in
            TelemetryLogHandler(
                label: label,
                provider: provider,
                metadataProvider: metadataProvider,
                includesCodeLocation: includesCodeLocation
            )
        }
        logger.logLevel = .trace
        return logger
    }

    @Test("swift-log levels map to the specification's severity numbers, and the level's name is the severity text",
          arguments: [
              (Logger.Level.trace, 1), (.debug, 5), (.info, 9), (.notice, 10), (.warning, 13), (.error, 17), (.critical, 21),
          ])
    func severity(level: Logger.Level, number: Int) throws {
        let (provider, processor) = makeLoggerProvider()
        logger(provider).log(level: level, "message")
        let record = try #require(processor.records.first)
        #expect(record.severity?.rawValue == number)
        #expect(record.severityText == level.rawValue)
    }

    @Test("the label is the scope, the message the body, and the record carries the provider's resource and a time")
    func labelAndBody() throws {
        let (provider, processor) = makeLoggerProvider()
        logger(provider, label: "checkout.payments").info("card declined")
        let record = try #require(processor.records.first)
        #expect(record.instrumentationScope.name == "checkout.payments")
        #expect(record.body == .string("card declined"))
        #expect(record.resource == provider.resource)
        #expect(record.timestamp != nil && record.timestamp == record.observedTimestamp)
        #expect(record.observedTimestamp > 1_700_000_000 * 1_000_000_000)
    }

    @Test("metadata merges as swift-log merges it: the call's wins over the provider's, which wins over the handler's; nesting is kept")
    func metadataPrecedence() throws {
        let (provider, processor) = makeLoggerProvider()
        let metadataProvider = Logger.MetadataProvider { ["source": "provider", "provided": "yes"] }
        var logger = logger(provider, metadataProvider: metadataProvider)
        logger[metadataKey: "source"] = "handler"
        logger[metadataKey: "handler.only"] = "kept"
        logger.info("m", metadata: [
            "source": "call",
            "order": ["id": "42", "lines": ["tea", "cake"]],
        ])
        let attributes = try #require(processor.records.first).attributes
        #expect(attributes["source"] == .string("call"))
        #expect(attributes["provided"] == .string("yes"))
        #expect(attributes["handler.only"] == .string("kept"))
        #expect(attributes["order"] == .map(["id": .string("42"), "lines": .array([.string("tea"), .string("cake")])]))

        logger.info("without call metadata")
        #expect(processor.records.last?.attributes["source"] == .string("provider"))
    }

    @Test("the error of a call becomes exception.type and exception.message")
    func error() throws {
        let (provider, processor) = makeLoggerProvider()
        logger(provider).error("failed", error: TestError())
        let attributes = try #require(processor.records.first).attributes
        #expect(attributes["exception.type"] == .string(String(reflecting: TestError.self)))
        #expect(attributes["exception.message"] == .string("boom"))
    }

    @Test("the code location is recorded only when asked for")
    func codeLocation() throws {
        let (provider, processor) = makeLoggerProvider()
        logger(provider).info("without")
        #expect(processor.records.last?.attributes.keys.contains { $0.hasPrefix("code.") } == false)
        let line = #line + 1
        logger(provider, includesCodeLocation: true).info("with")
        let attributes = try #require(processor.records.last).attributes
        #expect(attributes["code.file.path"] == .string(#fileID))
        #expect(attributes["code.line.number"] == .int(Int64(line)))
        #expect(attributes["code.function.name"] == .string("TelemetryTests.codeLocation()"))
    }

    @Test("a record logged inside a span carries that span's trace id, span id and flags; outside a span, none")
    func traceContext() throws {
        let (provider, processor) = makeLoggerProvider()
        let tracer = TracerProvider(sampler: AlwaysOnSampler())
        let logger = logger(provider)
        var expected: SpanContext?
        tracer.withSpan("request") { span in
            expected = span.spanContext
            logger.info("inside")
        }
        logger.info("outside")
        let inside = processor.records[0]
        let spanContext = try #require(expected)
        #expect(inside.traceID == spanContext.traceID)
        #expect(inside.spanID == spanContext.spanID)
        #expect(inside.traceFlags == spanContext.traceFlags)
        #expect(inside.traceFlags.isSampled)
        let outside = processor.records[1]
        #expect(outside.traceID == nil && outside.spanID == nil && outside.traceFlags.isEmpty)
    }

    @Test("inside an unsampled span the record carries its ids with the sampled flag off")
    func unsampledTraceContext() throws {
        let (provider, processor) = makeLoggerProvider()
        let tracer = TracerProvider(sampler: AlwaysOffSampler())
        var expected: SpanContext?
        tracer.withSpan("request") { span in
            expected = span.spanContext
            logger(provider).info("inside")
        }
        let record = try #require(processor.records.first)
        #expect(record.traceID == expected?.traceID && record.spanID == expected?.spanID)
        #expect(!record.traceFlags.isSampled)
    }

    @Test("the traceContext metadata provider's ids are not repeated as attributes: the record has them already")
    func traceContextNotRepeated() throws {
        let (provider, processor) = makeLoggerProvider()
        let tracer = TracerProvider(sampler: AlwaysOnSampler())
        tracer.withSpan("request") { _ in
            logger(provider, metadataProvider: .traceContext).info("inside")
        }
        let record = try #require(processor.records.first)
        #expect(record.traceID != nil)
        #expect(record.attributes["trace_id"] == nil && record.attributes["span_id"] == nil)
    }

    @Test("the traceContext metadata provider puts the span's trace_id and span_id in a StreamLogHandler line")
    func streamLogHandlerLine() throws {
        let stream = CapturedStream()
        let logger = Logger(label: "plain") { label in
            StreamLogHandler(label: label, stream: stream, metadataProvider: .traceContext)
        }
        let tracer = TracerProvider(sampler: AlwaysOnSampler())
        var expected: SpanContext?
        tracer.withSpan("request") { span in
            expected = span.spanContext
            logger.info("handled")
        }
        logger.info("idle")
        let spanContext = try #require(expected)
        let lines = stream.contents.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].contains("trace_id=\(spanContext.traceID.hexString)"))
        #expect(lines[0].contains("span_id=\(spanContext.spanID.hexString)"))
        #expect(!lines[1].contains("trace_id="))
    }

    @Test("the metadata provider finds a remote parent a propagator extracted, before any local span starts")
    func remoteParentMetadata() throws {
        var context = ServiceContext.topLevel
        W3CTraceContextPropagator().extract(
            ["traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"], into: &context,
            using: DictionaryExtractor())
        let metadata = ServiceContext.withValue(context) { Logger.MetadataProvider.traceContext.get() }
        #expect(metadata["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(metadata["span_id"] == "00f067aa0ba902b7")
    }

    @Test("a level below the handler's emits nothing")
    func belowLevel() {
        let (provider, processor) = makeLoggerProvider()
        var logger = logger(provider)
        logger.logLevel = .warning
        logger.info("skipped")
        logger.warning("kept")
        #expect(processor.records.map(\.body) == [.string("kept")])
    }

    @Test("the SDK's own diagnostics are never turned into records, so a failing export cannot feed itself")
    func diagnosticsAreSkipped() {
        let (provider, processor) = makeLoggerProvider()
        logger(provider, label: TelemetryDiagnostics.label).warning("Export failed")
        #expect(processor.records.isEmpty)
    }

    @Test("the attribute count limit keeps the call's metadata first and counts what it drops")
    func countLimit() throws {
        let (provider, processor) = makeLoggerProvider(limits: LogRecordLimits(attributeCountLimit: 2))
        var logger = logger(provider)
        logger[metadataKey: "handler"] = "h"
        logger.info("m", metadata: ["a": "1", "b": "2"])
        let record = try #require(processor.records.first)
        #expect(record.attributes.count == 2)
        #expect(Set(record.attributes.keys) == ["a", "b"])
        #expect(record.droppedAttributeCount == 1)
    }

    @Test("a key over the count limit that several sources repeat is counted as one dropped attribute")
    func droppedKeyCountedOnce() throws {
        let (provider, processor) = makeLoggerProvider(limits: LogRecordLimits(attributeCountLimit: 1))
        var logger = logger(provider, metadataProvider: Logger.MetadataProvider { ["b": "provider"] })
        logger[metadataKey: "b"] = "handler"
        logger.info("m", metadata: ["a": "1"])
        let record = try #require(processor.records.first)
        #expect(record.attributes.count == 1)
        #expect(record.droppedAttributeCount == 1)
    }

    @Test("whatever is logged while an export runs is not turned into records, whatever the label")
    func loggedDuringExportIsSkipped() {
        let (provider, processor) = makeLoggerProvider()
        let logger = logger(provider, label: "some-http-client")
        TelemetryDiagnostics.$isExporting.withValue(true) { logger.warning("connection reset") }
        logger.warning("outside an export")
        #expect(processor.records.map(\.body) == [.string("outside an export")])
    }

    @Test("the value length limit cuts strings, also inside nested arrays and maps")
    func lengthLimit() throws {
        let (provider, processor) = makeLoggerProvider(limits: LogRecordLimits(attributeValueLengthLimit: 3))
        logger(provider).info("message body is not an attribute", metadata: [
            "s": "abcdef", "nested": ["k": "ghijkl", "list": ["mnopqr", "st"]],
        ])
        let record = try #require(processor.records.first)
        #expect(record.attributes["s"] == .string("abc"))
        #expect(record.attributes["nested"] == .map(["k": .string("ghi"), "list": .array([.string("mno"), .string("st")])]))
        #expect(record.body == .string("message body is not an attribute"))
    }

    @Test("the factory's one-liner sends each call to the provider and to standard output")
    func factoryWithStandardOutput() throws {
        let (provider, processor) = makeLoggerProvider()
        let handler = TelemetryLogHandler.factory(provider, logLevel: .debug, alsoToStandardOutput: true)("app", nil)
        #expect(handler is MultiplexLogHandler)
        #expect(handler.logLevel == .debug)
        Logger(label: "app", factory: { _ in handler }).debug("both")
        #expect(processor.records.map(\.body) == [.string("both")])
        let plain = TelemetryLogHandler.factory(provider)("app", nil)
        #expect(plain is TelemetryLogHandler)
    }

    @Test("after the provider shuts down, nothing is emitted")
    func afterShutdown() async throws {
        let (provider, processor) = makeLoggerProvider()
        try await provider.shutdown()
        logger(provider).info("late")
        #expect(processor.records.isEmpty)
        #expect(provider.isShutdown)
    }
}
