import ArgumentParser
import Foundation
import Logging
import TelemetryViewer

@main
struct TelemetryViewerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "telemetry-viewer",
        abstract: "Receives OTLP traces, metrics and logs, stores them in SQLite and shows them in the browser.",
        discussion: """
            Send telemetry with any OpenTelemetry SDK (OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4317 for gRPC, \
            or http://127.0.0.1:4318 with OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf), then open the web UI. \
            The Jaeger query API under /api lets Grafana's Jaeger data source read it too.
            """
    )

    @Option(help: "The interface to listen on. Anything but loopback exposes your telemetry to the network.")
    var host = "127.0.0.1"

    @Option(help: "The port of the web UI and the Jaeger-compatible query API.")
    var port = 16686

    @Option(name: .customLong("grpc-port"), help: "The OTLP/gRPC port.")
    var grpcPort = 4317

    @Option(name: .customLong("otlp-http-port"), help: "The OTLP/HTTP port.")
    var otlpHTTPPort = 4318

    @Option(help: "The SQLite file to keep telemetry in (default: $XDG_DATA_HOME or ~/.local/share, then swift-telemetry/viewer.sqlite).")
    var storage: String?

    @Flag(name: .customLong("in-memory"), help: "Keep telemetry in memory only.")
    var inMemory = false

    @Option(name: .customLong("retention-hours"), help: "Delete telemetry older than this many hours (0 keeps it forever).")
    var retentionHours: Double = 24

    @Option(name: .customLong("max-size-mb"), help: "Keep the database below this many megabytes by deleting the oldest data (0: no limit).")
    var maxSizeMB: Int = 1024

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    /// 100 years of 365.25 days.
    static let maximumRetentionHours: Double = 876_600
    /// 16 TiB in MiB.
    static let maximumSizeMB = 16 * 1024 * 1024

    func validate() throws {
        if inMemory, storage != nil { throw ValidationError("--storage and --in-memory exclude each other.") }
        for (name, value) in [("--port", port), ("--grpc-port", grpcPort), ("--otlp-http-port", otlpHTTPPort)] where !(0...65535).contains(value) {
            throw ValidationError("\(name) must be a port number, 0 to 65535.")
        }
        guard retentionHours >= 0, retentionHours.isFinite else { throw ValidationError("--retention-hours must be 0 or more.") }
        // Bounded so that converting to seconds and bytes below cannot overflow.
        guard retentionHours <= Self.maximumRetentionHours else {
            throw ValidationError("--retention-hours must be at most \(Int(Self.maximumRetentionHours)) (100 years); 0 keeps telemetry forever.")
        }
        guard maxSizeMB >= 0 else { throw ValidationError("--max-size-mb must be 0 or more.") }
        guard maxSizeMB <= Self.maximumSizeMB else {
            throw ValidationError("--max-size-mb must be at most \(Self.maximumSizeMB) (16 TiB); 0 means no limit.")
        }
        guard Logger.Level(rawValue: logLevel.lowercased()) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel.lowercased()) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let storageChoice: TelemetryViewerApp.Storage =
            inMemory ? .inMemory : storage.map { .file(($0 as NSString).expandingTildeInPath) } ?? .defaultFile
        var store = StoreConfiguration()
        store.maximumAge = retentionHours > 0 ? .seconds(retentionHours * 3600) : nil
        store.maximumSizeBytes = maxSizeMB > 0 ? Int64(maxSizeMB) * 1024 * 1024 : nil
        let configuration = TelemetryViewerApp.Configuration(
            host: host,
            uiPort: port,
            grpcPort: grpcPort,
            httpPort: otlpHTTPPort,
            storage: storageChoice,
            store: store
        )
        let app = try TelemetryViewerApp(configuration: configuration)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            group.addTask {
                // Printed once every listener is bound, so the addresses shown are the real ones.
                guard let endpoints = try? await app.endpoints else { return }
                let lines = endpoints.announcement(storage: storageChoice, loopbackOnly: configuration.isLoopbackOnly)
                FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
            }
            try await group.waitForAll()
        }
    }
}
