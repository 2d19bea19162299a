import Logging
import Telemetry

/// Makes the OTLP exporter when `OTEL_TRACES_EXPORTER` is `otlp`, which it then is by default.
///
/// ```swift
/// let telemetry = try TelemetrySystem.bootstrap(.otlp())
/// ```
public struct OTLPSpanExporterFactory: SpanExporterFactory {
    /// Settings set in code; they win over the variables.
    public var configuration: OTLPExporterConfiguration

    /// Creates the factory.
    public init(configuration: OTLPExporterConfiguration = OTLPExporterConfiguration()) {
        self.configuration = configuration
    }

    public var name: String { "otlp" }

    public func makeSpanExporter(environment: [String: String], isStrict: Bool, logger: Logger) throws -> any SpanExporter {
        try OTLPSpanExporter(configuration: configuration, environment: environment, isStrict: isStrict, logger: logger)
    }
}

extension TelemetryConfiguration {
    /// A configuration that exports spans, log records and metrics over OTLP, unless `OTEL_TRACES_EXPORTER`,
    /// `OTEL_LOGS_EXPORTER` or `OTEL_METRICS_EXPORTER` says otherwise.
    ///
    /// The three exporters take `exporter`'s settings; anything it leaves `nil` comes from each signal's own
    /// variables (`OTEL_EXPORTER_OTLP_TRACES_*`, `OTEL_EXPORTER_OTLP_LOGS_*`, `OTEL_EXPORTER_OTLP_METRICS_*`), then the
    /// shared `OTEL_EXPORTER_OTLP_*` ones. Over HTTP, spans go to `/v1/traces`, log records to `/v1/logs` and metrics
    /// to `/v1/metrics` of ``OTLPExporterConfiguration/baseEndpoint`` or `OTEL_EXPORTER_OTLP_ENDPOINT`:
    ///
    /// ```swift
    /// var otlp = OTLPExporterConfiguration()
    /// otlp.baseEndpoint = "http://collector:4318"
    /// let telemetry = try TelemetrySystem.bootstrap(.otlp(otlp))
    /// ```
    ///
    /// ``OTLPExporterConfiguration/endpoint`` is a full URL that all three would use as is; give each factory its own
    /// configuration to set one per signal.
    public static func otlp(_ exporter: OTLPExporterConfiguration = OTLPExporterConfiguration()) -> TelemetryConfiguration {
        var configuration = TelemetryConfiguration()
        configuration.traces.exporterFactories.append(OTLPSpanExporterFactory(configuration: exporter))
        configuration.logs.exporterFactories.append(OTLPLogRecordExporterFactory(configuration: exporter))
        configuration.metrics.exporterFactories.append(OTLPMetricExporterFactory(configuration: exporter))
        return configuration
    }
}
