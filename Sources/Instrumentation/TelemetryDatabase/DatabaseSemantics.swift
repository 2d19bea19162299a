import Telemetry
import Tracing

/// Helpers for the stable database client semantic conventions, shared by the database instrumentations.
///
/// They read what the conventions want to know from a statement's SQL text, on a best-effort basis: the operation is
/// the first keyword, and the collection the single table after `FROM`, `INTO`, `UPDATE` or `TABLE`. When the
/// statement is not that simple (a join, a list of tables, a subquery, a `WITH` clause), the collection is `nil`
/// rather than a guess, as the conventions ask for attributes that are known, not inferred.
/// See the [conventions](https://opentelemetry.io/docs/specs/semconv/database/database-spans/).
public enum DatabaseSemantics {
    /// The first keyword of `sql`, upper-cased, such as `SELECT`, or `nil` when the text starts with no keyword.
    ///
    /// Leading white space and comments are skipped. `WITH` gives `nil`: the operation is the statement after the
    /// common table expressions, which this simple reading does not find.
    public static func operationName(sql: String) -> String? {
        var scanner = SQLScanner(sql)
        guard case .word(let word) = scanner.next() else { return nil }
        let keyword = word.uppercased()
        return keyword == "WITH" ? nil : keyword
    }

    /// The table `sql` works on, when it names exactly one: the name after `FROM` (`SELECT`, `DELETE`), `INTO`
    /// (`INSERT`, `REPLACE`), `UPDATE`, or `TABLE`/`INDEX … ON` (`CREATE`, `DROP`, `ALTER`); `nil` when unsure.
    public static func collectionName(sql: String) -> String? {
        var scanner = SQLScanner(sql)
        var tokens: [SQLScanner.Token] = []
        // Enough tokens for the longest prefix looked at; the rest of a long statement needs no reading.
        while tokens.count < 4096, let token = scanner.next() { tokens.append(token) }
        guard case .word(let first) = tokens.first else { return nil }
        let keywords = tokens.map { token -> String? in
            if case .word(let word) = token { return word.uppercased() }
            return nil
        }
        func name(after index: Int) -> String? {
            var position = index + 1
            // `INSERT OR REPLACE INTO`, `CREATE TABLE IF NOT EXISTS`, `DROP TABLE IF EXISTS`, `UPDATE ONLY`.
            while position < tokens.count, let keyword = keywords[position],
                ["IF", "NOT", "EXISTS", "ONLY"].contains(keyword)
            {
                position += 1
            }
            guard position < tokens.count else { return nil }
            let table: String
            switch tokens[position] {
            case .word(let word): table = word
            case .quoted(let quoted): table = quoted
            default: return nil
            }
            // A list of tables or a join names more than one collection; the clauses after the tables end the search.
            var depth = 0
            for later in tokens[(position + 1)...] {
                switch later {
                case .symbol("("): depth += 1
                case .symbol(")"): depth -= 1
                case .symbol(",") where depth == 0: return nil
                case .word(let word) where depth == 0:
                    let keyword = word.uppercased()
                    if keyword == "JOIN" { return nil }
                    if Self.clauseKeywords.contains(keyword) { return table }
                default: break
                }
            }
            return table
        }
        let operation = first.uppercased()
        let marker: String
        switch operation {
        case "SELECT", "DELETE": marker = "FROM"
        case "INSERT", "REPLACE": marker = "INTO"
        case "UPDATE": return name(after: orSkipped(keywords, from: 0))
        case "CREATE", "DROP", "ALTER", "TRUNCATE":
            if operation == "TRUNCATE" {
                return keywords.count > 1 && keywords[1] == "TABLE" ? name(after: 1) : name(after: 0)
            }
            guard let index = keywords.firstIndex(of: "TABLE") else { return nil }
            return name(after: index)
        default: return nil
        }
        // A subquery's FROM is not the statement's: the first FROM/INTO at the top level only.
        var depth = 0
        for (index, token) in tokens.enumerated() {
            if case .symbol("(") = token { depth += 1 }
            if case .symbol(")") = token { depth -= 1 }
            if depth == 0, keywords[index] == marker {
                if index + 1 < tokens.count, case .symbol("(") = tokens[index + 1] { return nil }
                return name(after: index)
            }
        }
        return nil
    }

