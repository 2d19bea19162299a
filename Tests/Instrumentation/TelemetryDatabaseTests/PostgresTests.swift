import Foundation
import Logging
import PostgresNIO
import Telemetry
import TelemetryPostgres
import Testing
import Tracing
@testable import PostgresTestSupport

@Suite("PostgresNIO against a real PostgreSQL server: client spans and db.client.operation.duration", .serialized)
struct PostgresTests {
    let recorded = Recorded()
    let logger = Logger(label: "PostgresTests")
    let secret = "hunter2-do-not-record"

    /// Runs `body` with a client of a fresh server, and stops both afterwards, whatever happens.
    func withClient<T>(_ body: (PostgresClient, PostgresTelemetry, Int) async throws -> T) async throws -> T {
        try #require(PostgresServerProcess.isInstalled, Comment(rawValue: PostgresServerProcess.missing))
        let server = try PostgresServerProcess()
        defer { server.stop() }
        let ready = try await server.waitUntilReady(logger: logger)
        try #require(ready, "PostgreSQL did not accept connections: \(server.log)")
        let configuration = PostgresClient.Configuration(
            host: "127.0.0.1", port: server.port, username: "postgres", password: nil, database: "postgres",
            tls: .disable)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let telemetry = PostgresTelemetry(
            configuration: configuration, tracerProvider: recorded.tracerProvider, meterProvider: recorded.meterProvider)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client, telemetry, server.port)
        }
    }

    @Test("queries with bindings: names, attributes, $n placeholders and never the values, the active parent, metric")
    func queries() async throws {
        let secret = self.secret
        let (parent, (port, names)) = try await recorded.inParent {
            try await withClient { client, telemetry, port in
                try await client.query(
                    "CREATE TABLE users (id SERIAL PRIMARY KEY, name TEXT, secret TEXT UNIQUE)", telemetry: telemetry)
                try await client.query(
                    "INSERT INTO users (name, secret) VALUES (\("ada"), \(secret))", telemetry: telemetry)
                let rows = try await client.query(
                    "SELECT name FROM users WHERE secret = \(secret)", telemetry: telemetry, logger: logger)
                var names: [String] = []
                for try await name in rows.decode(String.self) { names.append(name) }
                return (port, names)
            }
        }
        #expect(names == ["ada"])
        let spans = recorded.clientSpans
        #expect(spans.map(\.name) == ["CREATE users", "INSERT users", "SELECT users"])
        for span in spans {
            #expect(span.spanContext.traceID == parent.traceID)
            #expect(span.parentSpanID == parent.spanID)
            #expect(span.instrumentationScope.name == "TelemetryPostgres")
            #expect(span.string("db.system.name") == "postgresql")
            #expect(span.string("db.namespace") == "postgres")
            #expect(span.string("server.address") == "127.0.0.1")
            #expect(span.attributes["server.port"]?.toSpanAttribute() == .int64(Int64(port)))
            #expect(span.status?.code != .error)
            #expect(!allText(span).contains(secret), "\(allText(span))")
        }
        let insert = try #require(spans.first { $0.name == "INSERT users" })
        #expect(insert.string("db.operation.name") == "INSERT")
        #expect(insert.string("db.collection.name") == "users")
        #expect(insert.string("db.query.text") == "INSERT INTO users (name, secret) VALUES ($1, $2)")
        let select = try #require(spans.first { $0.name == "SELECT users" })
        #expect(select.string("db.query.text") == "SELECT name FROM users WHERE secret = $1")

        let points = try recorded.durationPoints()
        #expect(points.reduce(0) { $0 + $1.count } == 3)
        let selectPoint = try #require(points.first { $0.attributes["db.operation.name"] == .string("SELECT") })
        #expect(selectPoint.attributes["db.system.name"] == .string("postgresql"))
        #expect(selectPoint.attributes["db.namespace"] == .string("postgres"))
        #expect(selectPoint.attributes["db.collection.name"] == .string("users"))
        #expect(selectPoint.attributes["server.address"] == .string("127.0.0.1"))
        #expect(selectPoint.attributes["server.port"] == .int(Int64(port)))
        #expect(selectPoint.attributes["error.type"] == nil)
    }

    @Test("server errors: SQLSTATE as db.response.status_code and error.type, error status, exception event")
    func errors() async throws {
        let secret = self.secret
        let (parent, codes) = try await recorded.inParent {
            try await withClient { client, telemetry, _ in
                try await client.query("CREATE TABLE keys (secret TEXT UNIQUE)", telemetry: telemetry)
                try await client.query("INSERT INTO keys (secret) VALUES (\(secret))", telemetry: telemetry)
                var codes: [String?] = []
                for query: PostgresQuery in [
                    "INSERT INTO keys (secret) VALUES (\(secret))", "SELECT * FROM missing_table", "SELEC 1",
                ] {
                    do {
                        try await client.query(query, telemetry: telemetry)
                        codes.append(nil)
                    } catch let error as PSQLError {
                        codes.append(error.serverInfo?[.sqlState])
                    }
                }
                return codes
            }
        }
        #expect(codes == ["23505", "42P01", "42601"])
        let failed = recorded.clientSpans.filter { $0.status?.code == .error }
        #expect(failed.map(\.name) == ["INSERT keys", "SELECT missing_table", "SELEC postgres"])
        for (span, code) in zip(failed, codes) {
            #expect(span.parentSpanID == parent.spanID)
            #expect(span.string("db.response.status_code") == code)
            #expect(span.string("error.type") == code)
            let exception = try #require(span.events.first { $0.name == "exception" })
            #expect(exception.attributes["exception.type"]?.toSpanAttribute() == .string("PostgresNIO.PSQLError"))
        }
        // The unique violation's detail names the value; the message recorded does not.
        let duplicate = try #require(failed.first)
        let message = duplicate.events.first?.attributes["exception.message"]?.toSpanAttribute()
        #expect(message == .string("duplicate key value violates unique constraint \"keys_secret_key\""))
        for span in recorded.clientSpans {
            #expect(!allText(span).contains(secret), "\(allText(span))")
        }
        let points = try recorded.durationPoints()
        let missing = try #require(points.first { $0.attributes["error.type"] == .string("42P01") })
        #expect(missing.count == 1)
        #expect(missing.attributes["db.response.status_code"] == .string("42P01"))
        #expect(missing.attributes["db.collection.name"] == .string("missing_table"))
    }

    @Test("a PostgresConnection's queries are traced the same way")
    func connection() async throws {
        try #require(PostgresServerProcess.isInstalled, Comment(rawValue: PostgresServerProcess.missing))
        let server = try PostgresServerProcess()
        defer { server.stop() }
        try #require(try await server.waitUntilReady(logger: logger), "PostgreSQL did not start: \(server.log)")
        let connection = try await PostgresConnection.connect(
            configuration: .init(
                host: "127.0.0.1", port: server.port, username: "postgres", password: nil, database: "postgres",
                tls: .disable),
            id: 1, logger: logger)
        let telemetry = PostgresTelemetry(
            serverAddress: "127.0.0.1", serverPort: server.port, database: "postgres",
            tracerProvider: recorded.tracerProvider)
        do {
            let rows = try await connection.query("SELECT \(42)::int AS answer", telemetry: telemetry, logger: logger)
            var answers: [Int] = []
            for try await answer in rows.decode(Int.self) { answers.append(answer) }
            #expect(answers == [42])
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
        let span = try #require(recorded.clientSpans.first)
        #expect(span.name == "SELECT postgres")
        #expect(span.string("db.query.text") == "SELECT $1::int AS answer")
        #expect(span.parentSpanID == nil)
    }
}
