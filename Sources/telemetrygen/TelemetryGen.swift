import ArgumentParser

@main
struct TelemetryGen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "telemetrygen",
        abstract: "Generates telemetry through swift-telemetry's public API, like the OpenTelemetry Collector's tool.",
        discussion: """
            Every OTEL_* variable is honoured, strictly: an invalid value exits 2. Each subcommand exports only its own \
            signal, unless the other signal's exporter variable is set. Spans and log records go to the console unless an --otlp-* flag, OTEL_TRACES_EXPORTER (for \
            traces), OTEL_LOGS_EXPORTER (for logs) or any OTEL_EXPORTER_OTLP_* variable asks for OTLP.
            """,
        subcommands: [Traces.self, Logs.self]
    )
}
