import Foundation
import Logging
import ServiceLifecycle

/// The whole viewer: store, OTLP receivers (gRPC and HTTP) and the web server, run as one `ServiceGroup`.
///
/// Services stop in reverse order of the group, so on SIGTERM or SIGINT the receivers stop taking exports first
/// (answering those in flight), then the web server, and the store stops last, after writing everything it
/// acknowledged.
public final class TelemetryViewerApp: Sendable {
    /// Where the viewer keeps its data.
    public enum Storage: Sendable, Hashable {
        /// An SQLite file, created with its directory if missing.
        case file(String)
        /// Memory only: gone when the viewer stops.
        case inMemory

        /// `$XDG_DATA_HOME/swift-telemetry/viewer.sqlite`, else `~/.local/share/swift-telemetry/viewer.sqlite`.
        public static var defaultFile: Storage {
            let environment = ProcessInfo.processInfo.environment
            let base: String
            if let data = environment["XDG_DATA_HOME"], !data.isEmpty {
                base = data
            } else {
                base = (environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()) + "/.local/share"
            }
            return .file(base + "/swift-telemetry/viewer.sqlite")
        }
    }

    /// Everything the command line can set.
    public struct Configuration: Sendable, Hashable {
        /// The interface every listener binds; loopback by default.
        public var host: String
        /// The web UI and query API port (Jaeger's 16686 by default).
        public var uiPort: Int
        /// The OTLP/gRPC port (4317 by default).
        public var grpcPort: Int
        /// The OTLP/HTTP port (4318 by default).
        public var httpPort: Int
        /// Where data is kept.
        public var storage: Storage
        /// Queue size and retention.
        public var store: StoreConfiguration

        /// The defaults: loopback, 16686 / 4317 / 4318, the default file, a day of data in at most 1 GiB.
        public init(
            host: String = "127.0.0.1",
            uiPort: Int = 16686,
            grpcPort: Int = 4317,
            httpPort: Int = 4318,
            storage: Storage = .defaultFile,
            store: StoreConfiguration = StoreConfiguration()
        ) {
            self.host = host
            self.uiPort = uiPort
            self.grpcPort = grpcPort
            self.httpPort = httpPort
            self.storage = storage
            self.store = store
        }

        /// Whether `host` is reachable from this machine only: `localhost`, an IPv4 literal in 127.0.0.0/8 or the
        /// IPv6 loopback. A name such as `127.example.com` is not: it resolves to whatever DNS says.
        public var isLoopbackOnly: Bool {
            LoopbackHost.isLoopback(host)
        }
    }

    /// Where the running viewer can be reached, once it listens.
    public struct Endpoints: Sendable, Hashable {
        /// The host the listeners bound.
        public var host: String
        /// The web UI's and API's port.
        public var uiPort: Int
        /// The OTLP/gRPC port.
        public var grpcPort: Int
        /// The OTLP/HTTP port.
        public var httpPort: Int

        /// The host as it goes in a URL (IPv6 in brackets).
        var urlHost: String { host.contains(":") ? "[\(host)]" : host }

        /// The web UI's address.
        public var uiURL: String { "http://\(urlHost):\(uiPort)/" }
        /// What an OTLP/gRPC exporter points at (`OTEL_EXPORTER_OTLP_ENDPOINT` with the gRPC protocol).
        public var grpcEndpoint: String { "http://\(urlHost):\(grpcPort)" }
        /// What an OTLP/HTTP exporter points at (`OTEL_EXPORTER_OTLP_ENDPOINT` with `http/protobuf`).
        public var httpEndpoint: String { "http://\(urlHost):\(httpPort)" }

        /// The lines printed on start.
        public func announcement(storage: Storage, loopbackOnly: Bool) -> [String] {
            var lines = [
                "Telemetry viewer running",
                "  Web UI and Jaeger query API: \(uiURL)",
                "  OTLP/gRPC: \(grpcEndpoint)   (e.g. telemetrygen traces --otlp-endpoint \(urlHost):\(grpcPort) --otlp-insecure)",
                "  OTLP/HTTP: \(httpEndpoint)   (OTEL_EXPORTER_OTLP_ENDPOINT=\(httpEndpoint) OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf)",
            ]
            switch storage {
            case .file(let path): lines.append("  Storage: \(path)")
            case .inMemory: lines.append("  Storage: in memory (nothing is kept after it stops)")
            }
            if loopbackOnly {
                lines.append("  Listening on \(host) only: other machines cannot connect. Use --host to change that.")
            } else {
                lines.append("  WARNING: listening on \(host), not loopback: anyone who can reach this machine can read and send telemetry.")
            }
            return lines
        }
    }

    /// The configuration the viewer runs with.
    public let configuration: Configuration
    /// The store, for tests and embedding.
    public let store: TelemetryStore
    /// The web server.
    public let webServer: ViewerWebServer
    /// The OTLP/gRPC receiver.
    public let grpcReceiver: OTLPGRPCReceiver
    /// The OTLP/HTTP receiver.
    public let httpReceiver: OTLPHTTPReceiver
    private let group: ServiceGroup

    /// Opens the store (creating the file's directory if needed) and builds the services; nothing listens until
    /// ``run()``. With `stopsOnSignals`, SIGTERM and SIGINT stop it gracefully; tests call ``shutdown()`` instead.
    public init(
        configuration: Configuration,
        stopsOnSignals: Bool = true,
        now: @escaping WallClock = systemWallClock,
        logger: Logger = Logger(label: "telemetry-viewer")
    ) throws {
        self.configuration = configuration
        switch configuration.storage {
        case .file(let path):
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            store = try TelemetryStore(path: path, configuration: configuration.store, logger: logger)
        case .inMemory:
            store = try TelemetryStore.inMemory(configuration: configuration.store, logger: logger)
        }
        webServer = ViewerWebServer(
            configuration: .init(host: configuration.host, port: configuration.uiPort),
            store: store,
            now: now,
            logger: logger
        )
        grpcReceiver = OTLPGRPCReceiver(configuration: .init(host: configuration.host, port: configuration.grpcPort), sink: store, logger: logger)
        httpReceiver = OTLPHTTPReceiver(configuration: .init(host: configuration.host, port: configuration.httpPort), sink: store, logger: logger)
        // Reverse order on shutdown: receivers first, then the web server, the store last. Any service ending, by
        // failure (a port in use) or otherwise, shuts the group down gracefully rather than cancelling it, so the
        // store still writes what it acknowledged after the receivers stop.
        let services: [any Service] = [store, webServer, grpcReceiver, httpReceiver]
        group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map {
                    .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup)
                },
                gracefulShutdownSignals: stopsOnSignals ? [.sigterm, .sigint] : [],
                logger: logger
            )
        )
    }

    /// The bound ports, once every listener is up; throws if one failed to bind.
    public var endpoints: Endpoints {
        get async throws {
            Endpoints(
                host: configuration.host,
                uiPort: try await webServer.port,
                grpcPort: try await grpcReceiver.port,
                httpPort: try await httpReceiver.port
            )
        }
    }

    /// Runs until a configured signal or ``shutdown()``, then stops in order; returns when everything is written.
    public func run() async throws {
        try await group.run()
    }

    /// Starts the orderly stop that a signal would.
    public func shutdown() async {
        await group.triggerGracefulShutdown()
    }
}
