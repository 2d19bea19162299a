import GRDB

/// The store's tables and indexes, as GRDB migrations so that a file written by an older viewer is upgraded in place.
///
/// Times are Unix nanoseconds in `INTEGER` columns (as `Int64` bit patterns), trace ids 16-byte big-endian blobs,
/// span ids 64-bit integers. Nested values (attributes, events, links, exemplars, buckets) are in the compact blobs
/// of `ModelCoding.swift`; what searches filter on is in plain columns. Span attributes live in the `tags` text of
/// `\nkey=value\n` lines, so that a tag search is a substring test on spans already narrowed by service and time,
/// with the `attributes` blob holding only what that text cannot say (see `SpanAttributeColumns`).
enum StoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE resources (
                        id INTEGER PRIMARY KEY,
                        identity BLOB NOT NULL UNIQUE,
                        service TEXT NOT NULL,
                        tags TEXT NOT NULL
                    );
                    CREATE TABLE scopes (
                        id INTEGER PRIMARY KEY,
                        identity BLOB NOT NULL UNIQUE,
                        name TEXT NOT NULL,
                        version TEXT NOT NULL
                    );
                    CREATE TABLE spans (
                        id INTEGER PRIMARY KEY,
                        trace_id BLOB NOT NULL,
                        span_id INTEGER NOT NULL,
                        parent_span_id INTEGER NOT NULL,
                        service TEXT NOT NULL,
                        name TEXT NOT NULL,
                        kind INTEGER NOT NULL,
                        start_ns INTEGER NOT NULL,
                        end_ns INTEGER NOT NULL,
                        duration_ns INTEGER NOT NULL,
                        status_code INTEGER NOT NULL,
                        status_message TEXT NOT NULL,
                        flags INTEGER NOT NULL,
                        trace_state TEXT NOT NULL,
                        resource_id INTEGER NOT NULL,
                        scope_id INTEGER NOT NULL,
                        attributes BLOB,
                        tags TEXT NOT NULL,
                        events BLOB,
                        links BLOB,
                        dropped_attributes INTEGER NOT NULL,
                        dropped_events INTEGER NOT NULL,
                        dropped_links INTEGER NOT NULL
                    );
                    CREATE INDEX spans_by_service ON spans(service, start_ns);
                    CREATE INDEX spans_by_operation ON spans(service, name, start_ns);
                    CREATE INDEX spans_by_start ON spans(start_ns);
                    CREATE INDEX spans_by_trace ON spans(trace_id);
                    CREATE TABLE operations (
                        service TEXT NOT NULL,
                        name TEXT NOT NULL,
                        kind INTEGER NOT NULL,
                        PRIMARY KEY (service, name, kind)
                    ) WITHOUT ROWID;
                    CREATE TABLE logs (
                        id INTEGER PRIMARY KEY,
                        service TEXT NOT NULL,
                        time_ns INTEGER NOT NULL,
                        event_time_ns INTEGER NOT NULL,
                        observed_time_ns INTEGER NOT NULL,
                        severity_number INTEGER NOT NULL,
                        severity_text TEXT NOT NULL,
                        body BLOB NOT NULL,
                        body_text TEXT NOT NULL,
                        attributes BLOB,
                        dropped_attributes INTEGER NOT NULL,
                        flags INTEGER NOT NULL,
                        trace_id BLOB,
                        span_id INTEGER,
                        event_name TEXT NOT NULL,
                        resource_id INTEGER NOT NULL,
                        scope_id INTEGER NOT NULL
                    );
                    CREATE INDEX logs_by_service ON logs(service, time_ns);
                    CREATE INDEX logs_by_time ON logs(time_ns);
                    CREATE INDEX logs_by_trace ON logs(trace_id, span_id) WHERE trace_id IS NOT NULL;
                    CREATE TABLE metric_series (
                        id INTEGER PRIMARY KEY,
                        identity BLOB NOT NULL UNIQUE,
                        name TEXT NOT NULL,
                        description TEXT NOT NULL,
                        unit TEXT NOT NULL,
                        kind INTEGER NOT NULL,
                        temporality INTEGER NOT NULL,
                        monotonic INTEGER NOT NULL,
                        resource_id INTEGER NOT NULL,
                        scope_id INTEGER NOT NULL,
                        metadata BLOB,
                        attributes BLOB
                    );
                    CREATE INDEX metric_series_by_name ON metric_series(name);
                    CREATE TABLE metric_points (
                        id INTEGER PRIMARY KEY,
                        series_id INTEGER NOT NULL,
                        start_ns INTEGER NOT NULL,
                        time_ns INTEGER NOT NULL,
                        flags INTEGER NOT NULL,
                        payload BLOB NOT NULL
                    );
                    CREATE INDEX metric_points_by_series ON metric_points(series_id, time_ns);
                    CREATE INDEX metric_points_by_time ON metric_points(time_ns);
                    """
            )
        }
        return migrator
    }
}
