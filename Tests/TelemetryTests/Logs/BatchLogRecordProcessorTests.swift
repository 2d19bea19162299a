import Logging
import ServiceLifecycle
@testable import Telemetry
import TelemetryTesting
import Testing
import Tracing

@Suite("Batch log record processor")
struct BatchLogRecordProcessorTests {
    func emit(_ count: Int, provider: LoggerProvider) {
        let logger = provider.logger(name: "test")
        for index in 0..<count {
            logger.emit(LogRecord(severity: .info, body: "record-\(index)"))
        }
    }

    @Test("the defaults are the specification's: 1000 ms, 30000 ms, 2048 and 512")
    func defaults() {
        let configuration = BatchLogRecordProcessor.Configuration()
        #expect(configuration.scheduleDelay == .milliseconds(1000))
        #expect(configuration.exportTimeout == .milliseconds(30000))
        #expect(configuration.maxQueueSize == 2048)
        #expect(configuration.maxExportBatchSize == 512)
    }

    @Test("a full batch is exported at once, without the schedule delay passing: throughput has no ceiling")
    func exportsFullBatchAtOnce() async throws {
        let exporter = InMemoryLogRecordExporter()
        let clock = TestClock()
        let processor = try BatchLogRecordProcessor(
            exporter: exporter, configuration: .init(maxQueueSize: 2048, maxExportBatchSize: 512), clock: clock)
        let provider = LoggerProvider(processors: [processor])
        let worker = Task { try await processor.run() }
        emit(2048, provider: provider)
        let records = await exporter.waitForRecords(count: 2048)
        #expect(records.count == 2048)
        #expect(exporter.exportCount == 4, "four full batches, without the test clock ever moving")
        #expect(processor.statistics.dropped == 0)
        try await processor.shutdown()
        try await worker.value
    }

    @Test("a partial batch waits for the schedule delay on the clock, then is exported")
    func exportsOnSchedule() async throws {
        let exporter = InMemoryLogRecordExporter()
        let clock = TestClock()
        let processor = try BatchLogRecordProcessor(exporter: exporter, clock: clock)
        let provider = LoggerProvider(processors: [processor])
        let worker = Task { try await processor.run() }
        emit(3, provider: provider)
        await clock.waitForSleepers(count: 1)
        #expect(exporter.exportCount == 0, "nothing goes out before the delay")
        clock.advance(by: .milliseconds(1000))
        let records = await exporter.waitForRecords(count: 3)
        #expect(records.map(\.body) == [.string("record-0"), .string("record-1"), .string("record-2")])
        try await processor.shutdown()
        try await worker.value
    }

    @Test("a full queue drops new records without blocking, and counts them")
    func dropsWhenFull() async throws {
        let exporter = InMemoryLogRecordExporter()
        let processor = try BatchLogRecordProcessor(
            exporter: exporter, configuration: .init(maxQueueSize: 10, maxExportBatchSize: 10), clock: TestClock())
        let provider = LoggerProvider(processors: [processor])
        emit(25, provider: provider)
        #expect(processor.statistics.dropped == 15)
        #expect(processor.statistics.queued == 10)
        try await provider.shutdown()
        #expect(exporter.records.count == 10)
        #expect(processor.statistics.exported == 10)
    }

    @Test("shutdown exports every queued record in batches, shuts the exporter down, and drops later records")
    func shutdownDrains() async throws {
        let exporter = InMemoryLogRecordExporter()
        let processor = try BatchLogRecordProcessor(
            exporter: exporter,
            configuration: .init(scheduleDelay: .seconds(3600), maxQueueSize: 2048, maxExportBatchSize: 100),
            clock: TestClock()
        )
        let provider = LoggerProvider(processors: [processor])
        emit(1000, provider: provider)
        try await provider.shutdown()
        #expect(exporter.records.count == 1000)
        #expect(exporter.exportCount == 10)
        #expect(exporter.isShutdown)
        var late = LogRecordData(observedTimestamp: 1, instrumentationScope: .init(name: "late"))
        processor.onEmit(&late, context: .topLevel)
        try await processor.forceFlush()
        #expect(exporter.records.count == 1000)
        #expect(processor.statistics.dropped == 1, "a record reaching the processor after shutdown is counted")
    }

    @Test("forceFlush exports what was emitted before it, without waiting for the delay")
    func forceFlush() async throws {
        let exporter = InMemoryLogRecordExporter()
        let processor = try BatchLogRecordProcessor(exporter: exporter, clock: TestClock())
        let provider = LoggerProvider(processors: [processor])
        emit(7, provider: provider)
        try await provider.forceFlush()
        #expect(exporter.records.count == 7)
        try await provider.shutdown()
    }

