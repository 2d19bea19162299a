import Logging

/// Makes the metric exporter that `OTEL_METRICS_EXPORTER` names, for exporters that live outside this module.
///
/// Register one in ``TelemetryConfiguration/Metrics/exporterFactories``; the OTLP module provides
/// `OTLPMetricExporterFactory`. Its exporter gets a ``PeriodicExportingMetricReader``.
public protocol MetricExporterFactory: Sendable {
    /// The name in `OTEL_METRICS_EXPORTER`, for example `otlp`.
    var name: String { get }

    /// Makes the exporter from the process environment, following the specification's configuration rules as
    /// ``SpanExporterFactory/makeSpanExporter(environment:isStrict:logger:)`` does.
    ///
    /// - Throws: ``TelemetryConfigurationError`` naming the variable and value that are invalid, in strict mode.
    func makeMetricExporter(environment: [String: String], isStrict: Bool, logger: Logger) throws -> any MetricExporter
}
