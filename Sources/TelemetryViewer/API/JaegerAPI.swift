import Hummingbird
import Logging
import Telemetry

/// Jaeger's query HTTP API (the one Jaeger UI and Grafana's Jaeger data source call), over a ``TelemetryStore``:
///
/// - `GET /api/services`: service names.
/// - `GET /api/services/{service}/operations`: that service's span names (Jaeger's older form: plain strings).
/// - `GET /api/operations?service=…&spanKind=…`: operations as `{"name", "spanKind"}` objects.
/// - `GET /api/traces?…`: trace search, see ``TraceSearchParameters``.
/// - `GET /api/traces/{traceID}`: one trace; 404 when unknown, 400 when the id is not hex.
/// - `GET /api/dependencies?endTs=…&lookback=…`: calls between services (both in milliseconds, as Jaeger takes
///   them), from the parent-child links of up to ``dependencyTraceLimit`` recent traces.
/// - Every answer carries `X-Content-Type-Options: nosniff`.
struct JaegerAPI: APIRoutes, Sendable {
    /// How many of the newest traces in the window `/api/dependencies` reads, so that it answers quickly: every
    /// span of each is decoded, so this bounds the work by traces, and a sample of recent ones shows the edges.
    static let dependencyTraceLimit = 200

    let store: TelemetryStore
    let now: WallClock
    let logger: Logger

    func register(on router: Router<BasicRequestContext>) {
        router.get("/api/services") { _, _ in try await answer { .data(.array(try await store.services().map(JSONValue.string))) } }
        router.get("/api/services/{service}/operations") { _, context in
            try await answer {
                guard let service = pathParameter(context, "service") else { return .error(.badRequest, "service is required") }
                let names = Set(try await store.operations(service: service).map(\.name)).sorted()
                return .data(.array(names.map(JSONValue.string)))
            }
        }
        router.get("/api/operations") { request, _ in
            try await answer {
                let parameters = request.queryParameters
                guard let service = parameters["service"] else {
                    return .error(.badRequest, "parameter 'service' is required")
                }
                let kind = parameters["spanKind"]?.lowercased()
                let operations = try await store.operations(service: service).filter { operation in
                    kind == nil || JaegerTraceJSON.kindName(operation.kind) == kind
                }
                return .data(
                    .array(
                        operations.map { operation in
                            .object([
                                ("name", .string(operation.name)),
                                ("spanKind", .string(JaegerTraceJSON.kindName(operation.kind) ?? "")),
                            ])
                        }
                    )
                )
            }
        }
        router.get("/api/traces") { request, _ in
            try await answer {
                let search: TraceSearchParameters
                do {
                    search = try TraceSearchParameters(request.queryParameters, now: now())
                } catch {
                    return .error(.badRequest, "\(error)")
                }
                var traces: [StoredTrace] = []
                var missing: [JSONValue] = []
                if search.traceIDs.isEmpty {
                    traces = try await store.searchTraces(search.query)
                } else {
                    // As Jaeger: the traces found, and for each id not found an entry in `errors`, still a 200.
                    for id in search.traceIDs.prefix(TraceSearchParameters.maximumLimit) {
                        if let trace = try await store.trace(id: id) {
                            traces.append(trace)
                        } else {
                            missing.append(.object([("msg", .string("trace not found")), ("traceID", .string(id.hexString))]))
                        }
                    }
                }
                return .data(.array(traces.map(JaegerTraceJSON.trace)), errors: missing)
            }
        }
        router.get("/api/dependencies") { request, _ in
            try await answer {
                let parameters = request.queryParameters
                let end: UInt64
                let lookback: UInt64
                do {
                    end = try Self.milliseconds(parameters, "endTs") ?? now()
                    lookback = try Self.milliseconds(parameters, "lookback") ?? 24 * 3600 * 1_000_000_000
                } catch {
                    return .error(.badRequest, "\(error)")
                }
                let query = TraceQuery(
                    startTimeMinimumUnixNano: end - min(end, lookback),
                    startTimeMaximumUnixNano: end,
                    limit: Self.dependencyTraceLimit
                )
                let links = ServiceDependencies(try await store.searchTraces(query))
                return .data(
                    .array(
                        links.calls.map { call in
                            .object([
                                ("parent", .string(call.parent)), ("child", .string(call.child)), ("callCount", .int(Int64(call.count))),
                            ])
                        }
                    )
                )
            }
        }
        router.get("/api/traces/{traceID}") { _, context in
            try await answer {
                let text = pathParameter(context, "traceID") ?? ""
                guard let id = TraceSearchParameters.traceID(text) else {
                    return .error(.badRequest, "cannot parse traceID param: not a hex trace id: \(text)")
                }
                guard let trace = try await store.trace(id: id) else { return .error(.notFound, "trace not found") }
                return .data(.array([JaegerTraceJSON.trace(trace)]))
            }
        }
    }

    /// A parameter in milliseconds (Jaeger's unit for dependencies), as nanoseconds.
    private static func milliseconds(_ parameters: QueryParameters, _ name: String) throws(QueryParameterError) -> UInt64? {
        guard let text = parameters[name] else { return nil }
        guard let value = UInt64(text) else { throw QueryParameterError(name, "expected milliseconds, received: \(text)") }
        let (nanoseconds, overflow) = value.multipliedReportingOverflow(by: 1_000_000)
        return overflow ? .max : nanoseconds
    }
}
