import Synchronization
import Logging
import ServiceLifecycle
@testable import Telemetry
import TelemetryTesting
import Testing
import Tracing

@Suite("Logs configuration from code and OTEL_* variables")
struct LogsConfigurationTests {
    func loggerProvider(_ environment: [String: String], _ configuration: TelemetryConfiguration = TelemetryConfiguration())
        throws -> LoggerProvider
    {
        try TelemetrySystem.makeService(configuration, environment: environment).loggerProvider
    }

    @Test("the defaults: no OTLP module registered means no exporter, limits 128 and no length limit")
    func defaults() throws {
        let provider = try loggerProvider([:])
        #expect(provider.processors.isEmpty)
        #expect(provider.limits == LogRecordLimits(attributeCountLimit: 128, attributeValueLengthLimit: nil))
    }

    @Test("OTEL_LOGS_EXPORTER=console writes through a simple processor; none exports nothing; a list adds each")
    func exporterSelection() throws {
        #expect(try loggerProvider(["OTEL_LOGS_EXPORTER": "console"]).processors.first is SimpleLogRecordProcessor)
        #expect(try loggerProvider(["OTEL_LOGS_EXPORTER": "none"]).processors.isEmpty)
        #expect(try loggerProvider(["OTEL_LOGS_EXPORTER": "console, console"]).processors.count == 1, "a name counts once")
    }

    @Test("none mixed with other exporters, and unknown names, are reported in one warning; the usable names apply")
    func exporterListProblems() throws {
        let capture = LogCapture()
        var configuration = TelemetryConfiguration()
        configuration.logger = capture.logger()
        let provider = try loggerProvider(["OTEL_LOGS_EXPORTER": "console,none,syslog,kafka"], configuration)
        #expect(provider.processors.count == 1 && provider.processors.first is SimpleLogRecordProcessor)
        let warnings = capture.warnings.filter { $0.contains("OTEL_LOGS_EXPORTER") }
        #expect(warnings.count == 1, "\(capture.lines)")
        #expect(warnings.first?.contains("none cannot be combined") == true)
        #expect(warnings.first?.contains("\"syslog\", \"kafka\"") == true)
    }

    @Test("a registered exporter factory answers to its name in OTEL_LOGS_EXPORTER, and otlp is the default")
    func factories() throws {
        struct Factory: LogRecordExporterFactory {
            let name: String
            func makeLogRecordExporter(environment: [String: String], isStrict: Bool, logger: Logger) throws
                -> any LogRecordExporter
            { InMemoryLogRecordExporter() }
        }
        var configuration = TelemetryConfiguration()
        configuration.logs.exporterFactories = [Factory(name: "otlp")]
        let byDefault = try loggerProvider([:], configuration)
        #expect(byDefault.processors.count == 1 && byDefault.processors.first is BatchLogRecordProcessor)
        #expect(try loggerProvider(["OTEL_LOGS_EXPORTER": "otlp,console"], configuration).processors.count == 2)
        #expect(try loggerProvider(["OTEL_LOGS_EXPORTER": "none"], configuration).processors.isEmpty)
    }

