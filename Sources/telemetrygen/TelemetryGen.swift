import ArgumentParser

@main
struct TelemetryGen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "telemetrygen",
        abstract: "Generates telemetry through swift-telemetry's public API, like the OpenTelemetry Collector's tool.",
        discussion: """
            Every OTEL_* variable is honoured, strictly: an invalid value exits 2. Each subcommand exports only its own \
            signal, unless another signal's exporter variable is set. Spans, log records and metrics go to the console \
            unless an --otlp-* flag, the signal's OTEL_TRACES_EXPORTER, OTEL_LOGS_EXPORTER or OTEL_METRICS_EXPORTER, or \
            any OTEL_EXPORTER_OTLP_* variable asks for OTLP.
            """,
        subcommands: [Traces.self, Logs.self, Metrics.self]
    )
}
