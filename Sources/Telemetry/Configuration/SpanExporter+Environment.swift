import Logging

enum ExporterSelection {
    /// The span processors for the exporters `OTEL_TRACES_EXPORTER` names.
    ///
    /// The console exporter gets a ``SimpleSpanProcessor`` so that lines appear as spans end; every other exporter
    /// gets a ``BatchSpanProcessor``.
    static func makeProcessors(
        environment: Environment,
        factories: [any SpanExporterFactory],
        batch: BatchSpanProcessor.Configuration,
        clock: any TelemetryClock,
        logger: Logger
    ) throws -> [any SpanProcessor] {
        // The specification's default is otlp; without the OTLP module registered there is nothing to send with.
        let defaultName = factories.contains { $0.name == "otlp" } ? "otlp" : "none"
        let names = environment.list("OTEL_TRACES_EXPORTER") ?? [defaultName]
        var processors: [any SpanProcessor] = []
        for name in names {
            switch name {
            case "console", "logging":
                processors.append(try SimpleSpanProcessor(exporter: ConsoleSpanExporter(), clock: clock, logger: logger))
            case "none":
                return []
            case let name where factories.contains { $0.name == name }:
                for factory in factories where factory.name == name {
                    let exporter = try factory.makeSpanExporter(
                        environment: environment.values,
                        isStrict: environment.isStrict,
                        logger: logger
                    )
                    processors.append(
                        BatchSpanProcessor(exporter: exporter, validConfiguration: batch, clock: clock, logger: logger)
                    )
                }
            case "otlp":
                try environment.reject(
                    "OTEL_TRACES_EXPORTER",
                    value: environment.string("OTEL_TRACES_EXPORTER"),
                    reason: "the OTLP exporter lives in the TelemetryOTLP module: import it and bootstrap with "
                        + "TelemetryConfiguration.otlp() or add OTLPSpanExporterFactory() to traces.exporterFactories; "
                        + "spans are not exported"
                )
            default:
                try environment.reject(
                    "OTEL_TRACES_EXPORTER",
                    value: environment.string("OTEL_TRACES_EXPORTER"),
                    reason: "unknown exporter \"\(name)\" is skipped; expected otlp, console or none"
                )
            }
        }
        return processors
    }
}