    @Test("OTEL_BLRP_* configure the batch processor")
    func batchVariables() throws {
        var configuration = TelemetryConfiguration()
        configuration.logs.exporters = [InMemoryLogRecordExporter()]
        let provider = try loggerProvider(
            [
                "OTEL_BLRP_SCHEDULE_DELAY": "250", "OTEL_BLRP_EXPORT_TIMEOUT": "0",
                "OTEL_BLRP_MAX_QUEUE_SIZE": "100", "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE": "10",
                // The span processor's variables do not reach the logs.
                "OTEL_BSP_SCHEDULE_DELAY": "9999",
            ],
            configuration
        )
        let processor = try #require(provider.processors.first as? BatchLogRecordProcessor)
        #expect(processor.configuration == .init(
            scheduleDelay: .milliseconds(250), exportTimeout: .zero, maxQueueSize: 100, maxExportBatchSize: 10))
    }

    @Test("OTEL_LOGRECORD_* limits win over the general OTEL_ATTRIBUTE_* ones, which apply otherwise")
    func limits() throws {
        #expect(try loggerProvider([
            "OTEL_ATTRIBUTE_COUNT_LIMIT": "7", "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT": "9",
        ]).limits == LogRecordLimits(attributeCountLimit: 7, attributeValueLengthLimit: 9))
        #expect(try loggerProvider([
            "OTEL_ATTRIBUTE_COUNT_LIMIT": "7", "OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT": "3",
            "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT": "9", "OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT": "4",
        ]).limits == LogRecordLimits(attributeCountLimit: 3, attributeValueLengthLimit: 4))
    }

    @Test("values set in code win over the variables; out-of-range batch settings in code throw")
    func codeWins() throws {
        var configuration = TelemetryConfiguration()
        configuration.logs.limits = LogRecordLimits(attributeCountLimit: 1)
        configuration.logs.exporters = [InMemoryLogRecordExporter()]
        configuration.logs.batchProcessor = .init(scheduleDelay: .milliseconds(5))
        let provider = try loggerProvider(
            ["OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT": "50", "OTEL_BLRP_SCHEDULE_DELAY": "99", "OTEL_LOGS_EXPORTER": "none"],
            configuration
        )
        #expect(provider.limits.attributeCountLimit == 1)
        #expect((provider.processors.first as? BatchLogRecordProcessor)?.configuration.scheduleDelay == .milliseconds(5))
        configuration.logs.batchProcessor = .init(maxQueueSize: 0)
        #expect(throws: TelemetryConfigurationError.self) { try loggerProvider([:], configuration) }
    }

    @Test("a queue set below the default batch size shrinks the batch without a warning; a batch size set too large warns")
    func queueBelowDefaultBatch() throws {
        let capture = LogCapture()
        var configuration = TelemetryConfiguration()
        configuration.logger = capture.logger()
        configuration.logs.exporters = [InMemoryLogRecordExporter()]
        let provider = try loggerProvider(["OTEL_BLRP_MAX_QUEUE_SIZE": "100"], configuration)
        let processor = try #require(provider.processors.first as? BatchLogRecordProcessor)
        #expect(processor.configuration.maxExportBatchSize == 100)
        #expect(capture.warnings.isEmpty, "\(capture.lines)")
        _ = try loggerProvider(["OTEL_BLRP_MAX_QUEUE_SIZE": "100", "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE": "200"], configuration)
        #expect(capture.warnings.filter { $0.contains("OTEL_BLRP_MAX_EXPORT_BATCH_SIZE") }.count == 1)
    }

    @Test("a disabled SDK builds no log exporter, and a bad shared variable is reported once, not once per signal")
    func disabled() throws {
        var configuration = TelemetryConfiguration()
        configuration.logs.exporters = [InMemoryLogRecordExporter()]
        #expect(try loggerProvider(["OTEL_SDK_DISABLED": "true"], configuration).processors.isEmpty)
        let capture = LogCapture()
        configuration.logger = capture.logger()
        _ = try loggerProvider(["OTEL_SDK_DISABLED": "maybe", "OTEL_ATTRIBUTE_COUNT_LIMIT": "lots"], configuration)
        #expect(capture.warnings.filter { $0.contains("OTEL_SDK_DISABLED") }.count == 1)
        #expect(capture.warnings.filter { $0.contains("OTEL_ATTRIBUTE_COUNT_LIMIT") }.count == 1)
    }
}

