import Logging

/// Makes the log record exporter that `OTEL_LOGS_EXPORTER` names, for exporters that live outside this module.
///
/// Register one in ``TelemetryConfiguration/Logs/exporterFactories``; the OTLP module provides
/// `OTLPLogRecordExporterFactory`. Its exporter gets a ``BatchLogRecordProcessor``.
public protocol LogRecordExporterFactory: Sendable {
    /// The name in `OTEL_LOGS_EXPORTER`, for example `otlp`.
    var name: String { get }

    /// Makes the exporter from the process environment, following the specification's configuration rules as
    /// ``SpanExporterFactory/makeSpanExporter(environment:isStrict:logger:)`` does.
    ///
    /// - Throws: ``TelemetryConfigurationError`` naming the variable and value that are invalid, in strict mode.
    func makeLogRecordExporter(environment: [String: String], isStrict: Bool, logger: Logger) throws -> any LogRecordExporter
}
