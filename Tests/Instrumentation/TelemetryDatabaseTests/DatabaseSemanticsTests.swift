import Testing
import TelemetryDatabase

@Suite("Reading the conventions' attributes from SQL")
struct DatabaseSemanticsTests {
    @Test(
        "operation and collection of simple statements; nil when unsure",
        arguments: [
            ("SELECT * FROM users WHERE id = $1", "SELECT", "users"),
            ("  -- note\n select name from public.users", "SELECT", "public.users"),
            ("INSERT INTO orders (id, total) VALUES (?, ?)", "INSERT", "orders"),
            ("INSERT OR REPLACE INTO \"Order Items\" VALUES (?)", "INSERT", "Order Items"),
            ("UPDATE users SET name = ? WHERE id = ?", "UPDATE", "users"),
            ("UPDATE OR ROLLBACK users SET name = ?", "UPDATE", "users"),
            ("DELETE FROM sessions WHERE expires < now()", "DELETE", "sessions"),
            ("CREATE TABLE IF NOT EXISTS users (id INTEGER)", "CREATE", "users"),
            ("DROP TABLE IF EXISTS users", "DROP", "users"),
            ("CREATE TABLE users (id INTEGER, name TEXT)", "CREATE", "users"),
            ("SELECT a, b FROM t WHERE x IN (1, 2) ORDER BY a, b", "SELECT", "t"),
            ("SELECT * FROM a JOIN b ON a.id = b.id", "SELECT", nil),
            ("SELECT * FROM a, b", "SELECT", nil),
            ("SELECT * FROM (SELECT 1) AS t", "SELECT", nil),
            ("SELECT (SELECT max(id) FROM b) FROM a", "SELECT", "a"),
            ("SELECT 1", "SELECT", nil),
            ("WITH t AS (SELECT 1) SELECT * FROM t", nil, nil),
            ("BEGIN DEFERRED TRANSACTION", "BEGIN", nil),
            ("", nil, nil),
        ] as [(String, String?, String?)])
    func operationAndCollection(sql: String, operation: String?, collection: String?) {
        #expect(DatabaseSemantics.operationName(sql: sql) == operation)
        #expect(DatabaseSemantics.collectionName(sql: sql) == collection)
    }

    @Test(
        "literals become ?, placeholders and identifiers stay",
        arguments: [
            ("SELECT * FROM users WHERE email = 'a@b.c' AND age > 42", "SELECT * FROM users WHERE email = ? AND age > ?"),
            ("SELECT * FROM t WHERE a = $1 AND b = :name AND c = ?2", "SELECT * FROM t WHERE a = $1 AND b = :name AND c = ?2"),
            ("SELECT 'it''s', E'x\\'y', $$secret$$, $tag$more$tag$ FROM t1", "SELECT ?, ?, ?, ? FROM t1"),
            ("SELECT \"col1\", x::text, 1.5e-3 FROM t -- 'hidden'", "SELECT \"col1\", x::text, ? FROM t"),
            ("SELECT 'C:\\', 'secret' FROM t", "SELECT ?, ? FROM t"),
            ("SELECT /* 'x' */ 1", "SELECT ?"),
        ] as [(String, String)])
    func sanitize(sql: String, expected: String) {
        #expect(DatabaseSemantics.sanitize(sql: sql) == expected)
    }

    @Test("span name: operation and collection, else namespace, else the system")
    func spanName() {
        #expect(DatabaseSemantics.spanName(operation: "SELECT", collection: "users", namespace: "db", system: "sqlite") == "SELECT users")
        #expect(DatabaseSemantics.spanName(operation: "SELECT", collection: nil, namespace: "db", system: "sqlite") == "SELECT db")
        #expect(DatabaseSemantics.spanName(operation: "BEGIN", collection: nil, namespace: nil, system: "sqlite") == "BEGIN")
        #expect(DatabaseSemantics.spanName(operation: nil, collection: nil, namespace: nil, system: "sqlite") == "sqlite")
    }
}
