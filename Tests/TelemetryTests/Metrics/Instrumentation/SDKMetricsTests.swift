@testable import Telemetry
import TelemetryTesting
import Testing
import Tracing

@Suite("SDK metrics")
struct SDKMetricsTests {
    /// A processor the SDK metrics do not know: its statistics are the all-zero default, so it is not observed.
    struct OtherProcessor: SpanProcessor {
        func onEnd(_ span: RecordingSpan) {}
        func forceFlush() async throws {}
        func shutdown() async throws {}
    }

    static func attributes(_ name: String, _ type: String, error: Bool = false) -> AttributeSet {
        var elements: [(String, AttributeValue)] = [("otel.component.name", .string(name)), ("otel.component.type", .string(type))]
        if error { elements.append(("error.type", "_OTHER")) }
        return AttributeSet(elements)
    }

    static func exporter(_ name: String, error: Bool = false) -> AttributeSet {
        error ? ["otel.component.name": .string("\(name)/exporter"), "error.type": "_OTHER"] : ["otel.component.name": .string("\(name)/exporter")]
    }

    @Test("a batch span processor's queue, capacity, processed and dropped spans, and its exporter's results")
    func spans() async throws {
        let clock = TestClock()
        let exporter = InMemorySpanExporter()
        // The worker never runs, so the queue holds exactly what was ended until the flush.
        let batch = try BatchSpanProcessor(
            exporter: exporter, configuration: .init(scheduleDelay: .seconds(3600), maxQueueSize: 10, maxExportBatchSize: 5),
            clock: clock)
        let failing = try SimpleSpanProcessor(exporter: FailingExporter(), maxQueueSize: 100, clock: clock)
        let tracerProvider = TracerProvider(processors: [batch, OtherProcessor(), failing])
        let reader = ManualMetricReader()
        let meterProvider = MeterProvider(readers: [reader])
        defer { withExtendedLifetime(meterProvider) {} }
        let registration = SDKMetrics.register(tracerProvider: tracerProvider, on: meterProvider)
        defer { registration.unregister() }

        #expect(registration.componentNames.count == 2, "the unknown processor is not observed")
        let batchName = registration.componentNames[0]
        let simpleName = registration.componentNames[1]
        #expect(batchName.hasPrefix("batching_span_processor/") && simpleName.hasPrefix("simple_span_processor/"))
        let batchAttributes = Self.attributes(batchName, "batching_span_processor")
        let simpleAttributes = Self.attributes(simpleName, "simple_span_processor")

        for index in 0..<25 { tracerProvider.startSpan("span-\(index)").end() }
        var metrics = reader.collect()
        let size = try Collected.metric("otel.sdk.processor.span.queue.size", in: metrics)
        #expect(size.unit == "{span}" && size.instrumentationScope.name == SDKMetrics.scopeName)
        guard case .sum(let sizes) = size.points else { throw TestError() }
        #expect(!sizes.isMonotonic)
        #expect(try Collected.value(size, batchAttributes) == 10)
        #expect(try Collected.value(size, simpleAttributes) == 25)
        let capacity = try Collected.metric("otel.sdk.processor.span.queue.capacity", in: metrics)
        #expect(try Collected.value(capacity, batchAttributes) == 10)
        #expect(Collected.points(capacity).count == 1, "the simple processor does not expose its capacity")
        var processed = try Collected.metric("otel.sdk.processor.span.processed", in: metrics)
        guard case .sum(let processedSums) = processed.points else { throw TestError() }
        #expect(processedSums.isMonotonic)
        #expect(try Collected.value(processed, batchAttributes) == 0)
        #expect(try Collected.value(processed, Self.attributes(batchName, "batching_span_processor", error: true)) == 15)

        try await batch.forceFlush()
        try await failing.forceFlush()
        metrics = reader.collect()
        #expect(try Collected.value(Collected.metric("otel.sdk.processor.span.queue.size", in: metrics), batchAttributes) == 0)
        processed = try Collected.metric("otel.sdk.processor.span.processed", in: metrics)
        #expect(try Collected.value(processed, batchAttributes) == 10)
        #expect(try Collected.value(processed, simpleAttributes) == 25, "failed exports were processed")
        let exported = try Collected.metric("otel.sdk.exporter.span.exported", in: metrics)
        #expect(exported.unit == "{span}")
        #expect(try Collected.value(exported, Self.exporter(batchName)) == 10)
        #expect(try Collected.value(exported, Self.exporter(batchName, error: true)) == 0)
        #expect(try Collected.value(exported, Self.exporter(simpleName)) == 0)
        #expect(try Collected.value(exported, Self.exporter(simpleName, error: true)) == 25)
        #expect(exporter.spans.count == 10)
    }

