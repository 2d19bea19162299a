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
    /// Follow the specification's configuration rules: an unusable value is logged once through `logger`, naming the
    /// variable and the value, and the default applies, unless `isStrict` is set.
    ///
    /// - Throws: ``TelemetryConfigurationError`` naming the variable and value that are invalid, in strict mode.
    func makeSpanExporter(environment: [String: String], isStrict: Bool, logger: Logger) throws -> any SpanExporter
}
