import AsyncHTTPClient
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Tracing
import Telemetry
import TelemetryAsyncHTTPClient
import TelemetryHummingbird

/// Runs the outer service: a Hummingbird server on 127.0.0.1 (an ephemeral port) with `TelemetryMiddleware` tracing
/// to `tracerProvider`, whose route `GET /orders/:name` asks the backend on `backendPort` over an AsyncHTTPClient
/// set up with `enableTelemetry(tracerProvider:)`. `body` gets the server's port; the server is shut down
/// gracefully (so every span of a request it served has ended) and the client shut down before this returns.
/// `observe` sees the service context each request is handled in.
func withFrontend<T: Sendable>(
    backendPort: Int, tracerProvider: TracerProvider, logger: Logger,
    observe: @escaping @Sendable (ServiceContext) -> Void = { _ in }, _ body: (Int) async throws -> T
) async throws -> T {
    var configuration = HTTPClient.Configuration()
    configuration.httpVersion = .http1Only
    configuration.enableTelemetry(tracerProvider: tracerProvider, stability: .stable)
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)

    let router = Router()
    router.add(middleware: TelemetryMiddleware(tracerProvider: tracerProvider, stability: .stable))
    router.get("orders/:name") { _, context -> String in
        let name = try context.parameters.require("name")
        observe(ServiceContext.current ?? .topLevel)
        let response = try await client.execute(
            HTTPClientRequest(url: "http://127.0.0.1:\(backendPort)/orders/\(name)"), timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else { throw HTTPError(.badGateway, message: String(buffer: body)) }
        return String(buffer: body)
    }
    let (ports, portReady) = AsyncStream<Int>.makeStream()
    let app = Application(
        router: router,
        configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in portReady.yield(channel.localAddress?.port ?? 0) },
        logger: logger
    )
    let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
    let server = Task { try await group.run() }
    let result: Result<T, any Error>
    do {
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            throw EndToEndFailure("the Hummingbird server did not report a port")
        }
        result = .success(try await body(port))
    } catch {
        result = .failure(error)
    }
    await group.triggerGracefulShutdown()
    let stopped = await server.result
    try await client.shutdown()
    try stopped.get()
    return try result.get()
}
