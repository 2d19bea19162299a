import TelemetryHTTP
import Tracing

/// What a client span has learnt of its request, from the attributes AsyncHTTPClient set.
struct ObservedRequest: Sendable {
    var method: String?
    var serverAddress: String?
    var serverPort: Int?
    var statusCode: Int?
    var errorType: String?
    var protocolVersion: String?
    var ended = false

    /// `attributes` with AsyncHTTPClient's names and values replaced by the conventions', noting what the metric
    /// needs.
    ///
    /// AsyncHTTPClient sets one attribute at a time by reading all of them, changing one and writing all back, so
    /// this sees the same attributes again and again: every step must give the same result when applied twice.
    mutating func translate(
        _ attributes: SpanAttributes, stability: HTTPSemanticConventionStability, http1Only: Bool
    ) -> SpanAttributes {
        var result = attributes
        if let sent = Self.string(attributes["http.request.method"]) {
            // The first write carries the method as sent; later ones may carry `_OTHER`, written back by this step.
            if sent != "_OTHER" { method = sent }
            let original = method ?? sent
            let normalized = HTTPClientSemantics.normalizedMethod(original)
            result["http.request.method"] = normalized
            if normalized != original { result["http.request.method_original"] = original }
            if stability.emitsOldNames { result["http.method"] = original }
        }
        if let address = Self.string(attributes["server.address"]) {
            serverAddress = address
            if stability.emitsOldNames { result["net.peer.name"] = address }
        }
        if let port = Self.int(attributes["server.port"]) {
            serverPort = port
            if stability.emitsOldNames { result["net.peer.port"] = port }
        }
        if let url = Self.string(attributes["url.full"]) {
            let redacted = HTTPClientSemantics.redactedURL(url)
            result["url.full"] = redacted
            if stability.emitsOldNames { result["http.url"] = redacted }
        }
        if let query = Self.string(attributes["url.query"]) {
            result["url.query"] = HTTPClientSemantics.redactedQuery(query)
        }
        // AsyncHTTPClient speaks HTTP/2 only when TLS negotiates it, so plain HTTP is 1.1.
        if http1Only || Self.string(attributes["url.scheme"]) == "http" { protocolVersion = "1.1" }
        if let protocolVersion {
            result["network.protocol.version"] = protocolVersion
            if stability.emitsOldNames { result["net.protocol.version"] = protocolVersion }
        }
        // AsyncHTTPClient records the status under the old name.
        if let status = Self.int(attributes["http.status_code"]) ?? Self.int(attributes["http.response.status_code"]) {
            statusCode = status
            result["http.response.status_code"] = status
            if !stability.emitsOldNames { result["http.status_code"] = nil }
            if let type = HTTPClientSemantics.errorType(statusCode: status) {
                errorType = type
                result["error.type"] = type
            }
        }
        return result
    }

    private static func string(_ value: (any SpanAttributeConvertible)?) -> String? {
        switch value?.toSpanAttribute() {
        case .string(let text)?: return text
        case .stringConvertible(let convertible)?: return String(describing: convertible)
        default: return nil
        }
    }

    private static func int(_ value: (any SpanAttributeConvertible)?) -> Int? {
        switch value?.toSpanAttribute() {
        case .int64(let number)?: return Int(exactly: number)
        case .int32(let number)?: return Int(number)
        default: return nil
        }
    }
}
