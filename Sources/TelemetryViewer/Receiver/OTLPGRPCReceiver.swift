import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import ServiceLifecycle

/// Receives OTLP over gRPC (the `Export` methods of the trace, metrics and logs collector services, optionally
/// gzip-compressed) and hands what it decodes to a ``BatchSink``.
///
/// Run it as a `Service` in a `ServiceGroup`: it listens until graceful shutdown, then refuses new calls and lets
/// calls in flight finish. A call succeeds only after the sink has taken its batch.
public final class OTLPGRPCReceiver: Service, Sendable {
    /// Where the receiver listens and what it accepts.
    public struct Configuration: Sendable, Hashable {
        /// The IP address to bind (IPv4 or IPv6, not a host name); loopback by default, so that nothing outside
        /// this machine can send.
        public var host: String
        /// The port to bind; 0 picks a free one, which ``port`` then reports.
        public var port: Int
        /// The largest request message accepted, after decompression; larger calls fail with `RESOURCE_EXHAUSTED`
        /// (and those over twice this size have their stream reset by the transport before they are read).
        public var maxReceiveMessageBytes: Int
        /// How many exports the receiver works on at once; more are refused with a retryable answer rather than
        /// queued, so that memory stays bounded (about this many times the size limit, at worst).
        public var maxConcurrentExports: Int
        /// How long an overloaded receiver asks senders to wait, in the `RetryInfo` of its `UNAVAILABLE` answers.
        public var retryAfterSeconds: Int

        /// The OTLP/gRPC defaults: `127.0.0.1:4317`, 32 MiB messages, 8 exports at once, retry after one second.
        public init(
            host: String = "127.0.0.1",
            port: Int = 4317,
            maxReceiveMessageBytes: Int = 32 * 1024 * 1024,
            maxConcurrentExports: Int = 8,
            retryAfterSeconds: Int = 1
        ) {
            self.host = host
            self.port = port
            self.maxReceiveMessageBytes = maxReceiveMessageBytes
            self.maxConcurrentExports = maxConcurrentExports
            self.retryAfterSeconds = retryAfterSeconds
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
        let address: GRPCNIOTransportCore.SocketAddress =
            configuration.host.contains(":")
            ? .ipv6(host: configuration.host, port: configuration.port)
            : .ipv4(host: configuration.host, port: configuration.port)
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
            }
        )
        let service = OTLPGRPCService(
            handler: OTLPExportHandler(
                sink: sink,
                admission: ExportAdmission(limit: configuration.maxConcurrentExports),
                counters: counters
            ),
            maxMessageBytes: maxMessageBytes,
            retryAfterSeconds: max(0, configuration.retryAfterSeconds)
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
