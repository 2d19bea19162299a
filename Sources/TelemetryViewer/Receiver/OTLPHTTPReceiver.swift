import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Receives OTLP over HTTP (`POST /v1/traces`, `/v1/metrics`, `/v1/logs`, protobuf or JSON, optionally gzip) and
/// hands what it decodes to a ``BatchSink``.
///
/// Run it as a `Service` in a `ServiceGroup`: it listens until graceful shutdown, then stops accepting connections
/// and lets requests in flight finish. Each request is answered only after the sink has taken its batch, so a `200`
/// means the data is stored.
///
/// Memory stays bounded: a request takes one of ``Configuration/maxConcurrentExports`` slots before its body is
/// read (requests beyond are answered `503` at once), a slot is held at most ``Configuration/readTimeout`` waiting
/// for the body (then `408`), the body is at most ``Configuration/maxBodyBytes`` as sent and after inflating, and
/// it decodes to at most ``Configuration/maxItemsPerRequest`` items, each about 32 bytes of the model at most. With
/// the defaults an export holds at most its 20 MiB body (the compressed one too while inflating) and what it decodes
/// to: at most 20 MiB of text and bytes and 64 MB of records (twice that while arrays grow), so 8 exports at once
/// stay under about 1.6 GB at worst and far less in practice. Connections idle for
/// ``Configuration/connectionIdleTimeout`` are closed.
public final class OTLPHTTPReceiver: Service, Sendable {
    /// Where the receiver listens and what it accepts.
    public struct Configuration: Sendable, Hashable {
        /// The interface to bind; loopback by default, so that nothing outside this machine can send.
        public var host: String
        /// The port to bind; 0 picks a free one, which ``port`` then reports.
        public var port: Int
        /// The largest request body accepted, both as sent and after gzip decompression; larger ones get `413`.
        public var maxBodyBytes: Int
        /// How many exports the receiver works on at once; more are refused with a retryable answer rather than
        /// queued, so that memory stays bounded.
        public var maxConcurrentExports: Int
        /// How long an overloaded receiver asks senders to wait (`Retry-After`) before retrying.
        public var retryAfterSeconds: Int
        /// How many items (spans, events, links, attributes, values, data points, log records) one request may
        /// decode into; a request holding more is refused with `400`.
        public var maxItemsPerRequest: Int
        /// How long a request may take to deliver its body once admitted; past it the request is answered `408`
        /// and its slot is freed.
        public var readTimeout: Duration
        /// How long a connection may stay open without reading or writing anything.
        public var connectionIdleTimeout: Duration

        /// The OTLP/HTTP defaults, with the Collector's body limit: `127.0.0.1:4318`, 20 MiB bodies, 8 exports at
        /// once, retry after one second, at most ``OTLPRequestDecoder/defaultMaxItems`` items a request, 30 seconds
        /// to deliver a body, connections closed after a minute without traffic.
        public init(
            host: String = "127.0.0.1",
            port: Int = 4318,
            maxBodyBytes: Int = 20 * 1024 * 1024,
            maxConcurrentExports: Int = 8,
            retryAfterSeconds: Int = 1,
            maxItemsPerRequest: Int = OTLPRequestDecoder.defaultMaxItems,
            readTimeout: Duration = .seconds(30),
            connectionIdleTimeout: Duration = .seconds(60)
        ) {
            self.host = host
            self.port = port
            self.maxBodyBytes = maxBodyBytes
            self.maxConcurrentExports = maxConcurrentExports
            self.retryAfterSeconds = retryAfterSeconds
            self.maxItemsPerRequest = maxItemsPerRequest
            self.readTimeout = readTimeout
            self.connectionIdleTimeout = connectionIdleTimeout
        }
    }

    /// The configuration the receiver was created with.
    public let configuration: Configuration
    private let sink: any BatchSink
    private let logger: Logger
    private let listeningPort = ListeningPort()
    private let counters = ReceiverCounters()

    /// Creates a receiver that hands batches to `sink`; it listens once ``run()`` is called.
    public init(configuration: Configuration = Configuration(), sink: any BatchSink, logger: Logger) {
        self.configuration = configuration
        self.sink = sink
        self.logger = logger
    }

    /// What the receiver has accepted and refused so far.
    public var statistics: OTLPReceiverStatistics { counters.snapshot }

    /// The port the receiver listens on, waiting until it does; throws if it stopped or failed to bind.
    public var port: Int {
        get async throws { try await listeningPort.port() }
    }

    /// Listens and serves until graceful shutdown or cancellation.
    public func run() async throws {
        defer { listeningPort.end() }
        let responder = OTLPHTTPResponder(
            handler: OTLPExportHandler(
                sink: sink,
                admission: ExportAdmission(limit: configuration.maxConcurrentExports),
                counters: counters,
                maxItems: configuration.maxItemsPerRequest
            ),
            maxBodyBytes: max(0, configuration.maxBodyBytes),
            retryAfterSeconds: max(0, configuration.retryAfterSeconds),
            readTimeout: configuration.readTimeout,
            logger: logger
        )
        // Hummingbird announces its own start at info level; the receiver says it once, in its own words.
        var frameworkLogger = logger
        frameworkLogger.logLevel = max(logger.logLevel, .warning)
        let logger = logger
        let listeningPort = listeningPort
        let application = Application(
            responder: responder,
            server: .http1(
                configuration: .init(idleTimeout: .nanoseconds(configuration.connectionIdleTimeout.nanosecondsClamped))
            ),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: nil
            ),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                let host = channel.localAddress?.ipAddress ?? "?"
                logger.info("OTLP/HTTP receiver listening", metadata: ["address": "http://\(host):\(port)"])
                listeningPort.bind(port)
            },
            logger: frameworkLogger
        )
        try await application.run()
    }
}
