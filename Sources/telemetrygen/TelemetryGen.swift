import ArgumentParser

@main
struct TelemetryGen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "telemetrygen",
        abstract: "Generates telemetry through swift-telemetry's public API, like the OpenTelemetry Collector's tool.",
        discussion: "Every OTEL_* variable is honoured. Until OTLP export lands, spans go to the console by default.",
        subcommands: [Traces.self]
    )
}