    /// Keywords after which a statement names no more tables of its own.
    private static let clauseKeywords: Set<String> = [
        "WHERE", "SET", "VALUES", "ORDER", "GROUP", "HAVING", "LIMIT", "OFFSET", "RETURNING", "ON", "SELECT",
        "DEFAULT", "UNION", "EXCEPT", "INTERSECT", "WINDOW", "FOR",
    ]

    /// `UPDATE OR ROLLBACK table` in SQLite: the index of the keyword the table follows.
    private static func orSkipped(_ keywords: [String?], from index: Int) -> Int {
        if keywords.count > index + 2, keywords[index + 1] == "OR" { return index + 2 }
        return index
    }

    /// `sql` with its literal values replaced by `?`: quoted strings (`'…'`, `E'…'`, `$tag$…$tag$`) and numbers.
    ///
    /// Identifiers (`"…"`, words such as `t1`), placeholders (`$1`, `?`, `:name`) and comments' absence are kept as
    /// they are, so the text still shows the statement's shape. Comments are dropped, as they may hold anything.
    public static func sanitize(sql: String) -> String {
        var output = ""
        var scanner = SQLScanner(sql)
        var needsSpace = false
        while let (token, spaced) = scanner.nextWithSpacing() {
            if spaced && needsSpace { output.append(" ") }
            switch token {
            case .word(let word): output.append(word)
            case .quoted(let quoted): output.append("\"" + quoted.replacingOccurrences(of: "\"", with: "\"\"") + "\"")
            case .literal: output.append("?")
            case .placeholder(let placeholder): output.append(placeholder)
            case .symbol(let symbol): output.append(symbol)
            }
            needsSpace = true
        }
        return output
    }

    /// The span name the conventions give: `{db.operation.name} {target}`, where the target is the collection, or
    /// else the namespace; only the part that is known; or else `db.system.name`.
    public static func spanName(operation: String?, collection: String?, namespace: String?, system: String) -> String {
        let target = collection ?? namespace
        switch (operation, target) {
        case (let operation?, let target?): return "\(operation) \(target)"
        case (let operation?, nil): return operation
        case (nil, let target?): return target
        case (nil, nil): return system
        }
    }
}

/// What the conventions record about one database operation: the attributes of its span and of
/// `db.client.operation.duration`.
public struct DatabaseQueryInfo: Sendable, Hashable {
    /// `db.system.name`, such as `postgresql` or `sqlite`.
    public var system: String
    /// `db.namespace`: the database name, or for SQLite the database file.
    public var namespace: String?
    /// `db.operation.name`, such as `SELECT`.
    public var operation: String?
    /// `db.collection.name`: the table, when the statement names exactly one.
    public var collection: String?
    /// `db.query.text`: the statement with placeholders for its parameters, and literals replaced by `?`.
    public var queryText: String?
    /// `server.address`: the host name or address of the database server.
    public var serverAddress: String?
    /// `server.port`: the port of the database server.
    public var serverPort: Int?

    /// Describes an operation from its SQL text: the operation and collection read from it, the text sanitised.
    ///
    /// - Parameters:
    ///   - sql: The statement as sent, with placeholders (`$1`, `?`) for its parameters; never with their values.
    ///   - system: `db.system.name`.
    ///   - namespace: `db.namespace`.
    ///   - serverAddress: `server.address`.
    ///   - serverPort: `server.port`.
    public init(sql: String, system: String, namespace: String?, serverAddress: String? = nil, serverPort: Int? = nil) {
        self.system = system
        self.namespace = namespace
        self.operation = DatabaseSemantics.operationName(sql: sql)
        self.collection = DatabaseSemantics.collectionName(sql: sql)
        self.queryText = DatabaseSemantics.sanitize(sql: sql)
        self.serverAddress = serverAddress
        self.serverPort = serverPort
    }

