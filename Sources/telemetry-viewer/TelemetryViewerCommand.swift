import ArgumentParser
import TelemetryViewer

@main
struct TelemetryViewerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "telemetry-viewer",
        abstract: "Receives OTLP traces, metrics and logs, stores them in SQLite and shows them in the browser."
    )

    func run() async throws {}
}
