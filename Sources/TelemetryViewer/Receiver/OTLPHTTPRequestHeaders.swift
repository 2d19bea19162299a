import HTTPTypes

/// What the OTLP/HTTP headers of a request say about its body.
enum OTLPHTTPRequestHeaders {
    /// How a body is compressed.
    enum ContentCoding: Sendable, Hashable {
        case identity
        case gzip
    }

    /// The encoding named by `Content-Type`, ignoring parameters such as `charset`; `nil` for anything OTLP does
    /// not define.
    static func encoding(contentType: String?) -> OTLPEncoding? {
        guard let contentType else { return nil }
        let mediaType = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        switch mediaType.trimmingASCIIWhitespace().lowercased() {
        case "application/x-protobuf": return .protobuf
        case "application/json": return .json
        default: return nil
        }
    }

    /// The coding named by every `Content-Encoding` field, or `nil` when it is one the receiver cannot undo (which
    /// includes a body encoded twice).
    static func contentCoding(_ values: [String]) -> ContentCoding? {
        let codings = values
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingASCIIWhitespace().lowercased() }
            .filter { !$0.isEmpty && $0 != "identity" }
        switch codings {
        case []: return .identity
        case ["gzip"], ["x-gzip"]: return .gzip
        default: return nil
        }
    }

    /// The declared body length, if the field is present and a number.
    static func contentLength(_ value: String?) -> Int? {
        value.flatMap { Int($0.trimmingASCIIWhitespace()) }
    }
}

extension StringProtocol {
    fileprivate func trimmingASCIIWhitespace() -> String {
        let isWhitespace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isWhitespace($0) }), let last = lastIndex(where: { !isWhitespace($0) })
        else { return "" }
        return String(self[first...last])
    }
}
