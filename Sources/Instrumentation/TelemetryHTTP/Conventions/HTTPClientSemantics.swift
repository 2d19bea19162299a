/// The client span's name and attribute values, per the stable
/// [HTTP semantic conventions](https://opentelemetry.io/docs/specs/semconv/http/http-spans/#http-client).
///
/// A client instrumentation names its span with ``spanName(method:)``, records `url.full` through
/// ``redactedURL(_:)``, and `error.type` through ``errorType(statusCode:error:)``.
public enum HTTPClientSemantics {
    /// The query parameters whose values the conventions say to redact by default, because they carry signatures
    /// and keys (pre-signed cloud storage URLs, for example).
    public static let redactedQueryKeys: Set<String> = ["AWSAccessKeyId", "Signature", "sig", "X-Goog-Signature"]

    /// What replaces a redacted value.
    public static let redactionMarker = "REDACTED"

    /// `{method}`, or `HTTP` for a method the conventions do not know, so that a made-up method never makes a new
    /// span name.
    public static func spanName(method: String) -> String {
        let normalized = HTTPServerSemantics.normalizedMethod(method)
        return normalized == "_OTHER" ? "HTTP" : normalized
    }

    /// The method as the conventions record it: itself when known, `_OTHER` otherwise.
    public static func normalizedMethod(_ method: String) -> String {
        HTTPServerSemantics.normalizedMethod(method)
    }

    /// Whether a client span with this status is an error: any 4xx or 5xx, as the conventions say for clients.
    public static func isError(statusCode: Int) -> Bool {
        statusCode >= 400
    }

    /// `error.type`: the status code for a 4xx or 5xx, else the fully qualified type of `error` when the request
    /// failed without a response, else `nil`.
    public static func errorType(statusCode: Int?, error: (any Error)? = nil) -> String? {
        if let statusCode, isError(statusCode: statusCode) { return String(statusCode) }
        if let error { return String(reflecting: type(of: error)) }
        return nil
    }

    /// `url` as `url.full` records it: credentials replaced by `REDACTED:REDACTED`, and the values of
    /// ``redactedQueryKeys`` in the query replaced by `REDACTED`. Everything else is kept as written.
    public static func redactedURL(_ url: String) -> String {
        var result = Substring(url)
        // The authority follows "://"; user information, if any, ends at its last "@".
        if let schemeEnd = result.range(of: "://") {
            let authorityStart = schemeEnd.upperBound
            let authorityEnd =
                result[authorityStart...].firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? result.endIndex
            if let at = result[authorityStart..<authorityEnd].lastIndex(of: "@") {
                let userInfo = redactionMarker + ":" + redactionMarker
                result = Substring(String(result[..<authorityStart]) + userInfo + String(result[at...]))
            }
        }
        guard let question = result.firstIndex(of: "?") else { return String(result) }
        let queryStart = result.index(after: question)
        let queryEnd = result[queryStart...].firstIndex(of: "#") ?? result.endIndex
        let query = redactedQuery(String(result[queryStart..<queryEnd]))
        return String(result[..<queryStart]) + query + String(result[queryEnd...])
    }

    /// `query` (without its `?`) with the values of ``redactedQueryKeys`` replaced by `REDACTED`, as `url.query`
    /// records it.
    public static func redactedQuery(_ query: String) -> String {
        // Splitting keeps empty pieces, so "a=1&&b=2" comes back unchanged apart from redactions.
        query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            guard let equals = pair.firstIndex(of: "=") else { return String(pair) }
            let key = pair[..<equals]
            guard redactedQueryKeys.contains(String(key)) else { return String(pair) }
            return String(key) + "=" + redactionMarker
        }.joined(separator: "&")
    }
}
