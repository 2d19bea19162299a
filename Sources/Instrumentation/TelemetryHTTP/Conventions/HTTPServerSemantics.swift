import Telemetry
import Tracing

/// The server span's name and attributes, per the stable
/// [HTTP semantic conventions](https://opentelemetry.io/docs/specs/semconv/http/http-spans/#http-server).
///
/// A framework integration calls ``spanName(for:)`` and ``requestAttributes(for:stability:)`` when the request
/// arrives, then again with the route once the router has matched one, and ``responseAttributes(statusCode:errorType:for:stability:)``
/// when the response is known.
public enum HTTPServerSemantics {
    /// The methods the conventions know: by default the nine of RFC 9110 and RFC 5789 and `QUERY`, or the
    /// comma-separated list in `OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS`, which replaces them, as the conventions say.
    /// Any other method is recorded as `_OTHER`, so that a client cannot make one span name or one series per made-up
    /// method.
    public static let knownMethods: Set<String> = KnownHTTPMethods.fromEnvironment.methods

    private static let knownMethodsAreDefault = KnownHTTPMethods.fromEnvironment.isDefault

    /// The method as the conventions record it: itself when known, `_OTHER` otherwise.
    public static func normalizedMethod(_ method: String) -> String {
        if knownMethodsAreDefault {
            // Compared in turn, most frequent first: cheaper than hashing the method for a set.
            switch method {
            case "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "CONNECT", "TRACE", "QUERY": return method
            default: return "_OTHER"
            }
        }
        return knownMethods.contains(method) ? method : "_OTHER"
    }

    /// `{method} {route}`, `{method}` when no route matched, and `HTTP` in place of an unknown method.
    public static func spanName(for request: HTTPServerRequestInfo) -> String {
        spanName(normalizedMethod: normalizedMethod(request.method), route: request.route)
    }

    /// ``spanName(for:)`` from a method ``normalizedMethod(_:)`` has normalized.
    package static func spanName(normalizedMethod method: String, route: String?) -> String {
        let prefix = method == "_OTHER" ? "HTTP" : method
        guard let route, !route.isEmpty else { return prefix }
        return prefix + " " + route
    }

    /// The attributes known when the request arrives (and `http.route` once known).
    ///
    /// The conventions' opt-in attributes (`client.port`, `http.request.body.size`) are left out.
    public static func requestAttributes(
        for request: HTTPServerRequestInfo, stability: HTTPSemanticConventionStability = .processDefault
    ) -> SpanAttributes {
        // Room for the request's attributes and the response's, so that adding them never grows the table.
        var attributes = SpanAttributes([String: SpanAttribute](minimumCapacity: 16))
        addRequestAttributes(for: request, stability: stability, to: &attributes)
        return attributes
    }

    /// Adds ``requestAttributes(for:stability:)`` to `attributes` in place, which saves building a second
    /// collection and merging it.
    public static func addRequestAttributes(
        for request: HTTPServerRequestInfo, stability: HTTPSemanticConventionStability, to attributes: inout SpanAttributes
    ) {
        forEachRequestAttribute(of: request, stability: stability) { attributes.set($0, value: $1) }
    }

    /// The request's attributes as the list our tracer keeps, with room for the response's.
    package static func requestAttributeStorage(
        for request: HTTPServerRequestInfo, stability: HTTPSemanticConventionStability
    ) -> SpanAttributeStorage {
        var attributes = SpanAttributeStorage(capacity: stability.emitsOldNames ? 24 : 14)
        forEachRequestAttribute(of: request, stability: stability) { attributes.append(uniqueKey: $0, value: $1) }
        return attributes
    }

    /// Calls `body` with each request attribute, each key once.
    @inline(__always)
    private static func forEachRequestAttribute(
        of request: HTTPServerRequestInfo, stability: HTTPSemanticConventionStability,
        _ body: (String, SpanAttribute) -> Void
    ) {
        let method = normalizedMethod(request.method)
        body("http.request.method", .string(method))
        if method != request.method { body("http.request.method_original", .string(request.method)) }
        body("url.path", .string(request.path))
        // The same redaction as clients': the conventions name the same sensitive parameters for both.
        if let query = request.query { body("url.query", .string(HTTPClientSemantics.redactedQuery(query))) }
        body("url.scheme", .string(request.scheme))
        if let route = request.route { body("http.route", .string(route)) }
        if let address = request.serverAddress { body("server.address", .string(address)) }
        if let port = request.serverPort { body("server.port", .int64(Int64(port))) }
        if let client = request.clientAddress { body("client.address", .string(client)) }
        if let agent = request.userAgent { body("user_agent.original", .string(agent)) }
        if let version = request.protocolVersion { body("network.protocol.version", .string(version)) }

        if stability.emitsOldNames {
            // The names of semantic conventions 1.20, which the migration guide maps onto the stable ones.
            body("http.method", .string(request.method))
            body("http.target", .string(request.path))
            body("http.scheme", .string(request.scheme))
            if let address = request.serverAddress { body("net.host.name", .string(address)) }
            if let port = request.serverPort { body("net.host.port", .int64(Int64(port))) }
            if let client = request.clientAddress { body("http.client_ip", .string(client)) }
            if let agent = request.userAgent { body("http.user_agent", .string(agent)) }
            if let version = request.protocolVersion { body("net.protocol.version", .string(version)) }
        }
    }

    /// The attributes known when the response is: `http.response.status_code`, `http.route` and `error.type`.
    public static func responseAttributes(
        statusCode: Int,
        errorType: String?,
        for request: HTTPServerRequestInfo,
        stability: HTTPSemanticConventionStability = .processDefault
    ) -> SpanAttributes {
        var attributes = SpanAttributes()
        addResponseAttributes(statusCode: statusCode, errorType: errorType, for: request, stability: stability, to: &attributes)
        return attributes
    }

    /// Adds ``responseAttributes(statusCode:errorType:for:stability:)`` to `attributes` in place.
    public static func addResponseAttributes(
        statusCode: Int,
        errorType: String?,
        for request: HTTPServerRequestInfo,
        stability: HTTPSemanticConventionStability,
        to attributes: inout SpanAttributes
    ) {
        forEachResponseAttribute(statusCode: statusCode, errorType: errorType, route: request.route, stability: stability) {
            attributes.set($0, value: $1)
        }
    }

    /// Calls `body` with each response attribute.
    @inline(__always)
    package static func forEachResponseAttribute(
        statusCode: Int,
        errorType: String?,
        route: String?,
        stability: HTTPSemanticConventionStability,
        _ body: (String, SpanAttribute) -> Void
    ) {
        body("http.response.status_code", .int64(Int64(statusCode)))
        if let route { body("http.route", .string(route)) }
        if let errorType { body("error.type", .string(errorType)) }
        if stability.emitsOldNames { body("http.status_code", .int64(Int64(statusCode))) }
    }

    /// Whether a server span with this status is an error: only 5xx, since a 4xx is the client's error, not the
    /// server's, as the conventions say.
    public static func isServerError(statusCode: Int) -> Bool {
        (500...599).contains(statusCode)
    }

    /// `error.type`: for a 5xx, the type of `unhandledError` (an error the handler threw that is not an HTTP
    /// response, so the framework answered 500), or else the status code; `nil` below 500.
    public static func errorType(statusCode: Int, unhandledError: (any Error)? = nil) -> String? {
        guard isServerError(statusCode: statusCode) else { return nil }
        if let unhandledError { return String(reflecting: type(of: unhandledError)) }
        return String(statusCode)
    }
}
