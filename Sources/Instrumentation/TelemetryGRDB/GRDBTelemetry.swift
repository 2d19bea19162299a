import GRDB
import Synchronization
import Telemetry
import TelemetryDatabase
import Tracing

/// Traces the SQL statements GRDB runs on SQLite, a client span each, and records `db.client.operation.duration`,
/// following the database semantic conventions.
///
/// GRDB reports each statement it has run through `Database.trace(options: .profile)`, with its SQL (placeholders,
/// never the arguments) and duration, on the thread of its own serial queue. That thread knows nothing of the task
/// that asked for the access, so a statement's parent cannot be read there. The spans are therefore recorded for the
/// statements of accesses made with ``GRDB/DatabaseReader/tracedRead(_:_:)`` and
/// ``GRDB/DatabaseWriter/tracedWrite(_:_:)``, which carry the caller's context (and so its active span) into the
/// access; statements of other accesses are not traced, rather than recorded as roots of traces of their own.
///
/// ```swift
/// var configuration = Configuration()
/// GRDBTelemetry.install(in: &configuration)
/// let queue = try DatabaseQueue(path: path, configuration: configuration)
/// let telemetry = GRDBTelemetry(namespace: "app.sqlite", tracerProvider: tracerProvider, meterProvider: meterProvider)
/// let count = try await queue.tracedRead(telemetry) { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM users") }
/// ```
public struct GRDBTelemetry: Sendable {
    /// The instrumentation scope name of this module's tracer and meter.
    public static let scopeName = "TelemetryGRDB"

    /// The tracer of the provider given at set-up, if one was.
    private let providedTracer: TelemetryTracer?
    private let installedTracer = InstalledTracer(scopeName: GRDBTelemetry.scopeName)
    /// The spans' tracer: the given provider's, or else the one installed in `InstrumentationSystem` when the
    /// statement runs, so that a set-up made before `TelemetrySystem.bootstrap` is traced too.
    var tracer: any Tracer {
        if let providedTracer { return providedTracer }
        return installedTracer.tracer
    }
    let metrics: DatabaseClientMetrics?
    /// `db.namespace`: a name for the database.
    public let namespace: String?

    /// Traces the statements of a database.
    ///
    /// - Parameters:
    ///   - namespace: A name for the database, such as its file's name, recorded as `db.namespace` (and, for
    ///     statements that name no table, in the span name); `nil` records none.
    ///   - tracerProvider: The provider of the spans. With `nil`, the tracer installed in `InstrumentationSystem`
    ///     (which `TelemetrySystem.bootstrap` installs) is used, with this module's instrumentation scope when it is our
    ///     provider.
    ///   - meterProvider: Where `db.client.operation.duration` is recorded; `nil` records no metric.
    public init(namespace: String?, tracerProvider: TracerProvider? = nil, meterProvider: MeterProvider? = nil) {
        self.providedTracer = tracerProvider?.tracer(name: Self.scopeName)
        self.metrics = meterProvider.map { DatabaseClientMetrics(meter: $0.meter(name: Self.scopeName)) }
        self.namespace = namespace
    }

    /// Makes every connection `configuration` opens report the statements of traced accesses.
    ///
    /// It adds to `configuration.prepareDatabase`, keeping what is already there.
    public static func install(in configuration: inout Configuration) {
        configuration.prepareDatabase { db in
            install(in: db)
        }
    }

    /// Makes the connection `db` report the statements of traced accesses, for a connection set up by hand in
    /// `prepareDatabase`. It replaces any other trace function of the connection, as GRDB keeps one.
    public static func install(in db: Database) {
        db.trace(options: .profile) { event in
            // Runs on GRDB's queue, while the statement's access runs; the access put its recorder in the context.
            guard case .profile(let statement, let duration) = event,
                let access = ServiceContext.current?[TracedAccessKey.self]
            else { return }
            access.statementEnded(sql: statement.sql, duration: duration)
        }
    }

    func info(sql: String) -> DatabaseQueryInfo {
        DatabaseQueryInfo(sql: sql, system: "sqlite", namespace: namespace)
    }

    /// A GRDB error in the conventions' terms: SQLite's primary result code, and its message, which names what failed
    /// (`UNIQUE constraint failed: users.email`) but, unlike the error's description, never the arguments.
    static func failure(_ error: DatabaseError) -> DatabaseFailure {
        let code = String(error.resultCode.rawValue)
        return DatabaseFailure(
            statusCode: code, exceptionType: String(reflecting: DatabaseError.self),
            exceptionMessage: error.message ?? "SQLite error \(code)")
    }
}

private enum TracedAccessKey: ServiceContextKey {
    typealias Value = TracedAccess
}

/// The statements of one traced access, recorded as they end.
///
/// The last few statements' spans are held back until the access ends: only then is it known whether the error the
/// access throws, if any, is one of theirs. A failing statement may be followed by others before the error leaves
/// the access, such as the `ROLLBACK` of a failed transaction.
final class TracedAccess: Sendable {
    struct Statement {
        var sql: String
        var start: UInt64
        var end: UInt64
    }

