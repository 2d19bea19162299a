import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization
import Telemetry

/// A small HTTP/1.1 server that serves a ``PrometheusExporter``'s page at `GET /metrics`, for Prometheus to scrape.
///
/// Run it in your `ServiceGroup`, or call ``run()`` in a task and ``shutdown()`` to stop it:
///
/// ```swift
/// let prometheus = PrometheusExporter()
/// let provider = MeterProvider(readers: [prometheus])
/// let server = try PrometheusHTTPServer(exporter: prometheus)  // OTEL_EXPORTER_PROMETHEUS_HOST/_PORT, localhost:9464
/// let group = ServiceGroup(services: [server, app], logger: logger)
/// try await group.run()
/// ```
///
/// It needs no web framework; if your service already has a router, mount ``PrometheusExporter/render(accept:)`` there
/// instead. `GET` and `HEAD` of `/metrics` (with any query string) get the page in the format the `Accept` header asks
/// for; other paths get 404 and other methods on `/metrics` 405. It stays bounded whatever clients send: request heads
/// are limited in size, request bodies are read and dropped, a malformed request gets 400 and its connection is closed,
/// idle connections are closed after ``idleTimeout``, and connections beyond ``maximumConnections`` are refused.
public final class PrometheusHTTPServer: Service, Sendable {
    /// The host served when neither code nor `OTEL_EXPORTER_PROMETHEUS_HOST` sets one.
    public static let defaultHost = "localhost"
    /// The port served when neither code nor `OTEL_EXPORTER_PROMETHEUS_PORT` sets one.
    public static let defaultPort = 9464
    /// The path of the page.
    public static let path = "/metrics"

    /// The exporter whose page is served.
    public let exporter: PrometheusExporter
    /// The host or address to listen on.
    public let host: String
    /// The port to listen on; 0 picks a free one, which ``run(onListening:)`` reports.
    public let port: Int
    /// How long a connection may stay without a request before it is closed.
    public let idleTimeout: Duration
    /// The most connections served at once; more are closed as soon as they are accepted.
    public let maximumConnections: Int
    private let logger: Logger
    private let state = Mutex(State())
    private let stopRequests: AsyncStream<Void>
    private let requestStop: AsyncStream<Void>.Continuation

    private struct State {
        var listeningPort: Int?
    }

    /// Creates a server for `exporter`; it listens when ``run()`` is called.
    ///
    /// A host or port set here wins over `OTEL_EXPORTER_PROMETHEUS_HOST` and `OTEL_EXPORTER_PROMETHEUS_PORT`, which
    /// win over `localhost:9464`. A bad variable is reported once and its default applies (it throws in strict mode,
    /// `SWIFT_TELEMETRY_STRICT_CONFIGURATION=true`).
    ///
    /// - Parameters:
    ///   - port: 0 to 65535; 0 picks a free port.
    ///   - idleTimeout: How long an idle connection is kept; Prometheus keeps its connection between scrapes, so this
    ///     should exceed the scrape interval.
    ///   - maximumConnections: How many connections are served at once, at least 1.
    /// - Throws: ``TelemetryConfigurationError`` for a port out of range or a maximum below 1 set in code.
    public init(
        exporter: PrometheusExporter,
        host: String? = nil,
        port: Int? = nil,
        idleTimeout: Duration = .seconds(120),
        maximumConnections: Int = 64,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger = TelemetryDiagnostics.logger
    ) throws {
        if let port, !(0...65535).contains(port) {
            throw TelemetryConfigurationError(variable: nil, value: String(port), reason: "a port must be 0 to 65535")
        }
        guard maximumConnections >= 1 else {
            throw TelemetryConfigurationError(
                variable: nil, value: String(maximumConnections), reason: "maximumConnections must be at least 1")
        }
        let variables = Environment(environment, logger: logger)
        self.exporter = exporter
        self.host = host ?? variables.string("OTEL_EXPORTER_PROMETHEUS_HOST") ?? Self.defaultHost
        var configuredPort = port
        if configuredPort == nil, let value = variables.string("OTEL_EXPORTER_PROMETHEUS_PORT") {
            if let number = Int(value), (0...65535).contains(number) {
                configuredPort = number
            } else {
                try variables.reject(
                    "OTEL_EXPORTER_PROMETHEUS_PORT", value: value, reason: "expected a port, 0 to 65535")
            }
        }
        self.port = configuredPort ?? Self.defaultPort
        self.idleTimeout = max(idleTimeout, .milliseconds(1))
        self.maximumConnections = maximumConnections
        self.logger = logger
        (stopRequests, requestStop) = AsyncStream<Void>.makeStream()
    }

    /// The port the server listens on while it runs; `nil` before it listens.
    public var listeningPort: Int? {
        state.withLock { $0.listeningPort }
    }

    /// Serves until graceful shutdown, cancellation or ``shutdown()``; then closes the listener and every connection.
    ///
    /// - Throws: When the address cannot be resolved or bound.
    public func run() async throws {
        try await run(onListening: { _ in })
    }

