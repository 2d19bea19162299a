import Logging
import Telemetry

/// Makes the OTLP log record exporter when `OTEL_LOGS_EXPORTER` is `otlp`, which it then is by default.
///
/// `TelemetryConfiguration.otlp(_:)` registers it beside ``OTLPSpanExporterFactory``.
public struct OTLPLogRecordExporterFactory: LogRecordExporterFactory {
    /// Settings set in code; they win over the `OTEL_EXPORTER_OTLP_LOGS_*` and `OTEL_EXPORTER_OTLP_*` variables.
    public var configuration: OTLPExporterConfiguration

    /// Creates the factory.
    public init(configuration: OTLPExporterConfiguration = OTLPExporterConfiguration()) {
        self.configuration = configuration
    }

    public var name: String { "otlp" }

    public func makeLogRecordExporter(
        environment: [String: String],
        isStrict: Bool,
        logger: Logger
    ) throws -> any LogRecordExporter {
        try OTLPLogRecordExporter(configuration: configuration, environment: environment, isStrict: isStrict, logger: logger)
    }
}