    let parent: ServiceContext
    let telemetry: GRDBTelemetry
    /// The most statements held back; older ones are recorded as they are pushed out.
    static let heldBack = 8
    private let pending = Mutex<[Statement]>([])

    init(parent: ServiceContext, telemetry: GRDBTelemetry) {
        self.parent = parent
        self.telemetry = telemetry
    }

    func statementEnded(sql: String, duration: Double) {
        let end = DatabaseInstant.now.nanosecondsSinceEpoch
        let nanoseconds = UInt64(max(0, duration) * 1e9)
        let statement = Statement(
            sql: sql, start: end > nanoseconds ? end - nanoseconds : 0, end: end)
        let pushedOut = pending.withLock { pending -> Statement? in
            pending.append(statement)
            return pending.count > Self.heldBack ? pending.removeFirst() : nil
        }
        if let pushedOut { record(pushedOut, failure: nil) }
    }

    /// Ends the access: the held statements succeeded, but for the last one whose SQL is that of the database error
    /// the access throws, if any. A database error for no statement that ran (one that could not be prepared, such as
    /// a syntax error) gets a span of its own.
    func finish(error: (any Error)?) {
        let held = pending.withLock { pending in
            defer { pending = [] }
            return pending
        }
        let error = error as? DatabaseError
        let failed = error?.sql.flatMap { sql in held.lastIndex { Self.sameStatement($0.sql, sql) } }
        for (index, statement) in held.enumerated() {
            record(statement, failure: index == failed ? error : nil)
        }
        guard let error, failed == nil else { return }
        let now = DatabaseInstant.now.nanosecondsSinceEpoch
        record(Statement(sql: error.sql ?? "", start: now, end: now), failure: error)
    }

    private static func sameStatement(_ lhs: String, _ rhs: String) -> Bool {
        let ignored: (Character) -> Bool = { $0.isWhitespace || $0 == ";" }
        return lhs.drop(while: ignored).reversed().drop(while: ignored).elementsEqual(
            rhs.drop(while: ignored).reversed().drop(while: ignored))
    }

    private func record(_ statement: Statement, failure error: DatabaseError?) {
        let info = telemetry.info(sql: statement.sql)
        let failure = error.map(GRDBTelemetry.failure)
        let span = telemetry.tracer.startSpan(
            info.spanName, context: parent, ofKind: .client, at: DatabaseInstant(nanosecondsSinceEpoch: statement.start))
        span.attributes = info.spanAttributes
        failure?.record(on: span, at: statement.end)
        span.end(at: DatabaseInstant(nanosecondsSinceEpoch: statement.end))
        telemetry.metrics?.record(
            info, failure: failure, seconds: Double(statement.end - statement.start) / 1e9)
    }
}

extension DatabaseReader {
    /// Reads like `read(_:)`, with the statements traced as children of the caller's active span.
    ///
    /// The connection must report its statements: see ``GRDBTelemetry/install(in:)-(Configuration)``.
    ///
    /// - Parameters:
    ///   - telemetry: Where and how to trace.
    ///   - value: A closure which reads from the database.
    /// - Returns: What `value` returns.
    public func tracedRead<T: Sendable>(
        _ telemetry: GRDBTelemetry, _ value: @Sendable (Database) throws -> T
    ) async throws -> T {
        let access = TracedAccess(parent: ServiceContext.current ?? .topLevel, telemetry: telemetry)
        return try await read { db in try access.run(db, value) }
    }
}

extension DatabaseWriter {
    /// Writes in a transaction like `write(_:)`, with the statements traced as children of the caller's active span,
    /// the transaction's `BEGIN` and `COMMIT` included.
    ///
    /// The connection must report its statements: see ``GRDBTelemetry/install(in:)-(Configuration)``.
    ///
    /// - Parameters:
    ///   - telemetry: Where and how to trace.
    ///   - updates: A closure which writes to the database.
    /// - Returns: What `updates` returns.
    public func tracedWrite<T: Sendable>(
        _ telemetry: GRDBTelemetry, _ updates: @Sendable (Database) throws -> T
    ) async throws -> T {
        let access = TracedAccess(parent: ServiceContext.current ?? .topLevel, telemetry: telemetry)
        // The transaction is opened inside the traced part, so its BEGIN and COMMIT, and a failing COMMIT, are seen.
        return try await writeWithoutTransaction { db in
            try access.run(db) { db in
                var result: T?
                try db.inTransaction {
                    result = try updates(db)
                    return .commit
                }
                guard let result else { throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "no transaction result") }
                return result
            }
        }
    }
}

extension TracedAccess {
    /// Runs `body` on GRDB's queue with the context that lets the trace callback find this access.
    func run<T>(_ db: Database, _ body: (Database) throws -> T) throws -> T {
        var context = parent
        context[TracedAccessKey.self] = self
        return try ServiceContext.withValue(context) {
            do {
                let result = try body(db)
                finish(error: nil)
                return result
            } catch {
                finish(error: error)
                throw error
            }
        }
    }
}
