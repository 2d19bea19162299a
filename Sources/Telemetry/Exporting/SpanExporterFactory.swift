import Logging

/// Makes the span exporter that `OTEL_TRACES_EXPORTER` names, for exporters that live outside this module.
///
/// Register one in ``TelemetryConfiguration/Traces/exporterFactories``; the OTLP module provides
/// `OTLPSpanExporterFactory`. Its exporter gets a ``BatchSpanProcessor``.
public protocol SpanExporterFactory: Sendable {
    /// The name in `OTEL_TRACES_EXPORTER`, for example `otlp`.
    var name: String { get }

    /// Makes the exporter from the process environment.
    ///
    /// - Throws: ``TelemetryConfigurationError`` naming the variable and value that are invalid.
    func makeSpanExporter(environment: [String: String], logger: Logger) throws -> any SpanExporter
}
