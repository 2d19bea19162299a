import Logging

enum ExporterSelection {
    /// The processors for the exporters that `variable` (`OTEL_TRACES_EXPORTER`, `OTEL_LOGS_EXPORTER`) names.
    ///
    /// `console` gets the processor `console` makes; a name one of the registered factories answers to gets what
    /// `named` makes; `none` means no processor at all. The specification's default is `otlp`, and without the OTLP
    /// module registered there is nothing to send with, so then the default is `none`.
    static func makeProcessors<Processor>(
        variable: String,
        environment: Environment,
        factoryNames: [String],
        factoryHint: String,
        console: () throws -> Processor,
        named: (String) throws -> [Processor]
    ) throws -> [Processor] {
        let defaultName = factoryNames.contains("otlp") ? "otlp" : "none"
        let names = environment.list(variable) ?? [defaultName]
        var processors: [Processor] = []
        for name in names {
            switch name {
            case "console", "logging":
                processors.append(try console())
            case "none":
                return []
            case let name where factoryNames.contains(name):
                processors += try named(name)
            case "otlp":
                try environment.reject(
                    variable,
                    value: environment.string(variable),
                    reason: "the OTLP exporter lives in the TelemetryOTLP module: import it and bootstrap with "
                        + "TelemetryConfiguration.otlp() or add \(factoryHint); nothing is exported"
                )
            default:
                try environment.reject(
                    variable,
                    value: environment.string(variable),
                    reason: "unknown exporter \"\(name)\" is skipped; expected otlp, console or none"
                )
            }
        }
        return processors
    }

    /// The span processors for the exporters `OTEL_TRACES_EXPORTER` names: ``SimpleSpanProcessor`` for the console,
    /// so that lines appear as spans end, and ``BatchSpanProcessor`` for every other exporter.
    static func makeProcessors(
        environment: Environment,
        factories: [any SpanExporterFactory],
        batch: BatchSpanProcessor.Configuration,
        clock: any TelemetryClock,
        logger: Logger
    ) throws -> [any SpanProcessor] {
        try makeProcessors(
            variable: "OTEL_TRACES_EXPORTER",
            environment: environment,
            factoryNames: factories.map(\.name),
            factoryHint: "OTLPSpanExporterFactory() to traces.exporterFactories",
            console: { try SimpleSpanProcessor(exporter: ConsoleSpanExporter(), clock: clock, logger: logger) },
            named: { name in
                try factories.filter { $0.name == name }.map { factory -> any SpanProcessor in
                    let exporter = try factory.makeSpanExporter(
                        environment: environment.values, isStrict: environment.isStrict, logger: logger)
                    return BatchSpanProcessor(exporter: exporter, validConfiguration: batch, clock: clock, logger: logger)
                }
            }
        )
    }

    /// The log record processors for the exporters `OTEL_LOGS_EXPORTER` names: ``SimpleLogRecordProcessor`` for the
    /// console and ``BatchLogRecordProcessor`` for every other exporter.
    static func makeProcessors(
        environment: Environment,
        factories: [any LogRecordExporterFactory],
        batch: BatchLogRecordProcessor.Configuration,
        clock: any TelemetryClock,
        logger: Logger
    ) throws -> [any LogRecordProcessor] {
        try makeProcessors(
            variable: "OTEL_LOGS_EXPORTER",
            environment: environment,
            factoryNames: factories.map(\.name),
            factoryHint: "OTLPLogRecordExporterFactory() to logs.exporterFactories",
            console: { try SimpleLogRecordProcessor(exporter: ConsoleLogRecordExporter(), clock: clock, logger: logger) },
            named: { name in
                try factories.filter { $0.name == name }.map { factory -> any LogRecordProcessor in
                    let exporter = try factory.makeLogRecordExporter(
                        environment: environment.values, isStrict: environment.isStrict, logger: logger)
                    return BatchLogRecordProcessor(exporter: exporter, validConfiguration: batch, clock: clock, logger: logger)
                }
            }
        )
    }
}