    /// The span's name: `{db.operation.name} {db.collection.name}`, or what of it is known.
    public var spanName: String {
        DatabaseSemantics.spanName(operation: operation, collection: collection, namespace: namespace, system: system)
    }

    /// The span's attributes; `error.type` and `db.response.status_code` are added when the operation fails.
    public var spanAttributes: SpanAttributes {
        var attributes = SpanAttributes()
        attributes["db.system.name"] = system
        if let namespace { attributes["db.namespace"] = namespace }
        if let operation { attributes["db.operation.name"] = operation }
        if let collection { attributes["db.collection.name"] = collection }
        if let queryText { attributes["db.query.text"] = queryText }
        if let serverAddress { attributes["server.address"] = serverAddress }
        if let serverPort { attributes["server.port"] = serverPort }
        return attributes
    }
}

/// How an operation failed, in the conventions' terms.
public struct DatabaseFailure: Sendable, Hashable {
    /// `error.type`: the database's status code when there is one, or else the error's type.
    public var errorType: String
    /// `db.response.status_code`, such as a PostgreSQL SQLSTATE (`42601`) or a SQLite result code (`19`).
    public var statusCode: String?
    /// `exception.type` of the exception event.
    public var exceptionType: String
    /// `exception.message` of the exception event: a message that holds no parameter values.
    public var exceptionMessage: String

    /// Describes a failure.
    ///
    /// - Parameters:
    ///   - statusCode: The database's status code, which becomes `error.type` too; `nil` uses the error's type.
    ///   - exceptionType: The error's type, for `exception.type`.
    ///   - exceptionMessage: A message for `exception.message` that holds no parameter values.
    public init(statusCode: String?, exceptionType: String, exceptionMessage: String) {
        self.errorType = statusCode ?? exceptionType
        self.statusCode = statusCode
        self.exceptionType = exceptionType
        self.exceptionMessage = exceptionMessage
    }

    /// Records the failure on `span`: `error.type`, `db.response.status_code`, an `exception` event and the error
    /// status.
    ///
    /// The event is built here rather than with `recordError`, whose message is the error's description, which for
    /// some database errors includes the statement's arguments.
    public func record(on span: any Tracing.Span, at nanoseconds: UInt64? = nil) {
        span.attributes["error.type"] = errorType
        if let statusCode { span.attributes["db.response.status_code"] = statusCode }
        var attributes = SpanAttributes()
        attributes["exception.type"] = exceptionType
        attributes["exception.message"] = exceptionMessage
        if let nanoseconds {
            span.addEvent(SpanEvent(name: "exception", at: DatabaseInstant(nanosecondsSinceEpoch: nanoseconds), attributes: attributes))
        } else {
            span.addEvent(SpanEvent(name: "exception", attributes: attributes))
        }
        span.setStatus(SpanStatus(code: .error, message: exceptionMessage))
    }
}

/// An instant given as nanoseconds since the Unix epoch, for spans whose times are known after the fact.
public struct DatabaseInstant: TracerInstant {
    /// Nanoseconds since the Unix epoch.
    public var nanosecondsSinceEpoch: UInt64

    /// The instant `nanosecondsSinceEpoch` after the Unix epoch.
    public init(nanosecondsSinceEpoch: UInt64) {
        self.nanosecondsSinceEpoch = nanosecondsSinceEpoch
    }

    /// Now, by the wall clock spans are timed with.
    public static var now: DatabaseInstant {
        DatabaseInstant(nanosecondsSinceEpoch: DefaultTracerClock.now.nanosecondsSinceEpoch)
    }

    /// Orders instants by time.
    public static func < (lhs: DatabaseInstant, rhs: DatabaseInstant) -> Bool {
        lhs.nanosecondsSinceEpoch < rhs.nanosecondsSinceEpoch
    }
}
