import Logging
import Tracing

/// What you set in code when bootstrapping the SDK. Anything left `nil` comes from the `OTEL_*` variable, and then
/// from the specification's default; a value set here always wins.
///
/// ```swift
/// var configuration = TelemetryConfiguration()
/// configuration.serviceName = "orders"
/// configuration.traces.sampler = ParentBasedSampler(root: TraceIDRatioBasedSampler(ratio: 0.1)!)
/// let telemetry = try TelemetrySystem.bootstrap(configuration)
/// ```
public struct TelemetryConfiguration: Sendable {
    /// `service.name` (`OTEL_SERVICE_NAME`; default `unknown_service:<process name>`).
    public var serviceName: String?
    /// `service.version` (`OTEL_SERVICE_VERSION`).
    public var serviceVersion: String?
    /// `deployment.environment.name` (`OTEL_DEPLOYMENT_ENVIRONMENT`).
    public var deploymentEnvironment: String?
    /// More resource attributes; they win over `OTEL_RESOURCE_ATTRIBUTES` and detected ones.
    public var resourceAttributes: SpanAttributes = [:]
    /// Turns the SDK into a no-op: spans are not recorded and nothing is exported (`OTEL_SDK_DISABLED`, `false`).
    public var isDisabled: Bool?
    /// The level of the SDK's own diagnostics (`OTEL_LOG_LEVEL`, `info`).
    public var logLevel: Logger.Level?
    /// Where the SDK reports its own diagnostics: configuration warnings, drops and failed exports. By default a
    /// logger labelled `swift-telemetry` from your `LoggingSystem`, at ``logLevel``.
    public var logger: Logger?
    /// The longest ``TelemetryService`` waits for the final flush on graceful shutdown. Default 10 seconds.
    public var shutdownTimeout: Duration = .seconds(10)
    /// Whether an unusable `OTEL_*` value stops the bootstrap with a ``TelemetryConfigurationError`` instead of
    /// logging one warning and using the default (`SWIFT_TELEMETRY_STRICT_CONFIGURATION`, default `false`).
    ///
    /// The specification asks for the warning, so that a typo in the environment never stops a service from
    /// starting. Strict mode suits tools and tests, where a typo should fail loudly.
    public var isStrict: Bool?
    /// What the SDK's schedules, timeouts and deadlines are measured by. Tests pass `TelemetryTesting`'s `TestClock`.
    public var clock: any TelemetryClock = SystemClock()
    /// Tracing settings.
    public var traces = Traces()
    /// Logs settings.
    public var logs = Logs()
    /// Metrics settings.
    public var metrics = Metrics()

    /// Creates a configuration that takes everything from the environment and the defaults.
    public init() {}

    /// Tracing settings.
    public struct Traces: Sendable {
        /// The sampler (`OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG`; `parentbased_always_on`).
        public var sampler: (any Sampler)?
        /// Span limits; when set, the `OTEL_*_LIMIT` variables are not read.
        public var spanLimits: SpanLimits?
        /// The batch processor's settings; when set, the `OTEL_BSP_*` variables are not read. Out-of-range values make
        /// the bootstrap throw.
        public var batchProcessor: BatchSpanProcessor.Configuration?
        /// The exporters, each behind its own batch processor; when set, `OTEL_TRACES_EXPORTER` is not read.
        public var exporters: [any SpanExporter]?
        /// Exporters that `OTEL_TRACES_EXPORTER` can name besides `console` and `none`. When one is named `otlp`,
        /// it is the default, as the specification says.
        public var exporterFactories: [any SpanExporterFactory] = []
        /// Processors that run before the exporters' processors, for example to add attributes on start.
        public var processors: [any SpanProcessor] = []
        /// The propagators, in order; when set, `OTEL_PROPAGATORS` is not read.
        public var propagators: [any TextMapPropagator]?
        /// How ids are made; by default ``RandomIDGenerator``.
        public var idGenerator: (any IDGenerator)?

        /// Creates tracing settings that take everything from the environment and the defaults.
        public init() {}
    }

    /// Logs settings. Records reach the logs pipeline through ``TelemetryLogHandler`` or a ``TelemetryLogger``.
    public struct Logs: Sendable {
        /// Log record limits; when set, the `OTEL_LOGRECORD_*` and `OTEL_ATTRIBUTE_*` variables are not read.
        public var limits: LogRecordLimits?
        /// The batch processor's settings; when set, the `OTEL_BLRP_*` variables are not read. Out-of-range values
        /// make the bootstrap throw.
        public var batchProcessor: BatchLogRecordProcessor.Configuration?
        /// The exporters, each behind its own batch processor; when set, `OTEL_LOGS_EXPORTER` is not read.
        public var exporters: [any LogRecordExporter]?
        /// Exporters that `OTEL_LOGS_EXPORTER` can name besides `console` and `none`. When one is named `otlp`, it is
        /// the default, as the specification says.
        public var exporterFactories: [any LogRecordExporterFactory] = []
        /// Processors that run before the exporters' processors, for example to add attributes to every record.
        public var processors: [any LogRecordProcessor] = []

        /// Creates logs settings that take everything from the environment and the defaults.
        public init() {}
    }

    /// Metrics settings.
    public struct Metrics: Sendable {
        /// The periodic reader's settings; when set, `OTEL_METRIC_EXPORT_INTERVAL` and `OTEL_METRIC_EXPORT_TIMEOUT`
        /// are not read. Out-of-range values make the bootstrap throw.
        public var periodicReader: PeriodicExportingMetricReader.Configuration?
        /// The most series one stream keeps, the overflow series included (default 2000).
        public var cardinalityLimit: Int?
        /// Which measurements may be kept as exemplars; when set, `OTEL_METRICS_EXEMPLAR_FILTER` is not read
        /// (default ``ExemplarFilter/traceBased``).
        public var exemplarFilter: ExemplarFilter?
        /// The exporters, each behind its own periodic reader; when set, `OTEL_METRICS_EXPORTER` is not read.
        public var exporters: [any MetricExporter]?
        /// Exporters that `OTEL_METRICS_EXPORTER` can name besides `console` and `none`. When one is named `otlp`, it
        /// is the default, as the specification says.
        public var exporterFactories: [any MetricExporterFactory] = []
        /// Pull readers that `OTEL_METRICS_EXPORTER` can name, such as `prometheus`.
        public var readerFactories: [any MetricReaderFactory] = []
        /// Readers added whatever the variables say, for example a ``ManualMetricReader`` of your own.
        public var readers: [any MetricReader] = []
        /// What to make of selected instruments: other names, fewer attributes, other aggregations, or nothing.
        public var views: [View] = []

        /// Creates metrics settings that take everything from the environment and the defaults.
        public init() {}
    }
}
