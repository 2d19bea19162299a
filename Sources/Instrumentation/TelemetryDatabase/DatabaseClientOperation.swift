import Tracing

/// Runs one database operation in a client span that follows the conventions, and records its duration.
///
/// For instrumentations whose operations are `async` calls the caller awaits, such as PostgresNIO's queries: the span
/// is a child of the caller's active span, and is the active span while `body` runs.
///
/// - Parameters:
///   - info: What the operation is.
///   - tracer: Where the span starts.
///   - metrics: Where `db.client.operation.duration` is recorded; `nil` records no metric.
///   - failure: Describes an error `body` throws in the conventions' terms.
///   - body: The operation.
/// - Returns: What `body` returns.
public func withDatabaseClientSpan<Result>(
    _ info: DatabaseQueryInfo,
    tracer: any Tracer,
    metrics: DatabaseClientMetrics?,
    failure: (any Error) -> DatabaseFailure,
    _ body: () async throws -> Result
) async throws -> Result {
    let span = tracer.startSpan(info.spanName, context: ServiceContext.current ?? .topLevel, ofKind: .client)
    span.attributes = info.spanAttributes
    let start = ContinuousClock.now
    do {
        let result = try await ServiceContext.withValue(span.context) { try await body() }
        metrics?.record(info, failure: nil, duration: ContinuousClock.now - start)
        span.end()
        return result
    } catch {
        let described = failure(error)
        metrics?.record(info, failure: described, duration: ContinuousClock.now - start)
        described.record(on: span)
        span.end()
        throw error
    }
}
