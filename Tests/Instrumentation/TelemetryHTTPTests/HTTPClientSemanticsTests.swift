import TelemetryHTTP
import Testing

@Suite("HTTP client semantics: span name, error.type and url.full redaction")
struct HTTPClientSemanticsTests {
    @Test("credentials become REDACTED:REDACTED and the conventions' signature parameters are redacted", arguments: [
        ("https://user:pass@example.com/a?b=1", "https://REDACTED:REDACTED@example.com/a?b=1"),
        ("https://token@example.com:8443/", "https://REDACTED:REDACTED@example.com:8443/"),
        (
            "https://s3.example.com/o?AWSAccessKeyId=AK&Signature=s&Expires=9",
            "https://s3.example.com/o?AWSAccessKeyId=REDACTED&Signature=REDACTED&Expires=9"
        ),
        (
            "https://g.example.com/o?X-Goog-Signature=abc&sig=1#top",
            "https://g.example.com/o?X-Goog-Signature=REDACTED&sig=REDACTED#top"
        ),
        // Nothing to redact: unchanged, including empty pairs, keys without values and an "@" in the path.
        ("http://example.com/users/@me?a=1&&flag&signature=x", "http://example.com/users/@me?a=1&&flag&signature=x"),
        ("http://[::1]:8080/", "http://[::1]:8080/"),
        ("not a url", "not a url"),
    ])
    func redaction(url: String, expected: String) {
        #expect(HTTPClientSemantics.redactedURL(url) == expected)
    }

    @Test("url.query is redacted the same way")
    func query() {
        #expect(HTTPClientSemantics.redactedQuery("sig=1&page=2") == "sig=REDACTED&page=2")
        #expect(HTTPClientSemantics.redactedQuery("") == "")
    }

    @Test("the span is named after the method, or HTTP for an unknown one")
    func spanName() {
        #expect(HTTPClientSemantics.spanName(method: "GET") == "GET")
        #expect(HTTPClientSemantics.spanName(method: "PURGE") == "HTTP")
        #expect(HTTPClientSemantics.spanName(method: "get") == "HTTP")
    }

    @Test("error.type: the status code from 400 up, else the error's type, else nothing")
    func errorType() {
        struct Refused: Error {}
        #expect(HTTPClientSemantics.errorType(statusCode: 200) == nil)
        #expect(HTTPClientSemantics.errorType(statusCode: 399) == nil)
        #expect(HTTPClientSemantics.errorType(statusCode: 404) == "404")
        #expect(HTTPClientSemantics.errorType(statusCode: 500, error: Refused()) == "500")
        #expect(HTTPClientSemantics.errorType(statusCode: nil, error: Refused())?.hasSuffix("Refused") == true)
        #expect(HTTPClientSemantics.errorType(statusCode: nil) == nil)
    }
}
