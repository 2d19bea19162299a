import Foundation
import GRDB
import Telemetry
import TelemetryGRDB
import Testing
import Tracing

@Suite("SQLite through GRDB: a client span per statement of a traced access, and db.client.operation.duration")
struct SQLiteTests {
    let recorded = Recorded()
    let secret = "hunter2-do-not-record"

    /// Runs `body` with a queue on a new database file in a temporary directory, deleted afterwards.
    func withDatabase<T>(_ body: (DatabaseQueue, GRDBTelemetry, String) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("grdb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("test.sqlite").path
        var configuration = Configuration()
        GRDBTelemetry.install(in: &configuration)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        let telemetry = GRDBTelemetry(
            namespace: "test.sqlite", tracerProvider: recorded.tracerProvider, meterProvider: recorded.meterProvider)
        let result = try await body(queue, telemetry, path)
        try queue.close()
        return result
    }

    @Test("CREATE, INSERT, SELECT with arguments: names, attributes, SQL without the arguments, the active parent")
    func statements() async throws {
        let secret = self.secret
        let (parent, (_, names)) = try await recorded.inParent {
            try await withDatabase { queue, telemetry, path in
                try await queue.tracedWrite(telemetry) { db in
                    try db.execute(sql: "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, secret TEXT UNIQUE)")
                    try db.execute(sql: "INSERT INTO users (name, secret) VALUES (?, ?)", arguments: ["ada", secret])
                }
                let names = try await queue.tracedRead(telemetry) { db in
                    try String.fetchAll(db, sql: "SELECT name FROM users WHERE secret = :secret", arguments: ["secret": secret])
                }
                return (path, names)
            }
        }
        #expect(names == ["ada"])
        let spans = recorded.clientSpans
        #expect(spans.map(\.name) == ["BEGIN test.sqlite", "CREATE users", "INSERT users", "COMMIT test.sqlite", "SELECT users"])
        for span in spans {
            #expect(span.spanContext.traceID == parent.traceID)
            #expect(span.parentSpanID == parent.spanID)
            #expect(span.string("db.system.name") == "sqlite")
            #expect(span.string("db.namespace") == "test.sqlite")
            #expect(span.status?.code != .error)
            #expect(span.startTime <= span.endTime)
            #expect(!allText(span).contains(secret), "\(allText(span))")
        }
        let insert = try #require(spans.first { $0.name == "INSERT users" })
        #expect(insert.string("db.operation.name") == "INSERT")
        #expect(insert.string("db.collection.name") == "users")
        #expect(insert.string("db.query.text") == "INSERT INTO users (name, secret) VALUES (?, ?)")
        let select = try #require(spans.first { $0.name == "SELECT users" })
        #expect(select.string("db.query.text") == "SELECT name FROM users WHERE secret = :secret")

        let points = try recorded.durationPoints()
        let selectPoint = try #require(points.first { $0.attributes["db.operation.name"] == .string("SELECT") })
        #expect(selectPoint.count == 1)
        #expect(selectPoint.attributes["db.system.name"] == .string("sqlite"))
        #expect(selectPoint.attributes["db.collection.name"] == .string("users"))
        #expect(selectPoint.attributes["db.namespace"] == .string("test.sqlite"))
        #expect(selectPoint.attributes["error.type"] == nil)
        #expect(points.reduce(0) { $0 + $1.count } == 5)
    }

    @Test("a constraint violation: error status, error.type and status code, an exception event without the value")
    func constraintViolation() async throws {
        let secret = self.secret
        let (parent, thrown) = try await recorded.inParent {
            try await withDatabase { queue, telemetry, _ in
                try await queue.tracedWrite(telemetry) { db in
                    try db.execute(sql: "CREATE TABLE users (secret TEXT UNIQUE)")
                    try db.execute(sql: "INSERT INTO users (secret) VALUES (?)", arguments: [secret])
                }
                do {
                    try await queue.tracedWrite(telemetry) { db in
                        try db.execute(sql: "INSERT INTO users (secret) VALUES (?)", arguments: [secret])
                    }
                    return nil as DatabaseError?
                } catch let error as DatabaseError {
                    return error
                }
            }
        }
        let error = try #require(thrown)
        #expect(error.resultCode == .SQLITE_CONSTRAINT)
        let inserts = recorded.clientSpans.filter { $0.name == "INSERT users" }
        #expect(inserts.count == 2)
        let failed = try #require(inserts.last)
        #expect(inserts.first?.status?.code != .error)
        #expect(failed.parentSpanID == parent.spanID)
        #expect(failed.status?.code == .error)
        #expect(failed.string("error.type") == "19")
        #expect(failed.string("db.response.status_code") == "19")
        let exception = try #require(failed.events.first { $0.name == "exception" })
        #expect(exception.attributes["exception.message"]?.toSpanAttribute() == .string("UNIQUE constraint failed: users.secret"))
        #expect(exception.attributes["exception.type"]?.toSpanAttribute() == .string("GRDB.DatabaseError"))
        for span in recorded.clientSpans {
            #expect(!allText(span).contains(secret), "\(allText(span))")
        }
        // The failed transaction is rolled back, and that is traced as well.
        #expect(recorded.clientSpans.last?.name == "ROLLBACK test.sqlite")
        let points = try recorded.durationPoints()
        let failedPoint = try #require(points.first { $0.attributes["error.type"] == .string("19") })
        #expect(failedPoint.count == 1)
        #expect(failedPoint.attributes["db.operation.name"] == .string("INSERT"))
    }

    @Test("a syntax error, which SQLite never runs: a span of its own, with the error")
    func syntaxError() async throws {
        let (parent, failedToRun) = try await recorded.inParent {
            try await withDatabase { queue, telemetry, _ in
                do {
                    _ = try await queue.tracedRead(telemetry) { db in
                        try Row.fetchAll(db, sql: "SELEC name FROM nowhere").count
                    }
                    return false
                } catch is DatabaseError {
                    return true
                }
            }
        }
        #expect(failedToRun)
        let span = try #require(recorded.clientSpans.first)
        #expect(recorded.clientSpans.count == 1)
        #expect(span.name == "SELEC test.sqlite")
        #expect(span.parentSpanID == parent.spanID)
        #expect(span.status?.code == .error)
        #expect(span.string("error.type") == "1")
        #expect(span.events.contains { $0.name == "exception" })
    }

    @Test("accesses that are not traced record nothing, rather than spans without their parent")
    func untraced() async throws {
        try await withDatabase { queue, _, _ in
            try await queue.write { db in try db.execute(sql: "CREATE TABLE t (x INTEGER)") }
        }
        #expect(recorded.clientSpans.isEmpty)
    }
}
