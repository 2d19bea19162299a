import PostgresNIO
import Telemetry
import TelemetryDatabase
import Tracing

/// Traces PostgresNIO queries and records `db.client.operation.duration`, following the database semantic
/// conventions. PostgresNIO has no tracing of its own, so queries run through ``PostgresNIO/PostgresClient/query(_:telemetry:logger:file:line:)``
/// (or the same on `PostgresConnection`) get a client span each.
///
/// It holds what the conventions record about the server (`server.address`, `server.port`, `db.namespace`), taken
/// from the client's configuration, because PostgresNIO does not expose a client's configuration once it is made.
///
/// ```swift
/// let telemetry = PostgresTelemetry(configuration: configuration, tracerProvider: tracerProvider, meterProvider: meterProvider)
/// let rows = try await client.query("SELECT name FROM users WHERE id = \(id)", telemetry: telemetry)
/// ```
public struct PostgresTelemetry: Sendable {
    /// The instrumentation scope name of this module's tracer and meter.
    public static let scopeName = "TelemetryPostgres"

    /// The tracer of the provider given at set-up, if one was.
    private let providedTracer: TelemetryTracer?
    private let installedTracer = InstalledTracer(scopeName: PostgresTelemetry.scopeName)
    /// The spans' tracer: the given provider's, or else the one installed in `InstrumentationSystem` when the
    /// statement runs, so that a set-up made before `TelemetrySystem.bootstrap` is traced too.
    var tracer: any Tracer {
        if let providedTracer { return providedTracer }
        return installedTracer.tracer
    }
    let metrics: DatabaseClientMetrics?
    /// `db.namespace`: the database name.
    public let namespace: String?
    /// `server.address`: the server's host, or its Unix socket path.
    public let serverAddress: String?
    /// `server.port`: the server's port, when connected over TCP.
    public let serverPort: Int?

    /// Traces queries to the server `configuration` describes.
    ///
    /// - Parameters:
    ///   - configuration: The configuration the `PostgresClient` was made with.
    ///   - tracerProvider: The provider of the spans. With `nil`, the tracer installed in `InstrumentationSystem`
    ///     (which `TelemetrySystem.bootstrap` installs) is used, with this module's instrumentation scope when it is our
    ///     provider.
    ///   - meterProvider: Where `db.client.operation.duration` is recorded; `nil` records no metric.
    public init(
        configuration: PostgresClient.Configuration, tracerProvider: TracerProvider? = nil,
        meterProvider: MeterProvider? = nil
    ) {
        self.init(
            serverAddress: configuration.host ?? configuration.unixSocketPath, serverPort: configuration.port,
            database: configuration.database ?? configuration.username, tracerProvider: tracerProvider,
            meterProvider: meterProvider)
    }

    /// Traces queries to a server described piece by piece, for connections made without a `PostgresClient`.
    ///
    /// - Parameters:
    ///   - serverAddress: `server.address`.
    ///   - serverPort: `server.port`.
    ///   - database: `db.namespace`; PostgreSQL uses the user name when a connection names no database.
    ///   - tracerProvider: The provider of the spans. With `nil`, the tracer installed in `InstrumentationSystem`
    ///     (which `TelemetrySystem.bootstrap` installs) is used, with this module's instrumentation scope when it is our
    ///     provider.
    ///   - meterProvider: Where `db.client.operation.duration` is recorded; `nil` records no metric.
    public init(
        serverAddress: String?, serverPort: Int?, database: String?, tracerProvider: TracerProvider? = nil,
        meterProvider: MeterProvider? = nil
    ) {
        self.providedTracer = tracerProvider?.tracer(name: Self.scopeName)
        self.metrics = meterProvider.map { DatabaseClientMetrics(meter: $0.meter(name: Self.scopeName)) }
        self.namespace = database
        self.serverAddress = serverAddress
        self.serverPort = serverPort
    }

    /// What the conventions record about `query`: its SQL, whose `$1` placeholders stand for the bindings, which are
    /// never read.
    public func info(for query: PostgresQuery) -> DatabaseQueryInfo {
        DatabaseQueryInfo(
            sql: query.sql, system: "postgresql", namespace: namespace, serverAddress: serverAddress,
            serverPort: serverPort)
    }

    /// Runs `body`, which sends `query`, in a client span.
    func traced<Result>(_ query: PostgresQuery, _ body: () async throws -> Result) async throws -> Result {
        try await withDatabaseClientSpan(info(for: query), tracer: tracer, metrics: metrics, failure: Self.failure, body)
    }

    /// A failure in the conventions' terms: the server's SQLSTATE when it answered with an error.
    ///
    /// The message is the server's primary message, which names what failed but, unlike its detail, holds no values;
    /// PostgresNIO's own description is a fixed text that tells nothing.
    static func failure(_ error: any Error) -> DatabaseFailure {
        guard let error = error as? PSQLError else {
            return DatabaseFailure(
                statusCode: nil, exceptionType: String(reflecting: type(of: error)),
                exceptionMessage: String(describing: error))
        }
        let message = error.serverInfo?[.message] ?? "PSQLError \(error.code)"
        return DatabaseFailure(
            statusCode: error.serverInfo?[.sqlState], exceptionType: String(reflecting: PSQLError.self),
            exceptionMessage: message)
    }
}

extension PostgresClient {
    /// Runs `query` like `query(_:logger:file:line:)`, in a client span that follows the database conventions, and
    /// records `db.client.operation.duration`.
    ///
    /// The span is a child of the active span. It lasts until the server has answered the query, the moment
    /// PostgresNIO returns the rows; reading the returned rows is not part of it.
    ///
    /// - Parameters:
    ///   - query: The query; its interpolated values are bindings, recorded only as `$1` placeholders.
    ///   - telemetry: Where and how to trace.
    ///   - logger: The logger for the query.
    ///   - file: The file the query is run from, for PostgresNIO's errors.
    ///   - line: The line the query is run from, for PostgresNIO's errors.
    /// - Returns: The rows the server sent.
    @discardableResult
    public func query(
        _ query: PostgresQuery, telemetry: PostgresTelemetry, logger: Logger? = nil, file: String = #fileID,
        line: Int = #line
    ) async throws -> PostgresRowSequence {
        try await telemetry.traced(query) {
            try await self.query(query, logger: logger, file: file, line: line)
        }
    }
}

extension PostgresConnection {
    /// Runs `query` like `query(_:logger:file:line:)`, in a client span that follows the database conventions, and
    /// records `db.client.operation.duration`.
    ///
    /// The span is a child of the active span and lasts until the server has answered; reading the returned rows is
    /// not part of it.
    ///
    /// - Parameters:
    ///   - query: The query; its interpolated values are bindings, recorded only as `$1` placeholders.
    ///   - telemetry: Where and how to trace.
    ///   - logger: The logger for the query.
    ///   - file: The file the query is run from, for PostgresNIO's errors.
    ///   - line: The line the query is run from, for PostgresNIO's errors.
    /// - Returns: The rows the server sent.
    @discardableResult
    public func query(
        _ query: PostgresQuery, telemetry: PostgresTelemetry, logger: Logger, file: String = #fileID,
        line: Int = #line
    ) async throws -> PostgresRowSequence {
        try await telemetry.traced(query) {
            try await self.query(query, logger: logger, file: file, line: line)
        }
    }
}
