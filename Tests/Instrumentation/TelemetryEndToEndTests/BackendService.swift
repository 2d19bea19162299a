import GRPCCore
import GRPCNIOTransportHTTP2
import Telemetry
import TelemetryVapor
import Vapor

// Vapor and Hummingbird both name types `Application`, `Request` and `TelemetryMiddleware`, so each server lives in
// its own file, which imports only its framework.

/// Runs the middle service: a Vapor server on 127.0.0.1 (an ephemeral port) with `TelemetryMiddleware` tracing to
/// `tracerProvider`, whose route `GET /orders/:name` asks the gRPC `orders` client. `body` gets the server's port;
/// the server is shut down before this returns.
func withBackend<T: Sendable>(
    orders: GRPCClient<HTTP2ClientTransport.Posix>, tracerProvider: TracerProvider, _ body: (Int) async throws -> T
) async throws -> T {
    let app = try await Application.make(.testing)
    app.http.server.configuration.reportMetrics = false
    app.middleware.use(TelemetryMiddleware(tracerProvider: tracerProvider, stability: .stable))
    app.get("orders", ":name") { request async throws -> String in
        let name = try request.parameters.require("name")
        return try await lookUp(name, with: orders)
    }
    let result: Result<T, any Error>
    do {
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        guard let port = app.http.server.shared.localAddress?.port else {
            throw EndToEndFailure("the Vapor server has no local address")
        }
        result = .success(try await body(port))
    } catch {
        result = .failure(error)
    }
    await app.server.shutdown()
    try await app.asyncShutdown()
    return try result.get()
}
