import Foundation
import Logging
import Synchronization
import Tracing

/// Sets up the SDK for the whole process, from code and from `OTEL_*` variables, in one call.
///
/// ```swift
/// let telemetry = try TelemetrySystem.bootstrap()          // everything from OTEL_* variables
/// let group = ServiceGroup(services: [telemetry, app], logger: logger)
/// try await group.run()                                   // graceful shutdown flushes every span
/// ```
///
/// ``bootstrap(_:environment:)`` installs the tracer provider in swift-distributed-tracing's
/// `InstrumentationSystem`, so spans from Hummingbird, Vapor, AsyncHTTPClient and any other library instrumented
/// with that API are recorded. Run the ``TelemetryService`` it returns: it does the background export work and
/// flushes on graceful shutdown.
///
/// It builds the logs pipeline beside the traces one, from the same configuration; swift-log can be bootstrapped only
/// once, so that step is yours:
///
/// ```swift
/// LoggingSystem.bootstrap(TelemetryLogHandler.factory(telemetry.loggerProvider), metadataProvider: .traceContext)
/// ```
public enum TelemetrySystem {
    private static let isBootstrapped = Atomic<Bool>(false)

    /// Builds the SDK from `configuration` and `environment`, installs it process-wide, and returns the service that
    /// runs it.
    ///
    /// An unusable `OTEL_*` value logs one warning naming the variable and the value, and the default applies, as
    /// the specification says; set ``TelemetryConfiguration/isStrict`` to throw instead.
    ///
    /// It installs the tracer in swift-distributed-tracing's `InstrumentationSystem`, which can be bootstrapped only
    /// once per process and stops the process on a second bootstrap. Call this instead of
    /// `InstrumentationSystem.bootstrap`, never after it; to use the SDK beside another tracer, call
    /// ``makeService(_:environment:)`` and bootstrap a `MultiplexInstrument` yourself.
    ///
    /// - Throws: ``TelemetryConfigurationError`` for a value set in code that is out of range, for an invalid
    ///   `OTEL_*` value in strict mode, or when called a second time. Nothing is installed when it throws.
    public static func bootstrap(
        _ configuration: TelemetryConfiguration = TelemetryConfiguration(),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> TelemetryService {
        let service = try makeService(configuration, environment: environment)
        guard !isBootstrapped.exchange(true, ordering: .acquiringAndReleasing) else {
            throw TelemetryConfigurationError.alreadyBootstrapped()
        }
        do {
            try checkUnbootstrapped(InstrumentationSystem.instrument)
        } catch {
            isBootstrapped.store(false, ordering: .releasing)
            throw error
        }
        TelemetryDiagnostics.logLevel = service.logLevel
        InstrumentationSystem.bootstrap(service.tracerProvider)
        return service
    }

    /// Throws when `instrument`, what `InstrumentationSystem` hands out now, shows that something else bootstrapped
    /// it: a second `InstrumentationSystem.bootstrap` would stop the process. A no-op bootstrapped on purpose cannot
    /// be told apart from none, which is why the documentation says never to bootstrap before this.
    static func checkUnbootstrapped(_ instrument: any Instrument) throws {
        guard instrument is NoOpInstrument || instrument is NoOpTracer else {
            throw TelemetryConfigurationError(
                variable: nil,
                value: nil,
                reason: "InstrumentationSystem was already bootstrapped with \(type(of: instrument)); a second bootstrap "
                    + "would stop the process. Use TelemetrySystem.makeService and a MultiplexInstrument instead"
            )
        }
    }

    /// Builds the SDK from `configuration` and `environment` without installing it anywhere: for tests, and for
    /// applications that manage several providers.
    public static func makeService(
        _ configuration: TelemetryConfiguration = TelemetryConfiguration(),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> TelemetryService {
        try ConfigurationReport.$current.withValue(ConfigurationReport()) {
            try buildService(configuration, environment: environment)
        }
    }

    private static func buildService(
        _ configuration: TelemetryConfiguration,
        environment: [String: String]
    ) throws -> TelemetryService {
        // The level is read first, with a logger at the default level, so that later warnings honour it.
        var logger = configuration.logger ?? Logger(label: "swift-telemetry")
        let levelEnvironment = Environment(environment, isStrict: configuration.isStrict, logger: logger)
        let logLevel = try configuration.logLevel ?? Logger.Level.telemetry(environment: levelEnvironment) ?? .info
        logger.logLevel = logLevel
        let environment = Environment(environment, isStrict: configuration.isStrict, logger: logger)
        guard configuration.shutdownTimeout >= .zero else {
            throw TelemetryConfigurationError(
                variable: nil,
                value: "shutdownTimeout = \(configuration.shutdownTimeout)",
                reason: "it must not be negative"
            )
        }
        // Every variable is read, even when the SDK is disabled, so a typo never hides until the day it is enabled.
        let isDisabled = try configuration.isDisabled ?? environment.boolean("OTEL_SDK_DISABLED") ?? false
        let generalLimits = try GeneralAttributeLimits(environment: environment)
        let provider = try makeTracerProvider(
            configuration, isDisabled: isDisabled, generalLimits: generalLimits, environment: environment, logger: logger)
        let loggerProvider = try makeLoggerProvider(
            configuration,
            isDisabled: isDisabled,
            generalLimits: generalLimits,
            resource: provider.resource,
            environment: environment,
            logger: logger
        )
        let meterProvider = try makeMeterProvider(
            configuration, isDisabled: isDisabled, resource: provider.resource, environment: environment, logger: logger)
        return TelemetryService(
            tracerProvider: provider,
            loggerProvider: loggerProvider,
            meterProvider: meterProvider,
            shutdownTimeout: configuration.shutdownTimeout,
            logLevel: logLevel,
            logger: logger,
            clock: configuration.clock
        )
    }

    static func makeTracerProvider(
        _ configuration: TelemetryConfiguration,
        isDisabled: Bool,
        generalLimits: GeneralAttributeLimits,
        environment: Environment,
        logger: Logger
    ) throws -> TracerProvider {
        let traces = configuration.traces
        let resource = try Resource.resolve(configuration, environment: environment)
        let sampler = try traces.sampler ?? SamplerFactory.make(environment: environment)
        let limits = try traces.spanLimits ?? SpanLimits(environment: environment, general: generalLimits)
        let batch = try (traces.batchProcessor ?? BatchSpanProcessor.Configuration(environment: environment)).validated()
        let propagators = try traces.propagators ?? PropagatorFactory.make(environment: environment)
        let propagator = CompositePropagator(propagators)
        if isDisabled {
            // A disabled SDK builds no exporter: no connection, no background work.
            return TracerProvider(resource: resource, sampler: AlwaysOffSampler(), processors: [], propagator: propagator)
        }
        var processors = traces.processors
        if let exporters = traces.exporters {
            processors += exporters.map {
                BatchSpanProcessor(exporter: $0, validConfiguration: batch, clock: configuration.clock, logger: logger)
            }
        } else {
            processors += try ExporterSelection.makeProcessors(
                environment: environment,
                factories: traces.exporterFactories,
                batch: batch,
                clock: configuration.clock,
                logger: logger
            )
        }
        return TracerProvider(
            resource: resource,
            sampler: sampler,
            processors: processors,
            idGenerator: traces.idGenerator ?? RandomIDGenerator(),
            limits: limits,
            propagator: propagator
        )
    }

    static func makeLoggerProvider(
        _ configuration: TelemetryConfiguration,
        isDisabled: Bool,
        generalLimits: GeneralAttributeLimits,
        resource: Resource,
        environment: Environment,
        logger: Logger
    ) throws -> LoggerProvider {
        let logs = configuration.logs
        let limits = try logs.limits ?? LogRecordLimits(environment: environment, general: generalLimits)
        let batch = try (logs.batchProcessor ?? BatchLogRecordProcessor.Configuration(environment: environment)).validated()
        if isDisabled {
            // A disabled SDK builds no exporter: no connection, no background work.
            return LoggerProvider(resource: resource, processors: [], limits: limits)
        }
        var processors = logs.processors
        if let exporters = logs.exporters {
            processors += exporters.map {
                BatchLogRecordProcessor(exporter: $0, validConfiguration: batch, clock: configuration.clock, logger: logger)
            }
        } else {
            processors += try ExporterSelection.makeProcessors(
                environment: environment,
                factories: logs.exporterFactories,
                batch: batch,
                clock: configuration.clock,
                logger: logger
            )
        }
        return LoggerProvider(resource: resource, processors: processors, limits: limits)
    }

    static func makeMeterProvider(
        _ configuration: TelemetryConfiguration,
        isDisabled: Bool,
        resource: Resource,
        environment: Environment,
        logger: Logger
    ) throws -> MeterProvider {
        let metrics = configuration.metrics
        let periodic = try (metrics.periodicReader ?? PeriodicExportingMetricReader.Configuration(environment: environment))
            .validated()
        let cardinalityLimit = metrics.cardinalityLimit ?? MeterProvider.defaultCardinalityLimit
        let exemplarFilter = try metrics.exemplarFilter ?? ExemplarFilter(environment: environment)
        guard cardinalityLimit >= 2 else {
            throw TelemetryConfigurationError(
                variable: nil, value: "cardinalityLimit = \(cardinalityLimit)",
                reason: "it must be 2 or more: one series and the overflow series")
        }
        if isDisabled {
            // A disabled SDK builds no exporter: no connection, no background work.
            return MeterProvider(
                resource: resource, readers: [], views: metrics.views, cardinalityLimit: cardinalityLimit,
                exemplarFilter: exemplarFilter, clock: configuration.clock, logger: logger)
        }
        var readers = metrics.readers
        if let exporters = metrics.exporters {
            readers += exporters.map {
                PeriodicExportingMetricReader(exporter: $0, validConfiguration: periodic, clock: configuration.clock, logger: logger)
            }
        } else {
            readers += try ExporterSelection.makeReaders(
                environment: environment,
                exporterFactories: metrics.exporterFactories,
                readerFactories: metrics.readerFactories,
                periodic: periodic,
                clock: configuration.clock,
                logger: logger
            )
        }
        return MeterProvider(
            resource: resource, readers: readers, views: metrics.views, cardinalityLimit: cardinalityLimit,
            exemplarFilter: exemplarFilter, clock: configuration.clock, logger: logger)
    }
}
