import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import Telemetry
import TelemetryOTLP
import Testing
@testable import PostgresTestSupport
import TelemetryTesting

@Suite("End to end: Hummingbird → AsyncHTTPClient → Vapor → gRPC → PostgreSQL", .serialized)
struct EndToEndTests {
    let logger = Logger(label: "EndToEndTests")

    @Test(
        "one request gives one trace with the right parents, kinds and names, read back through opentelemetry-proto",
        .timeLimit(.minutes(3)))
    func oneTrace() async throws {
        try #require(PostgresServerProcess.isInstalled, Comment(rawValue: PostgresServerProcess.missing))
        // Three services, each with its own provider and resource, as three processes would have; one processor
        // collects what all of them end. Spans cross between them only through the propagated headers and metadata.
        let processor = CollectingSpanProcessor()
        let frontend = TracerProvider(
            resource: Resource(attributes: ["service.name": "frontend"]), sampler: AlwaysOnSampler(),
            processors: [processor])
        let backend = TracerProvider(
            resource: Resource(attributes: ["service.name": "backend"]), sampler: AlwaysOnSampler(),
            processors: [processor])
        let orders = TracerProvider(
            resource: Resource(attributes: ["service.name": "orders"]), sampler: AlwaysOnSampler(),
            processors: [processor])

        let database = try PostgresServerProcess()
        defer { database.stop() }
        let ready = try await database.waitUntilReady(logger: logger)
        try #require(ready, "PostgreSQL did not accept connections: \(database.log)")

        let logger = self.logger
        let answer = try await withOrdersServer(postgresPort: database.port, tracerProvider: orders, logger: logger) {
            grpcPort in
            try await withOrdersClient(port: grpcPort, tracerProvider: backend) { grpcClient in
                try await withBackend(orders: grpcClient, tracerProvider: backend) { vaporPort in
                    try await withFrontend(backendPort: vaporPort, tracerProvider: frontend, logger: logger) {
                        hummingbirdPort in
                        try await request("http://127.0.0.1:\(hummingbirdPort)/orders/postgres")
                    }
                }
            }
        }
        // The answer went the whole way: PostgreSQL found its own database through every hop.
        #expect(answer.status == 200)
        #expect(answer.body == "postgres")

        // Every server has shut down, so every span has ended. Export them as the OTLP exporter would, and read
        // them back with the official protocol definitions.
        let bytes = OTLPTraceEncoder.protobuf(processor.spans)
        try #require(!bytes.isEmpty)
        let (spans, officialBytes) = try OTLPDecodePeer.decodeTraces(bytes)
        // The official serialization of what was decoded is our bytes: nothing was written in a way the decoder
        // merely tolerates.
        #expect(officialBytes == bytes.hexString)

        #expect(spans.count == 6, "\(spans)")
        #expect(Set(spans.map(\.traceID)).count == 1, "more than one trace: \(spans)")
        #expect(spans.allSatisfy { $0.traceID.count == 32 && $0.traceID != String(repeating: "0", count: 32) })

        // The parent chain, from the root down: each span is the only child of the one before.
        let expected: [(service: String, scope: String, kind: String, name: String)] = [
            ("frontend", "TelemetryHummingbird", "SPAN_KIND_SERVER", "GET /orders/{name}"),
            ("frontend", "TelemetryAsyncHTTPClient", "SPAN_KIND_CLIENT", "GET"),
            ("backend", "TelemetryVapor", "SPAN_KIND_SERVER", "GET /orders/:name"),
            ("backend", "TelemetryGRPC", "SPAN_KIND_CLIENT", "shop.Orders/Lookup"),
            ("orders", "TelemetryGRPC", "SPAN_KIND_SERVER", "shop.Orders/Lookup"),
            ("orders", "TelemetryPostgres", "SPAN_KIND_CLIENT", "SELECT pg_database"),
        ]
        let roots = spans.filter { $0.parentSpanID.isEmpty }
        try #require(roots.count == 1, "roots: \(roots) of \(spans)")
        var chain = [roots[0]]
        for _ in spans {
            let parent = chain[chain.count - 1]
            let children = spans.filter { $0.parentSpanID == parent.spanID }
            if children.isEmpty { break }
            try #require(children.count == 1, "\(parent) has children \(children)")
            chain.append(children[0])
        }
        #expect(chain.count == spans.count, "not every span is on the chain: \(chain) of \(spans)")
        #expect(chain.count == expected.count, "\(chain)")
        for (span, expectation) in zip(chain, expected) {
            #expect(span.service == expectation.service, "\(span)")
            #expect(span.scope == expectation.scope, "\(span)")
            #expect(span.kind == expectation.kind, "\(span)")
            #expect(span.name == expectation.name, "\(span)")
        }
        // Each child runs within its parent's time.
        for (parent, child) in zip(chain, chain.dropFirst()) {
            #expect(parent.start <= child.start && child.end <= parent.end, "\(child) outside \(parent)")
        }
        withExtendedLifetime((frontend, backend, orders)) {}
    }

    /// A GET from outside any service: an untraced client, so the Hummingbird server span is the trace's root.
    func request(_ url: String) async throws -> (status: UInt, body: String) {
        var configuration = HTTPClient.Configuration()
        configuration.tracing.tracer = nil
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(60))
            let body = try await response.body.collect(upTo: 1 << 20)
            try await client.shutdown()
            return (response.status.code, String(buffer: body))
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