@Suite("TelemetryService with logs")
struct TelemetryServiceLogsTests {
    @Test("graceful shutdown of the service group exports every emitted record and shuts the exporter down")
    func gracefulShutdown() async throws {
        let exporter = InMemoryLogRecordExporter()
        var configuration = TelemetryConfiguration()
        configuration.logs.exporters = [exporter]
        configuration.logs.batchProcessor = .init(scheduleDelay: .seconds(3600))
        let telemetry = try TelemetrySystem.makeService(configuration, environment: [:])
        let logger = Logger(label: "app") { TelemetryLogHandler(label: $0, provider: telemetry.loggerProvider) }
        let group = ServiceGroup(services: [telemetry], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            for index in 0..<1000 { logger.info("record \(index)") }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(exporter.records.count == 1000)
        #expect(exporter.isShutdown)
        #expect(telemetry.loggerProvider.isShutdown)
    }

    /// An application service that logs `count` records, then throws.
    struct LoggingApp: Service {
        let logger: Logger
        let count: Int

        func run() async throws {
            for index in 0..<count { logger.info("record \(index)") }
            throw TestError()
        }
    }

    @Test("when the group cancels the service because the app threw, every queued record is still exported")
    func cancellationExportsEverything() async throws {
        let exporter = InMemoryLogRecordExporter()
        var configuration = TelemetryConfiguration()
        configuration.logs.exporters = [exporter]
        configuration.logs.batchProcessor = .init(scheduleDelay: .seconds(3600))
        let telemetry = try TelemetrySystem.makeService(configuration, environment: [:])
        let logger = Logger(label: "app") { TelemetryLogHandler(label: $0, provider: telemetry.loggerProvider) }
        let group = ServiceGroup(services: [telemetry, LoggingApp(logger: logger, count: 500)], logger: Logger(label: "test"))
        try? await group.run()
        #expect(exporter.records.count == 500)
        #expect(telemetry.loggerProvider.isShutdown)
    }

    @Test("a failure of the traces' background work does not cut the logs exporter's connection before the final export")
    func tracesFailureKeepsLogsConnected() async throws {
        struct FailingRunProcessor: SpanProcessor {
            let logsExporter: ConnectionBoundExporter
            func onEnd(_ span: RecordingSpan) {}
            func run() async throws {
                await logsExporter.waitUntilRunning()
                throw TestError()
            }
            func forceFlush() async throws {}
            func shutdown() async throws {}
        }
        let exporter = ConnectionBoundExporter()
        var configuration = TelemetryConfiguration()
        configuration.traces.processors = [FailingRunProcessor(logsExporter: exporter)]
        configuration.logs.exporters = [exporter]
        configuration.logs.batchProcessor = .init(scheduleDelay: .seconds(3600))
        let telemetry = try TelemetrySystem.makeService(configuration, environment: [:])
        let logger = telemetry.loggerProvider.logger(name: "app")
        for index in 0..<100 { logger.emit(LogRecord(body: "record \(index)")) }
        let group = ServiceGroup(services: [telemetry], logger: Logger(label: "test"))
        await #expect(throws: TestError.self) { try await group.run() }
        #expect(exporter.exported == 100, "the logs exporter's connection stayed up for the final export")
    }

    @Test("a log exporter that hangs past the shutdown timeout: the records are counted as dropped and the service returns")
    func hungExporter() async throws {
        final class HangingExporter: LogRecordExporter {
            let parked = Mutex<[CheckedContinuation<Void, Never>]>([])

            func export(_ batch: [LogRecordData]) async throws {
                // Ignores cancellation, as an exporter stuck in a blocking call would.
                await withCheckedContinuation { continuation in parked.withLock { $0.append(continuation) } }
            }

            func release() {
                parked.withLock { parked in
                    defer { parked.removeAll() }
                    return parked
                }.forEach { $0.resume() }
            }
        }
        let exporter = HangingExporter()
        defer { exporter.release() }
        let clock = TestClock()
        var configuration = TelemetryConfiguration()
        configuration.clock = clock
        configuration.shutdownTimeout = .seconds(2)
        configuration.logs.exporters = [exporter]
        configuration.logs.batchProcessor = .init(scheduleDelay: .seconds(3600), maxExportBatchSize: 10)
        let capture = LogCapture()
        configuration.logger = capture.logger()
        let telemetry = try TelemetrySystem.makeService(configuration, environment: [:])
        let logger = telemetry.loggerProvider.logger(name: "app")
        for index in 0..<25 { logger.emit(LogRecord(body: "record \(index)")) }
        let shutdown = Task { await telemetry.shutdown() }
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(2))
        await shutdown.value
        let statistics = telemetry.loggerProvider.processors.map(\.statistics).reduce(ExportStatistics(), +)
        #expect(statistics.dropped == 25, "the hung batch and the queued records are counted")
        #expect(capture.contains("did not complete within its timeout"))
    }
}
