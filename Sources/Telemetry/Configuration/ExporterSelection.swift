import Logging

enum ExporterSelection {
    /// The processors for the exporters that `variable` (`OTEL_TRACES_EXPORTER`, `OTEL_LOGS_EXPORTER`) names.
    ///
    /// `console` gets the processor `console` makes; a name one of the registered factories answers to gets what
    /// `named` makes; `none` alone means no processor at all. A name listed twice counts once. The specification's
    /// default is `otlp`, and without the OTLP module registered there is nothing to send with, so then the default
    /// is `none`. Whatever is wrong with the list is reported in one warning, and the usable names apply.
    static func makeProcessors<Processor>(
        variable: String,
        environment: Environment,
        factoryNames: [String],
        factoryHint: String,
        console: () throws -> Processor,
        named: (String) throws -> [Processor]
    ) throws -> [Processor] {
        let defaultName = factoryNames.contains("otlp") ? "otlp" : "none"
        var names: [String] = []
        for name in environment.list(variable) ?? [defaultName] where !names.contains(name) {
            names.append(name)
        }
        if names == ["none"] { return [] }
        var problems: [String] = []
        if names.contains("none") {
            problems.append("none cannot be combined with other exporters, so it is ignored")
            names.removeAll { $0 == "none" }
        }
        var processors: [Processor] = []
        var unknown: [String] = []
        for name in names {
            switch name {
            case "console", "logging":
                processors.append(try console())
            case let name where factoryNames.contains(name):
                processors += try named(name)
            case "otlp":
                problems.append(
                    "the OTLP exporter lives in the TelemetryOTLP module: import it and bootstrap with "
                        + "TelemetryConfiguration.otlp() or add \(factoryHint); nothing is sent over OTLP")
            default:
                unknown.append(name)
            }
        }
        if !unknown.isEmpty {
            problems.append(
                "unknown exporter \(unknown.map { "\"\($0)\"" }.joined(separator: ", ")) is skipped; expected otlp, "
                    + "console or none")
        }
        if !problems.isEmpty {
            try environment.reject(variable, value: environment.string(variable), reason: problems.joined(separator: "; "))
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

    /// The metric readers for the exporters `OTEL_METRICS_EXPORTER` names: a ``PeriodicExportingMetricReader`` for
    /// every push exporter, the console's included, and the reader a reader factory makes for a pull exporter such as
    /// `prometheus`.
    static func makeReaders(
        environment: Environment,
        exporterFactories: [any MetricExporterFactory],
        readerFactories: [any MetricReaderFactory],
        periodic: PeriodicExportingMetricReader.Configuration,
        clock: any TelemetryClock,
        logger: Logger
    ) throws -> [any MetricReader] {
        func periodicReader(_ exporter: any MetricExporter) -> any MetricReader {
            PeriodicExportingMetricReader(exporter: exporter, validConfiguration: periodic, clock: clock, logger: logger)
        }
        return try makeProcessors(
            variable: "OTEL_METRICS_EXPORTER",
            environment: environment,
            factoryNames: readerFactories.map(\.name) + exporterFactories.map(\.name),
            factoryHint: "OTLPMetricExporterFactory() to metrics.exporterFactories",
            console: { periodicReader(ConsoleMetricExporter()) },
            named: { name in
                let readers = try readerFactories.filter { $0.name == name }.map {
                    try $0.makeMetricReader(environment: environment.values, isStrict: environment.isStrict, logger: logger)
                }
                let exporters = try exporterFactories.filter { $0.name == name }.map {
                    periodicReader(
                        try $0.makeMetricExporter(environment: environment.values, isStrict: environment.isStrict, logger: logger))
                }
                return readers + exporters
            }
        )
    }
}
