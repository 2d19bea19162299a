import AsyncHTTPClient
import Synchronization
import Telemetry
import Tracing


/// Runs `body` with a client made from `configuration`, and shuts the client down afterwards, whatever happens.
func withHTTPClient<T>(
    _ configuration: HTTPClient.Configuration, _ body: (HTTPClient) async throws -> T
) async throws -> T {
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    do {
        let result = try await body(client)
        try await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}

/// Runs `body` against a fresh recording server, and stops the server afterwards.
func withServer<T>(_ body: (RecordingHTTPServer) async throws -> T) async throws -> T {
    let server = try await RecordingHTTPServer.start()
    do {
        let result = try await body(server)
        try await server.stop()
        return result
    } catch {
        try? await server.stop()
        throw error
    }
}

extension HTTPClient.Configuration {
    /// A client that fails a refused connection at once instead of retrying until its deadline.
    static func test() -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        return configuration
    }
}

/// The W3C `traceparent` header that names `context` as the parent.
func traceparent(_ context: SpanContext) -> String {
    let flags = String(context.traceFlags.rawValue, radix: 16)
    return "00-\(context.traceID.hexString)-\(context.spanID.hexString)-\(flags.count == 1 ? "0" + flags : flags)"
}