    @Test("log record processors report the log record metrics")
    func logs() async throws {
        let clock = TestClock()
        let batch = try BatchLogRecordProcessor(
            exporter: InMemoryLogRecordExporter(),
            configuration: .init(scheduleDelay: .seconds(3600), maxQueueSize: 4, maxExportBatchSize: 2), clock: clock)
        let simple = try SimpleLogRecordProcessor(exporter: InMemoryLogRecordExporter(), clock: clock)
        let loggerProvider = LoggerProvider(processors: [batch, simple])
        let reader = ManualMetricReader()
        let meterProvider = MeterProvider(readers: [reader])
        // The reader only holds its provider weakly: keep the provider for the whole test.
        defer { withExtendedLifetime(meterProvider) {} }
        let registration = SDKMetrics.register(loggerProvider: loggerProvider, on: meterProvider)
        defer { registration.unregister() }
        let batchAttributes = Self.attributes(registration.componentNames[0], "batching_log_processor")
        let simpleAttributes = Self.attributes(registration.componentNames[1], "simple_log_processor")

        let logger = loggerProvider.logger(name: "test")
        for index in 0..<6 { logger.emit(LogRecord(severity: .info, body: "record-\(index)")) }
        let metrics = reader.collect()
        #expect(!metrics.contains { $0.name.hasPrefix("otel.sdk.processor.span") }, "no tracer provider, no span metrics")
        let size = try Collected.metric("otel.sdk.processor.log.queue.size", in: metrics)
        #expect(size.unit == "{log_record}")
        #expect(try Collected.value(size, batchAttributes) == 4)
        #expect(try Collected.value(size, simpleAttributes) == 6)
        #expect(
            try Collected.value(Collected.metric("otel.sdk.processor.log.queue.capacity", in: metrics), batchAttributes) == 4)
        let processed = try Collected.metric("otel.sdk.processor.log.processed", in: metrics)
        #expect(
            try Collected.value(processed, Self.attributes(registration.componentNames[0], "batching_log_processor", error: true))
                == 2)
        #expect(try Collected.value(Collected.metric("otel.sdk.exporter.log.exported", in: metrics), Self.exporter(registration.componentNames[0])) == 0)
    }

    @Test("component names are numbered per type and never repeat; unregister stops reporting")
    func namesAndUnregister() throws {
        let processor = try BatchSpanProcessor(exporter: InMemorySpanExporter())
        let tracerProvider = TracerProvider(processors: [processor])
        let reader = ManualMetricReader()
        let meterProvider = MeterProvider(readers: [reader])
        defer { withExtendedLifetime(meterProvider) {} }
        let first = SDKMetrics.register(tracerProvider: tracerProvider, on: meterProvider)
        let second = SDKMetrics.register(tracerProvider: tracerProvider, on: meterProvider)
        #expect(first.componentNames != second.componentNames)
        #expect(Collected.points(try Collected.metric("otel.sdk.processor.span.queue.size", in: reader.collect())).count == 2)
        first.unregister()
        second.unregister()
        second.unregister()
        #expect(reader.collect().allSatisfy { Collected.points($0).isEmpty })
        let none = SDKMetrics.register(on: meterProvider)
        #expect(none.componentNames.isEmpty)
    }
}
