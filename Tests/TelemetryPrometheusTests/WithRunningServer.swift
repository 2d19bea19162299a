import Foundation
@testable import PrometheusTestSupport
import ServiceLifecycle
import TelemetryPrometheus

/// Runs `server` for the length of `body`, handing it the port, then shuts it down and waits for it to stop.
func withRunningServer<T: Sendable>(
    _ server: PrometheusHTTPServer, _ body: (Int) async throws -> T
) async throws -> T {
    let (ports, portReady) = AsyncStream<Int>.makeStream()
    let task = Task { try await server.run(onListening: { portReady.yield($0) }) }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next() else {
        try await task.value
        throw RawHTTP.Failure(description: "the server did not start")
    }
    do {
        let result = try await body(port)
        server.shutdown()
        try await task.value
        return result
    } catch {
        server.shutdown()
        _ = try? await task.value
        throw error
    }
}
