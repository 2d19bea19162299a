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
    /// A configuration that exports over OTLP unless `OTEL_TRACES_EXPORTER` says otherwise.
    public static func otlp(_ exporter: OTLPExporterConfiguration = OTLPExporterConfiguration()) -> TelemetryConfiguration {
        var configuration = TelemetryConfiguration()
        configuration.traces.exporterFactories.append(OTLPSpanExporterFactory(configuration: exporter))
        return configuration
    }
}