    /// Serves as ``run()`` does, calling `onListening` with the bound port once the server accepts connections.
    public func run(onListening: @Sendable (Int) -> Void) async throws {
        let server = try await bind()
        let boundPort = server.channel.localAddress?.port ?? port
        state.withLock { $0.listeningPort = boundPort }
        defer { state.withLock { $0.listeningPort = nil } }
        logger.debug("Serving Prometheus metrics", metadata: ["address": "\(host):\(boundPort)\(Self.path)"])
        onListening(boundPort)

        let stopRequests = stopRequests
        // Serving ends at the first of: graceful shutdown, `shutdown()`, cancellation. Ending it cancels the
        // connection tasks, which closes their connections: a scrape endpoint has nothing to drain.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.serve(server) }
            group.addTask { try? await gracefulShutdown() }
            group.addTask { for await _ in stopRequests {} }
            defer { group.cancelAll() }
            _ = try await group.next()
        }
    }

    /// Stops a running server, and makes a later ``run()`` return at once.
    public func shutdown() {
        requestStop.finish()
    }

    private typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    private func bind() async throws -> NIOAsyncChannel<Connection, Never> {
        // A scrape's head is a few hundred bytes; these bound what a bad client can make the decoder hold.
        let limits: NIOHTTPDecoderLimitConfiguration = {
            var limits = NIOHTTPDecoderLimitConfiguration()
            limits.maxHeaderFieldSize = 8 * 1024
            limits.maxHeaderListSize = 32 * 1024
            limits.maxHeaderFieldCount = 100
            return limits
        }()
        let idleTimeout = TimeAmount.nanoseconds(self.idleTimeout.saturatingNanoseconds)
        return try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idleTimeout))
                    try channel.pipeline.syncOperations.addHandler(CloseWhenIdle())
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withPipeliningAssistance: true,
                        withErrorHandling: true,
                        withOutboundHeaderValidation: true,
                        withEncoderConfiguration: .init(),
                        withDecoderLimitConfiguration: limits
                    )
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                        wrappingChannelSynchronously: channel)
                }
            }
    }

    private func serve(_ server: NIOAsyncChannel<Connection, Never>) async throws {
        let active = ConnectionCount()
        let maximumConnections = maximumConnections
        try await server.executeThenClose { connections in
            try await withThrowingDiscardingTaskGroup { group in
                for try await connection in connections {
                    guard active.increment(limit: maximumConnections) else {
                        connection.channel.close(promise: nil)
                        continue
                    }
                    group.addTask {
                        defer { active.decrement() }
                        await self.handle(connection)
                    }
                }
            }
        }
    }

    /// Answers the requests of one connection, in order, until the client closes it, asks to, or breaks the protocol.
    private func handle(_ connection: Connection) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var request: HTTPRequestHead?
                for try await part in inbound {
                    switch part {
                    case .head(let head):
                        request = head
                    case .body:
                        // A scrape has no body; one is read and dropped, never kept.
                        continue
                    case .end:
                        guard let head = request else { continue }
                        request = nil
                        let keepAlive = head.isKeepAlive
                        try await respond(to: head, keepAlive: keepAlive, outbound)
                        if !keepAlive { return }
                    }
                }
            }
        } catch {
            // A client that goes away mid-response, or a connection closed at shutdown, is nothing to report.
            logger.trace("Prometheus connection closed", metadata: ["error": "\(error)"])
        }
    }

    private func respond(
        to head: HTTPRequestHead, keepAlive: Bool,
        _ outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws {
        let status: HTTPResponseStatus
        var contentType = "text/plain; charset=utf-8"
        var body: String
        var headers = HTTPHeaders()
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        if path != Self.path {
            status = .notFound
            body = "Not found; metrics are at \(Self.path)\n"
        } else if head.method != .GET, head.method != .HEAD {
            status = .methodNotAllowed
            headers.add(name: "Allow", value: "GET, HEAD")
            body = "Method not allowed\n"
        } else {
            // A client may split Accept over several header lines; together they are one list.
            let accept = head.headers["Accept"]
            let page = exporter.render(accept: accept.isEmpty ? nil : accept.joined(separator: ","))
            status = .ok
            contentType = page.contentType
            body = page.body
        }
        var buffer = ByteBuffer()
        buffer.writeString(body)
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(buffer.readableBytes))
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        let response = HTTPResponseHead(version: head.version, status: status, headers: headers)
        try await outbound.write(.head(response))
        if head.method != .HEAD {
            try await outbound.write(.body(.byteBuffer(buffer)))
        }
        try await outbound.write(.end(nil))
    }
}

/// Counts open connections against the server's maximum.
private final class ConnectionCount: Sendable {
    private let value = Atomic<Int>(0)

    /// Takes a place if one is free.
    func increment(limit: Int) -> Bool {
        let (_, now) = value.add(1, ordering: .relaxed)
        if now > limit {
            value.subtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func decrement() {
        value.subtract(1, ordering: .relaxed)
    }
}

/// Closes a connection on which nothing was read for the idle timeout.
private final class CloseWhenIdle: ChannelInboundHandler {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
