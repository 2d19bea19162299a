import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import PostgresNIO
import Telemetry
import TelemetryGRPC
import TelemetryPostgres

/// Strings as UTF-8 bytes: enough of a message format for a hand-written service, without code generation.
struct StringCoder: MessageSerializer, MessageDeserializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: String) throws -> Bytes {
        Bytes(Array(message.utf8))
    }

    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> String {
        serializedMessageBytes.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }
}

/// The innermost service: `shop.Orders/Lookup` takes a database name and answers with the names PostgreSQL's
/// `pg_database` holds that equal it, found with a query run through `TelemetryPostgres`.
struct OrdersService: RegistrableRPCService {
    static let lookup = MethodDescriptor(fullyQualifiedService: "shop.Orders", method: "Lookup", type: .unary)

    let postgres: PostgresClient
    let telemetry: PostgresTelemetry

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        let postgres = self.postgres
        let telemetry = self.telemetry
        router.registerHandler(
            forMethod: Self.lookup, deserializer: StringCoder(), serializer: StringCoder()
        ) { request, _ in
            let single = try await ServerRequest(stream: request)
            let name = single.message
            let rows = try await postgres.query(
                "SELECT datname FROM pg_database WHERE datname = \(name)", telemetry: telemetry)
            var found: [String] = []
            for try await datname in rows.decode(String.self) { found.append(datname) }
            return StreamingServerResponse(single: ServerResponse(message: found.joined(separator: ",")))
        }
    }
}

/// Runs a PostgreSQL client of the server on `postgresPort` and a gRPC server (grpc-swift-nio-transport's HTTP/2
/// transport, plaintext on 127.0.0.1, an ephemeral port) serving ``OrdersService`` with `TelemetryServerInterceptor`,
/// both tracing to `tracerProvider`. `body` gets the gRPC server's port; the server is shut down gracefully and the
/// client stopped before this returns, so every server span has ended.
func withOrdersServer<T: Sendable>(
    postgresPort: Int, tracerProvider: TracerProvider, logger: Logger, _ body: (Int) async throws -> T
) async throws -> T {
    let configuration = PostgresClient.Configuration(
        host: "127.0.0.1", port: postgresPort, username: "postgres", password: nil, database: "postgres",
        tls: .disable)
    let postgres = PostgresClient(configuration: configuration, backgroundLogger: logger)
    let telemetry = PostgresTelemetry(configuration: configuration, tracerProvider: tracerProvider)
    let transport = HTTP2ServerTransport.Posix(
        address: .ipv4(host: "127.0.0.1", port: 0), transportSecurity: .plaintext)
    let server = GRPCServer(
        transport: transport, services: [OrdersService(postgres: postgres, telemetry: telemetry)],
        interceptors: [TelemetryServerInterceptor(tracerProvider: tracerProvider)])
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await postgres.run() }
        group.addTask { try await server.serve() }
        let result: Result<T, any Error>
        do {
            let address = try await transport.listeningAddress
            guard let port = address.ipv4?.port else { throw EndToEndFailure("gRPC server listens on \(address)") }
            result = .success(try await body(port))
        } catch {
            result = .failure(error)
        }
        server.beginGracefulShutdown()
        // Wait for the gRPC server to finish its calls before stopping the database client they use.
        _ = try? await group.next()
        group.cancelAll()
        try? await group.waitForAll()
        return try result.get()
    }
}

/// Runs a gRPC client over HTTP/2 to 127.0.0.1:`port`, with `TelemetryClientInterceptor` tracing to `tracerProvider`.
func withOrdersClient<T: Sendable>(
    port: Int, tracerProvider: TracerProvider,
    _ body: (GRPCClient<HTTP2ClientTransport.Posix>) async throws -> T
) async throws -> T {
    let transport = try HTTP2ClientTransport.Posix(
        target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext)
    let client = GRPCClient(
        transport: transport,
        interceptors: [
            TelemetryClientInterceptor(tracerProvider: tracerProvider, serverAddress: "127.0.0.1", serverPort: port)
        ])
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await client.runConnections() }
        let result: Result<T, any Error>
        do {
            result = .success(try await body(client))
        } catch {
            result = .failure(error)
        }
        client.beginGracefulShutdown()
        try await group.waitForAll()
        return try result.get()
    }
}

/// Looks `name` up through `client`.
func lookUp(_ name: String, with client: GRPCClient<HTTP2ClientTransport.Posix>) async throws -> String {
    try await client.unary(
        request: ClientRequest(message: name), descriptor: OrdersService.lookup, serializer: StringCoder(),
        deserializer: StringCoder(), options: .defaults
    ) { try $0.message }
}

struct EndToEndFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
