import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import ServiceLifecycle

/// Receives OTLP over gRPC (the `Export` methods of the trace, metrics and logs collector services, optionally
/// gzip-compressed) and hands what it decodes to a ``BatchSink``.
///
/// Run it as a `Service` in a `ServiceGroup`: it listens until graceful shutdown, then refuses new calls and lets
/// calls in flight finish. A call succeeds only after the sink has taken its batch.
///
/// Memory stays bounded: a call takes one of ``Configuration/maxConcurrentExports`` slots before its message is
/// read (calls beyond are answered `UNAVAILABLE` at once), a slot is held at most ``Configuration/readTimeout``
/// waiting for the message, and each message is at most ``Configuration/maxReceiveMessageBytes`` and decodes to at
/// most ``Configuration/maxItemsPerRequest`` items, each about 32 bytes of the model at most. With the defaults an
/// export holds at most its 4 MiB message (and the transport's copy of it) and what it decodes to: at most 4 MiB of
/// text and bytes and 64 MB of records (twice that while arrays grow), so 8 exports at once stay under about 1.1 GB
/// at worst and far less in practice. HTTP/2 lets each connection open only as many streams at once as there are
/// slots, and the receiver closes connections idle for ``Configuration/connectionIdleTimeout``.
public final class OTLPGRPCReceiver: Service, Sendable {
    /// Where the receiver listens and what it accepts.
    public struct Configuration: Sendable, Hashable {
        /// The IP address to bind (IPv4 or IPv6; the only host name understood is `localhost`, read as
        /// `127.0.0.1`); loopback by default, so that nothing outside this machine can send.
        public var host: String
        /// The port to bind; 0 picks a free one, which ``port`` then reports.
        public var port: Int
        /// The largest request message accepted, after decompression; larger calls fail with `RESOURCE_EXHAUSTED`
        /// (and those over twice this size have their stream reset by the transport before they are read).
        public var maxReceiveMessageBytes: Int
        /// How many exports the receiver works on at once, and how many streams each connection may open; more
        /// are refused with a retryable answer rather than queued, so that memory stays bounded.
        public var maxConcurrentExports: Int
        /// How long an overloaded receiver asks senders to wait, in the `RetryInfo` of its `UNAVAILABLE` answers.
        public var retryAfterSeconds: Int
        /// How many items (spans, events, links, attributes, values, data points, log records) one request may
        /// decode into; a request holding more is refused as `INVALID_ARGUMENT`.
        public var maxItemsPerRequest: Int
        /// How long a call may take to deliver its message once admitted; past it the call ends with
        /// `DEADLINE_EXCEEDED` and its slot is freed.
        public var readTimeout: Duration
        /// How long a connection with no calls stays open.
        public var connectionIdleTimeout: Duration

        /// The OTLP/gRPC defaults, with the Collector's message limit: `127.0.0.1:4317`, 4 MiB messages, 8 exports
        /// at once, retry after one second, at most ``OTLPRequestDecoder/defaultMaxItems`` items a request, 30
        /// seconds to deliver a message, idle connections closed after five minutes.
        public init(
            host: String = "127.0.0.1",
            port: Int = 4317,
            maxReceiveMessageBytes: Int = 4 * 1024 * 1024,
            maxConcurrentExports: Int = 8,
            retryAfterSeconds: Int = 1,
            maxItemsPerRequest: Int = OTLPRequestDecoder.defaultMaxItems,
            readTimeout: Duration = .seconds(30),
            connectionIdleTimeout: Duration = .seconds(300)
        ) {
            self.host = host
            self.port = port
            self.maxReceiveMessageBytes = maxReceiveMessageBytes
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
        let host = configuration.host.lowercased() == "localhost" ? "127.0.0.1" : configuration.host
        let address: GRPCNIOTransportCore.SocketAddress =
            host.contains(":")
            ? .ipv6(host: host, port: configuration.port)
            : .ipv4(host: host, port: configuration.port)
        let maxConcurrentExports = max(1, configuration.maxConcurrentExports)
        let maxMessageBytes = max(0, configuration.maxReceiveMessageBytes)
        // grpc-swift resets the stream of a message over its limit, which exporters see as a retryable failure and
        // send again. The transport therefore admits up to twice the limit, and the service answers the excess
        // with RESOURCE_EXHAUSTED, which OTLP exporters do not retry.
        let (doubled, overflow) = maxMessageBytes.multipliedReportingOverflow(by: 2)
        let transportLimit = overflow ? Int.max : doubled
        let transport = HTTP2ServerTransport.Posix(
            address: address,
            transportSecurity: .plaintext,
            config: .defaults { config in
                config.compression = .init(enabledAlgorithms: [.gzip, .deflate])
                config.rpc.maxRequestPayloadSize = transportLimit
                // Without a stream limit one connection could open any number of calls, each buffering a message
                // in the transport before the service sees it.
                config.http2.maxConcurrentStreams = maxConcurrentExports
                config.connection.maxIdleTime = configuration.connectionIdleTimeout
            }
        )
        let service = OTLPGRPCService(
            handler: OTLPExportHandler(
                sink: sink,
                admission: ExportAdmission(limit: maxConcurrentExports),
                counters: counters,
                maxItems: configuration.maxItemsPerRequest
            ),
            maxMessageBytes: maxMessageBytes,
            retryAfterSeconds: max(0, configuration.retryAfterSeconds),
            readTimeout: configuration.readTimeout,
            logger: logger
        )
        let server = GRPCServer(transport: transport, services: [service])
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await server.serve() }
                // A failed bind surfaces from `serve()`; here it only means there is no port to announce.
                guard let bound = try? await transport.listeningAddress else { return }
                let port = bound.ipv4?.port ?? bound.ipv6?.port ?? 0
                let host = bound.ipv4?.host ?? bound.ipv6.map { "[\($0.host)]" } ?? configuration.host
                logger.info("OTLP/gRPC receiver listening", metadata: ["address": "\(host):\(port)"])
                listeningPort.bind(port)
            }
        } onGracefulShutdown: {
            server.beginGracefulShutdown()
        }
    }
}
