import Logging

enum SpanExporterFactory {
    /// The span processors for the exporters `OTEL_TRACES_EXPORTER` names.
    ///
    /// The console exporter gets a ``SimpleSpanProcessor`` so that lines appear as spans end; every other exporter
    /// gets a ``BatchSpanProcessor``.
    static func makeProcessors(
        environment: Environment,
        batch: BatchSpanProcessor.Configuration,
        logger: Logger
    ) throws -> [any SpanProcessor] {
        let names = environment.list("OTEL_TRACES_EXPORTER") ?? ["none"]
        var processors: [any SpanProcessor] = []
        for name in names {
            switch name {
            case "console", "logging":
                processors.append(SimpleSpanProcessor(exporter: ConsoleSpanExporter(), logger: logger))
            case "none":
                return []
            case "otlp":
                throw TelemetryConfigurationError(
                    variable: "OTEL_TRACES_EXPORTER",
                    value: environment.string("OTEL_TRACES_EXPORTER"),
                    reason: "the OTLP exporter is not available yet in swift-telemetry; use console or none"
                )
            default:
                throw TelemetryConfigurationError(
                    variable: "OTEL_TRACES_EXPORTER",
                    value: environment.string("OTEL_TRACES_EXPORTER"),
                    reason: "unknown exporter \"\(name)\"; expected otlp, console or none"
                )
            }
        }
        return processors
    }
}
