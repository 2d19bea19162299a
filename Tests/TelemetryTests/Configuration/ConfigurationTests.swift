import Synchronization
import Logging
@testable import Telemetry
import TelemetryTesting
import Testing
import Tracing

@Suite("Configuration from code and OTEL_* variables")
struct ConfigurationTests {
    func provider(_ environment: [String: String], _ configuration: TelemetryConfiguration = TelemetryConfiguration()) throws
        -> TracerProvider
    {
        try TelemetrySystem.makeService(configuration, environment: environment).tracerProvider
    }

    /// The error strict mode throws for `environment`, or `nil`.
    func error(_ environment: [String: String]) -> TelemetryConfigurationError? {
        var configuration = TelemetryConfiguration()
        configuration.isStrict = true
        do {
            _ = try provider(environment, configuration)
            return nil
        } catch let error as TelemetryConfigurationError {
            return error
        } catch {
            return nil
        }
    }

    @Test("the defaults are the specification's")
    func defaults() throws {
        let provider = try provider([:])
        #expect(provider.sampler.description == ParentBasedSampler(root: AlwaysOnSampler()).description)
        #expect(provider.limits == SpanLimits())
        #expect(provider.propagator.fields == ["traceparent", "tracestate", "baggage"])
        #expect(provider.processors.isEmpty, "until OTLP lands, no exporter is the default")
        let name = try #require(provider.resource.serviceName)
        #expect(name.hasPrefix("unknown_service:"))
        #expect(BatchSpanProcessor.Configuration() == .init(
            scheduleDelay: .milliseconds(5000), exportTimeout: .milliseconds(30000), maxQueueSize: 2048, maxExportBatchSize: 512))
    }

    @Test("every variable with a valid value takes effect")
    func validValues() throws {
        let environment = [
            "OTEL_SERVICE_NAME": "orders",
            "OTEL_SERVICE_VERSION": "1.4.2",
            "OTEL_DEPLOYMENT_ENVIRONMENT": "staging",
            "OTEL_RESOURCE_ATTRIBUTES": "team=payments,region=eu%2Dwest%201,service.name=ignored",
            "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
            "OTEL_TRACES_SAMPLER_ARG": "0.25",
            "OTEL_PROPAGATORS": "b3multi, jaeger",
            "OTEL_TRACES_EXPORTER": "console",
            "OTEL_ATTRIBUTE_COUNT_LIMIT": "10",
            "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT": "100",
            "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT": "20",
            "OTEL_SPAN_EVENT_COUNT_LIMIT": "30",
            "OTEL_SPAN_LINK_COUNT_LIMIT": "40",
            "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT": "5",
            "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT": "6",
            "OTEL_LOG_LEVEL": "debug",
        ]
        let service = try TelemetrySystem.makeService(environment: environment)
        let provider = service.tracerProvider
        #expect(provider.resource.serviceName == "orders", "OTEL_SERVICE_NAME wins over OTEL_RESOURCE_ATTRIBUTES")
        #expect(provider.resource.attributes.get("service.version") == .string("1.4.2"))
        #expect(provider.resource.attributes.get("deployment.environment.name") == .string("staging"))
        #expect(provider.resource.attributes.get("team") == .string("payments"))
        #expect(provider.resource.attributes.get("region") == .string("eu-west 1"))
        #expect(provider.sampler.description.hasPrefix("ParentBased{root:TraceIdRatioBased{0.25}"))
        #expect(provider.propagator.fields == ["x-b3-traceid", "x-b3-spanid", "x-b3-sampled", "x-b3-flags", "uber-trace-id"])
        #expect(provider.processors.first is SimpleSpanProcessor)
        #expect(provider.limits == SpanLimits(
            attributeCountLimit: 20, attributeValueLengthLimit: 100, eventCountLimit: 30, linkCountLimit: 40,
            attributePerEventCountLimit: 5, attributePerLinkCountLimit: 6))
        #expect(service.logLevel == .debug)
    }

    @Test("the batch processor reads OTEL_BSP_*")
    func batchVariables() throws {
        let configuration = try BatchSpanProcessor.Configuration(environment: Environment([
            "OTEL_BSP_SCHEDULE_DELAY": "100", "OTEL_BSP_EXPORT_TIMEOUT": "2000",
            "OTEL_BSP_MAX_QUEUE_SIZE": "64", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "8",
        ]))
        #expect(configuration == .init(scheduleDelay: .milliseconds(100), exportTimeout: .seconds(2), maxQueueSize: 64, maxExportBatchSize: 8))
    }

    @Test("every sampler name is accepted", arguments: [
        ("always_on", "AlwaysOnSampler"), ("always_off", "AlwaysOffSampler"), ("traceidratio", "TraceIdRatioBased{0.5}"),
        ("parentbased_always_on", "ParentBased{root:AlwaysOnSampler"), ("parentbased_always_off", "ParentBased{root:AlwaysOffSampler"),
        ("parentbased_traceidratio", "ParentBased{root:TraceIdRatioBased{0.5}"),
    ])
    func samplers(name: String, description: String) throws {
        let provider = try provider(["OTEL_TRACES_SAMPLER": name, "OTEL_TRACES_SAMPLER_ARG": "0.5"])
        #expect(provider.sampler.description.hasPrefix(description))
    }

    static let invalidValues: [(String, String)] = [
        ("OTEL_BSP_MAX_QUEUE_SIZE", "lots"), ("OTEL_BSP_MAX_QUEUE_SIZE", "0"), ("OTEL_BSP_SCHEDULE_DELAY", "5s"),
        ("OTEL_BSP_SCHEDULE_DELAY", "-1"), ("OTEL_BSP_EXPORT_TIMEOUT", "1e3"),
        ("OTEL_BSP_EXPORT_TIMEOUT", "-1"), ("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "x"), ("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "4096"),
        ("OTEL_TRACES_SAMPLER", "sometimes"), ("OTEL_TRACES_SAMPLER", "xray"),
        ("OTEL_PROPAGATORS", "tracecontext,carrier-pigeon"), ("OTEL_PROPAGATORS", "xray"),
        ("OTEL_TRACES_EXPORTER", "otlp"), ("OTEL_TRACES_EXPORTER", "zipkin"),
        ("OTEL_ATTRIBUTE_COUNT_LIMIT", "many"), ("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "-5"),
        ("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "1.5"), ("OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "no"),
        ("OTEL_SPAN_EVENT_COUNT_LIMIT", "x"), ("OTEL_SPAN_LINK_COUNT_LIMIT", "x"),
        ("OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", "x"), ("OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", "x"),
        ("OTEL_SDK_DISABLED", "yes"), ("OTEL_LOG_LEVEL", "loud"),
        ("OTEL_LOGS_EXPORTER", "otlp"), ("OTEL_LOGS_EXPORTER", "console,syslog"),
        ("OTEL_BLRP_SCHEDULE_DELAY", "soon"), ("OTEL_BLRP_EXPORT_TIMEOUT", "-1"), ("OTEL_BLRP_MAX_QUEUE_SIZE", "0"),
        ("OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", "4096"),
        ("OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT", "x"), ("OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT", "-1"),
        ("OTEL_RESOURCE_ATTRIBUTES", "novalue"), ("OTEL_RESOURCE_ATTRIBUTES", "k=%ZZ"), ("OTEL_RESOURCE_ATTRIBUTES", "=v"),
    ]

    @Test("in strict mode an invalid value is a thrown error naming the variable and the value", arguments: invalidValues)
    func invalid(variable: String, value: String) throws {
        let error = try #require(self.error([variable: value]))
        #expect(error.variable == variable)
        #expect(error.description.contains(variable))
        #expect(error.description.contains(value))
    }

    @Test("by default an invalid value logs one warning naming the variable and the value, and the service starts",
          arguments: invalidValues)
    func warnsAndDefaults(variable: String, value: String) throws {
        let capture = LogCapture()
        var configuration = TelemetryConfiguration()
        configuration.logger = capture.logger()
        _ = try TelemetrySystem.makeService(configuration, environment: [variable: value])
        let warnings = capture.warnings.filter { $0.contains(variable) }
        #expect(warnings.count == 1, "\(capture.lines)")
        #expect(warnings.first?.contains(value) == true)
    }

    @Test("an invalid value falls back to the specification's default")
    func defaultsAfterWarning() throws {
        let provider = try provider([
            "OTEL_TRACES_SAMPLER": "sometimes", "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT": "many", "OTEL_PROPAGATORS": "tracecontext,xray",
            "OTEL_SDK_DISABLED": "yes", "OTEL_TRACES_EXPORTER": "zipkin,console",
        ])
        #expect(provider.sampler.description == ParentBasedSampler(root: AlwaysOnSampler()).description)
        #expect(provider.limits.attributeCountLimit == 128)
        #expect(provider.propagator.fields == ["traceparent", "tracestate"], "the unknown propagator is skipped, the rest kept")
        #expect(provider.startSpan("enabled").isRecording, "only true disables the SDK")
        #expect(provider.processors.count == 1, "the unknown exporter is skipped, the console kept")
        let batch = try BatchSpanProcessor.Configuration(environment: Environment([
            "OTEL_BSP_MAX_QUEUE_SIZE": "lots", "OTEL_BSP_SCHEDULE_DELAY": "-5", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "4096",
        ]))
        #expect(batch == BatchSpanProcessor.Configuration(maxQueueSize: 2048, maxExportBatchSize: 2048))
    }

    @Test("SWIFT_TELEMETRY_STRICT_CONFIGURATION=true turns strict mode on; a value in code wins over it")
    func strictVariable() throws {
        #expect(throws: TelemetryConfigurationError.self) {
            try TelemetrySystem.makeService(environment: ["SWIFT_TELEMETRY_STRICT_CONFIGURATION": "true", "OTEL_LOG_LEVEL": "loud"])
        }
        var configuration = TelemetryConfiguration()
        configuration.isStrict = false
        _ = try TelemetrySystem.makeService(
            configuration,
            environment: ["SWIFT_TELEMETRY_STRICT_CONFIGURATION": "TRUE", "OTEL_LOG_LEVEL": "loud"]
        )
    }

    @Test("durations and sizes of any magnitude are safe: they saturate instead of trapping")
    func hugeValues() throws {
        let batch = try BatchSpanProcessor.Configuration(environment: Environment([
            "OTEL_BSP_SCHEDULE_DELAY": "9223372036854775807", "OTEL_BSP_EXPORT_TIMEOUT": "99999999999999999999999",
            "OTEL_BSP_MAX_QUEUE_SIZE": "9223372036854775807",
        ]))
        #expect(batch.scheduleDelay == .longestConfigurable)
        #expect(batch.exportTimeout == .longestConfigurable)
        #expect(batch.maxQueueSize == Int.max)
        #expect(Duration.longestConfigurable.saturatingNanoseconds > 0)
        #expect(Duration.seconds(Int64.max).saturatingNanoseconds == Int64.max)
        _ = try TelemetrySystem.makeService(environment: ["OTEL_BSP_MAX_QUEUE_SIZE": "9223372036854775807"])
    }

    @Test("out-of-range values set in code throw", arguments: [
        { (configuration: inout TelemetryConfiguration) in configuration.traces.batchProcessor = .init(maxQueueSize: 0) },
        { (configuration: inout TelemetryConfiguration) in configuration.shutdownTimeout = .seconds(-1) },
    ] as [@Sendable (inout TelemetryConfiguration) -> Void])
    func codeOutOfRange(change: @Sendable (inout TelemetryConfiguration) -> Void) {
        var configuration = TelemetryConfiguration()
        change(&configuration)
        #expect(throws: TelemetryConfigurationError.self) { try TelemetrySystem.makeService(configuration, environment: [:]) }
    }

    @Test("in strict mode a ratio outside 0...1 or not a number is an error naming OTEL_TRACES_SAMPLER_ARG", arguments: ["1.5", "-0.1", "half"])
    func invalidRatio(value: String) throws {
        let error = try #require(self.error(["OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": value]))
        #expect(error.variable == "OTEL_TRACES_SAMPLER_ARG")
        #expect(error.value == value)
    }

    @Test("a value set in code wins over the variable")
    func codeWins() throws {
        var configuration = TelemetryConfiguration()
        configuration.serviceName = "from-code"
        configuration.resourceAttributes = ["team": "code"]
        configuration.traces.sampler = AlwaysOffSampler()
        configuration.traces.spanLimits = SpanLimits(attributeCountLimit: 7)
        configuration.traces.propagators = [B3Propagator()]
        configuration.traces.exporters = [ConsoleSpanExporter()]
        configuration.logLevel = .error
        let environment = [
            "OTEL_SERVICE_NAME": "from-env", "OTEL_RESOURCE_ATTRIBUTES": "team=env", "OTEL_TRACES_SAMPLER": "always_on",
            "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT": "99", "OTEL_PROPAGATORS": "jaeger", "OTEL_TRACES_EXPORTER": "none",
            "OTEL_LOG_LEVEL": "debug",
        ]
        let service = try TelemetrySystem.makeService(configuration, environment: environment)
        let provider = service.tracerProvider
        #expect(provider.resource.serviceName == "from-code")
        #expect(provider.resource.attributes.get("team") == .string("code"))
        #expect(provider.sampler is AlwaysOffSampler)
        #expect(provider.limits.attributeCountLimit == 7)
        #expect(provider.propagator.fields == ["b3"])
        #expect(provider.processors.first is BatchSpanProcessor)
        #expect(service.logLevel == .error)
    }

    @Test("OTEL_SDK_DISABLED=true records nothing but still propagates")
    func disabled() throws {
        let provider = try provider(["OTEL_SDK_DISABLED": "true", "OTEL_TRACES_EXPORTER": "console"])
        #expect(provider.processors.isEmpty)
        let span = provider.startSpan("op")
        #expect(!span.isRecording)
        var headers: [String: String] = [:]
        provider.inject(span.context, into: &headers, using: DictionaryInjector())
        #expect(headers["traceparent"] != nil)
    }

    @Test("OTEL_PROPAGATORS=none propagates nothing; empty values count as unset")
    func noneAndEmpty() throws {
        #expect(try provider(["OTEL_PROPAGATORS": "none"]).propagator.fields.isEmpty)
        #expect(try provider(["OTEL_BSP_MAX_QUEUE_SIZE": "", "OTEL_TRACES_SAMPLER": " "]).sampler.description.hasPrefix("ParentBased"))
    }

    @Test("the resource detects the SDK, process, host and OS, and merges as the specification says")
    func resource() throws {
        let detected = Resource.detected()
        for key in [
            "telemetry.sdk.name", "telemetry.sdk.language", "telemetry.sdk.version", "process.pid", "process.executable.name",
            "process.runtime.name", "process.runtime.version", "host.name", "host.arch", "os.type", "service.instance.id",
        ] {
            #expect(detected.attributes.get(key) != nil, "\(key)")
        }
        #expect(detected.attributes.get("telemetry.sdk.language") == .string("swift"))
        let first = Resource(attributes: ["a": 1, "b": 1], schemaURL: "s1")
        let merged = first.merging(Resource(attributes: ["b": 2], schemaURL: nil))
        #expect(merged.attributes.get("b") == .int64(2) && merged.attributes.get("a") == .int64(1))
        #expect(merged.schemaURL == "s1")
        #expect(first.merging(Resource(schemaURL: "s2")).schemaURL == nil)
        let other = Resource.detected()
        #expect(other.attributes.get("service.instance.id") != detected.attributes.get("service.instance.id"))
    }

    @Test("bootstrap installs the provider process-wide, and a second call is a clear error")
    func bootstrapTwice() throws {
        let service = try TelemetrySystem.bootstrap(environment: ["OTEL_TRACES_EXPORTER": "none", "OTEL_SERVICE_NAME": "boot"])
        #expect(InstrumentationSystem.tracer is TracerProvider)
        let span = InstrumentationSystem.tracer.startAnySpan("global", context: .topLevel)
        #expect(span.isRecording)
        span.end()
        #expect(service.tracerProvider.resource.serviceName == "boot")
        // Integrations set up without a provider (the gRPC interceptors, the HTTP middleware) take a tracer of their
        // own scope from the installed provider.
        let installed = InstalledTracer(scopeName: "integration")
        guard case .ours(let tracer) = installed.resolve() else {
            Issue.record("the installed provider was not recognized")
            return
        }
        #expect(tracer.instrumentationScope.name == "integration")
        #expect((installed.tracer as? TelemetryTracer)?.instrumentationScope.name == "integration")
        #expect(throws: TelemetryConfigurationError.alreadyBootstrapped()) {
            try TelemetrySystem.bootstrap(environment: [:])
        }
    }

    @Test("an InstrumentationSystem bootstrapped by something else is detected instead of trapping")
    func foreignBootstrap() throws {
        struct OtherTracer: Instrument {
            func inject<Carrier, Inject: Injector>(_ context: ServiceContext, into carrier: inout Carrier, using injector: Inject)
            where Inject.Carrier == Carrier {}
            func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout ServiceContext, using extractor: Extract)
            where Extract.Carrier == Carrier {}
        }
        #expect(throws: TelemetryConfigurationError.self) { try TelemetrySystem.checkUnbootstrapped(OtherTracer()) }
        try TelemetrySystem.checkUnbootstrapped(NoOpInstrument())
        try TelemetrySystem.checkUnbootstrapped(NoOpTracer())
    }

    @Test("a disabled SDK builds no exporter")
    func disabledBuildsNothing() throws {
        final class CountingFactory: SpanExporterFactory {
            let made = Mutex(0)
            var name: String { "counting" }
            func makeSpanExporter(environment: [String: String], isStrict: Bool, logger: Logger) throws -> any SpanExporter {
                made.withLock { $0 += 1 }
                return ConsoleSpanExporter()
            }
        }
        let factory = CountingFactory()
        var configuration = TelemetryConfiguration()
        configuration.traces.exporterFactories = [factory]
        _ = try TelemetrySystem.makeService(configuration, environment: ["OTEL_SDK_DISABLED": "true", "OTEL_TRACES_EXPORTER": "counting"])
        #expect(factory.made.withLock { $0 } == 0)
        _ = try TelemetrySystem.makeService(configuration, environment: ["OTEL_TRACES_EXPORTER": "counting"])
        #expect(factory.made.withLock { $0 } == 1, "the same configuration enabled does build it")
    }
}
