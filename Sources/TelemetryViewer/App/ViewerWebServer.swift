import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The viewer's web server: Jaeger's query API, the viewer's metrics and logs API, and the web UI, on one port
/// (Jaeger's query port, 16686, by default).
///
/// Run it as a `Service`: it serves until graceful shutdown, then lets requests in flight finish.
public final class ViewerWebServer: Service, Sendable {
    /// Where the server listens.
    public struct Configuration: Sendable, Hashable {
        /// The interface to bind; loopback by default, so that only this machine can read the telemetry.
        public var host: String
        /// The port; 0 picks a free one, which ``port`` then reports.
        public var port: Int

        /// `127.0.0.1:16686` unless told otherwise.
        public init(host: String = "127.0.0.1", port: Int = 16686) {
            self.host = host
            self.port = port
        }
    }

    /// The configuration the server was created with.
    public let configuration: Configuration
    private let store: TelemetryStore
    private let now: WallClock
    private let logger: Logger
    private let listeningPort = ListeningPort()

    /// Creates a server reading from `store`; `now` (Unix nanoseconds) anchors lookbacks, and tests pin it.
    public init(configuration: Configuration = Configuration(), store: TelemetryStore, now: @escaping WallClock = systemWallClock, logger: Logger) {
        self.configuration = configuration
        self.store = store
        self.now = now
        self.logger = logger
    }

    /// The port the server listens on, waiting until it does; throws if it stopped or failed to bind.
    public var port: Int {
        get async throws { try await listeningPort.port() }
    }

    /// The routes of the API and the UI, for serving elsewhere or testing without a socket.
    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: NoSniffMiddleware())
        JaegerAPI(store: store, now: now, logger: logger).register(on: router)
        ViewerDataAPI(store: store, now: now, logger: logger).register(on: router)
        WebUI(store: store, now: now, logger: logger).register(on: router)
        return router
    }

    /// Listens and serves until graceful shutdown or cancellation.
    public func run() async throws {
        defer { listeningPort.end() }
        var frameworkLogger = logger
        frameworkLogger.logLevel = max(logger.logLevel, .warning)
        let logger = logger
        let listeningPort = listeningPort
        let application = Application(
            router: router(),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: nil
            ),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.debug("web UI listening", metadata: ["port": "\(port)"])
                listeningPort.bind(port)
            },
            logger: frameworkLogger
        )
        try await application.run()
    }
}