    @Test("out-of-range settings set in code throw, naming the setting", arguments: [
        BatchLogRecordProcessor.Configuration(scheduleDelay: .milliseconds(-1)),
        BatchLogRecordProcessor.Configuration(exportTimeout: .milliseconds(-1)),
        BatchLogRecordProcessor.Configuration(maxQueueSize: 0),
        BatchLogRecordProcessor.Configuration(maxQueueSize: 10, maxExportBatchSize: 11),
    ])
    func invalidSettings(configuration: BatchLogRecordProcessor.Configuration) {
        #expect(throws: TelemetryConfigurationError.self) {
            try BatchLogRecordProcessor(exporter: InMemoryLogRecordExporter(), configuration: configuration)
        }
    }

    @Test("the simple processor exports each record as soon as it is emitted")
    func simple() async throws {
        let exporter = InMemoryLogRecordExporter()
        let processor = try SimpleLogRecordProcessor(exporter: exporter, clock: TestClock())
        let provider = LoggerProvider(processors: [processor])
        let worker = Task { try await processor.run() }
        for index in 1...3 {
            emit(1, provider: provider)
            #expect(await exporter.waitForRecords(count: index).count == index)
        }
        try await provider.shutdown()
        try await worker.value
    }
}

@Suite("Logger provider and the Logs Bridge API")
struct LoggerProviderTests {
    @Test("emit fills in the observed time, the trace context of the given context, the scope and the resource")
    func emit() throws {
        let (provider, processor) = makeLoggerProvider()
        let logger = provider.logger(name: "events", version: "1.2", schemaURL: "https://opentelemetry.io/schemas/1.30.0")
        var context = ServiceContext.topLevel
        let spanContext = SpanContext(
            traceID: TraceID(high: 0x0102_0304_0506_0708, low: 0x090a_0b0c_0d0e_0f10),
            spanID: SpanID(0x0102_0304_0506_0708),
            traceFlags: .sampled
        )
        context.spanContext = spanContext
        logger.emit(
            LogRecord(timestamp: 42, severity: .warn, body: ["nested": [1, 2.5, true]], eventName: "order.placed"),
            context: context
        )
        let record = try #require(processor.records.first)
        #expect(record.timestamp == 42)
        #expect(record.observedTimestamp > 42)
        #expect(record.severity == .warn && record.severity?.shortName == "WARN")
        #expect(record.eventName == "order.placed")
        #expect(record.body == .map(["nested": .array([.int(1), .double(2.5), .bool(true)])]))
        #expect(record.traceID == spanContext.traceID && record.spanID == spanContext.spanID)
        #expect(record.traceFlags == .sampled)
        #expect(record.instrumentationScope.name == "events" && record.instrumentationScope.version == "1.2")
        #expect(record.resource == provider.resource)
    }

    @Test("emit applies the limits: extra attributes are dropped and counted, long strings cut")
    func limits() throws {
        let (provider, processor) = makeLoggerProvider(limits: LogRecordLimits(attributeCountLimit: 3, attributeValueLengthLimit: 2))
        let attributes = Dictionary(uniqueKeysWithValues: (0..<5).map { ("k\($0)", LogValue.string("value")) })
        provider.logger(name: "t").emit(LogRecord(body: "body stays whole", attributes: attributes))
        let record = try #require(processor.records.first)
        #expect(record.attributes.count == 3)
        #expect(record.droppedAttributeCount == 2)
        #expect(record.attributes.values.allSatisfy { $0 == .string("va") })
        #expect(record.body == .string("body stays whole"))
    }

    @Test("a processor's change to a record is seen by the processors after it")
    func processorsChain() throws {
        struct Stamping: LogRecordProcessor {
            func onEmit(_ record: inout LogRecordData, context: ServiceContext) { record.attributes["stamped"] = true }
            func forceFlush() async throws {}
            func shutdown() async throws {}
        }
        let collecting = CollectingLogProcessor()
        let provider = LoggerProvider(processors: [Stamping(), collecting])
        provider.logger(name: "t").emit(LogRecord(body: "x"))
        #expect(collecting.records.first?.attributes["stamped"] == .bool(true))
    }

    @Test("severity numbers outside 1...24 do not exist; the short names follow the specification")
    func severities() {
        #expect(LogSeverity(rawValue: 0) == nil && LogSeverity(rawValue: 25) == nil)
        #expect(LogSeverity(rawValue: 1)?.shortName == "TRACE")
        #expect(LogSeverity(rawValue: 10)?.shortName == "INFO2")
        #expect(LogSeverity(rawValue: 24)?.shortName == "FATAL4")
        #expect(LogSeverity.error > LogSeverity.warn)
    }

    @Test("a provider with no processors is disabled, and so is every logger of a shut-down provider")
    func isEnabled() async throws {
        #expect(!LoggerProvider(processors: []).logger(name: "t").isEnabled)
        let (provider, _) = makeLoggerProvider()
        let logger = provider.logger(name: "t")
        #expect(logger.isEnabled)
        try await provider.shutdown()
        #expect(!logger.isEnabled)
    }
}
