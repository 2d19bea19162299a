import ArgumentParser

@main
struct TelemetryGen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "telemetrygen",
        abstract: "Generates telemetry through swift-telemetry's public API, like the OpenTelemetry Collector's tool.",
        discussion: "Every OTEL_* variable is honoured, strictly: an invalid value exits 2. Spans go to the console unless an --otlp-* flag, OTEL_TRACES_EXPORTER or any OTEL_EXPORTER_OTLP_* variable asks for OTLP.",
        subcommands: [Traces.self]
    )
}
