import Logging
import Telemetry

/// Makes the OTLP metric exporter when `OTEL_METRICS_EXPORTER` is `otlp`, which it then is by default.
///
/// `TelemetryConfiguration.otlp(_:)` registers it beside ``OTLPSpanExporterFactory`` and
/// ``OTLPLogRecordExporterFactory``. Its exporter gets a ``PeriodicExportingMetricReader``.
public struct OTLPMetricExporterFactory: MetricExporterFactory {
    /// Settings set in code; they win over the `OTEL_EXPORTER_OTLP_METRICS_*` and `OTEL_EXPORTER_OTLP_*` variables.
    public var configuration: OTLPExporterConfiguration

    /// Creates the factory.
    public init(configuration: OTLPExporterConfiguration = OTLPExporterConfiguration()) {
        self.configuration = configuration
    }

    public var name: String { "otlp" }

    public func makeMetricExporter(
        environment: [String: String],
        isStrict: Bool,
        logger: Logger
    ) throws -> any MetricExporter {
        try OTLPMetricExporter(configuration: configuration, environment: environment, isStrict: isStrict, logger: logger)
    }
}
