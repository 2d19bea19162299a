import Telemetry
@testable import TelemetryHTTP
import TelemetryTesting
import Testing
import Tracing

@Suite("HTTP server span names and attributes")
struct HTTPServerSemanticsTests {
    @Test("the span name is {method} {route}, {method} without a route, and HTTP for an unknown method")
    func spanNames() {
        var request = HTTPServerRequestInfo(method: "GET", path: "/orders/42", route: "/orders/{id}")
        #expect(HTTPServerSemantics.spanName(for: request) == "GET /orders/{id}")
        request.route = nil
        #expect(HTTPServerSemantics.spanName(for: request) == "GET")
        request.method = "BREW"
        #expect(HTTPServerSemantics.spanName(for: request) == "HTTP")
        #expect(HTTPServerSemantics.requestAttributes(for: request, stability: .stable)["http.request.method"]?.toSpanAttribute() == "_OTHER")
        #expect(HTTPServerSemantics.requestAttributes(for: request, stability: .stable)["http.request.method_original"]?.toSpanAttribute() == "BREW")
    }

    @Test("Host values give server.address and server.port; malformed ones give nothing")
    func authority() {
        func parse(_ value: String?, scheme: String = "http") -> (String?, Int?) {
            var request = HTTPServerRequestInfo(method: "GET", path: "/", scheme: scheme)
            request.setAuthority(value)
            return (request.serverAddress, request.serverPort)
        }
        #expect(parse("example.com:8080") == ("example.com", 8080))
        #expect(parse("example.com") == ("example.com", 80))
        #expect(parse("example.com", scheme: "https") == ("example.com", 443))
        #expect(parse("[::1]:9000") == ("::1", 9000))
        #expect(parse("[::1]") == ("::1", 80))
        #expect(parse("example.com:notaport") == (nil, nil))
        #expect(parse("example.com:99999") == (nil, nil))
        #expect(parse("[::1") == (nil, nil))
        #expect(parse(":80") == (nil, nil))
        #expect(parse(nil) == (nil, nil))
        #expect(parse("[::1]x") == (nil, nil))
        #expect(parse("[::1]:") == (nil, nil))
        #expect(parse("example.com:") == (nil, nil))
        #expect(parse("example.com:+80") == (nil, nil))
        #expect(parse("example.com:065535") == ("example.com", 65535))
        #expect(parse("example.com:00") == ("example.com", 0))
        #expect(parse("example.com:0065536") == (nil, nil))
        #expect(parse("example.com:1000000") == (nil, nil))
        #expect(parse("example.com:65535") == ("example.com", 65535))
        #expect(parse("bücher.example:8080") == ("bücher.example", 8080))
    }

    @Test("request and response attributes, stable only and with http/dup")
    func attributes() {
        let request = HTTPServerRequestInfo(
            method: "POST", path: "/orders", scheme: "http", route: "/orders", serverAddress: "shop", serverPort: 8080,
            clientAddress: "10.0.0.1", clientPort: 5555, userAgent: "curl/8", protocolVersion: "1.1", requestBodySize: 12)
        let stable = HTTPServerSemantics.requestAttributes(for: request, stability: .stable)
        let expected: [String: SpanAttribute] = [
            "http.request.method": "POST", "url.path": "/orders", "url.scheme": "http", "http.route": "/orders",
            "server.address": "shop", "server.port": 8080, "client.address": "10.0.0.1",
            "user_agent.original": "curl/8", "network.protocol.version": "1.1",
        ]
        for (key, value) in expected {
            #expect(stable[key]?.toSpanAttribute() == value, "\(key)")
        }
        // Opt-in attributes stay out unless asked for.
        #expect(stable["client.port"] == nil)
        #expect(stable["http.request.body.size"] == nil)
        #expect(stable["http.method"] == nil)

        let dup = HTTPServerSemantics.requestAttributes(for: request, stability: .duplicate)
        #expect(dup["http.request.method"]?.toSpanAttribute() == "POST")
        #expect(dup["http.method"]?.toSpanAttribute() == "POST")
        #expect(dup["http.target"]?.toSpanAttribute() == "/orders")
        #expect(dup["http.scheme"]?.toSpanAttribute() == "http")
        #expect(dup["net.host.name"]?.toSpanAttribute() == "shop")
        #expect(dup["net.host.port"]?.toSpanAttribute() == 8080)
        #expect(dup["http.user_agent"]?.toSpanAttribute() == "curl/8")

        let response = HTTPServerSemantics.responseAttributes(statusCode: 500, errorType: "500", for: request, stability: .duplicate)
        #expect(response["http.response.status_code"]?.toSpanAttribute() == 500)
        #expect(response["http.status_code"]?.toSpanAttribute() == 500)
        #expect(response["error.type"]?.toSpanAttribute() == "500")
        let stableResponse = HTTPServerSemantics.responseAttributes(statusCode: 404, errorType: nil, for: request, stability: .stable)
        #expect(stableResponse["http.status_code"] == nil)
    }

    @Test("error.type: the status code for a 5xx, the error's type for an unhandled error, nothing below 500")
    func errorType() {
        struct Broken: Error {}
        #expect(HTTPServerSemantics.errorType(statusCode: 503) == "503")
        #expect(HTTPServerSemantics.errorType(statusCode: 500, unhandledError: Broken()) == String(reflecting: Broken.self))
        #expect(HTTPServerSemantics.errorType(statusCode: 404) == nil)
        #expect(HTTPServerSemantics.isServerError(statusCode: 500))
        #expect(!HTTPServerSemantics.isServerError(statusCode: 499))
    }

    @Test("OTEL_SEMCONV_STABILITY_OPT_IN: http/dup duplicates, other domains are ignored, a bad HTTP entry warns once")
    func stabilityFromEnvironment() {
        let capture = LogCapture()
        let logger = capture.logger()
        let variable = HTTPSemanticConventionStability.variable
        #expect(HTTPSemanticConventionStability.from(environment: [:], logger: logger) == .stable)
        #expect(HTTPSemanticConventionStability.from(environment: [variable: "http"], logger: logger) == .stable)
        #expect(HTTPSemanticConventionStability.from(environment: [variable: "database, http/dup"], logger: logger) == .duplicate)
        #expect(HTTPSemanticConventionStability.from(environment: [variable: " HTTP/DUP "], logger: logger) == .duplicate)
        #expect(HTTPSemanticConventionStability.from(environment: [variable: "database/dup,rpc"], logger: logger) == .stable)
        #expect(capture.warnings.isEmpty, "\(capture.warnings)")

        #expect(HTTPSemanticConventionStability.from(environment: [variable: "http/dupe"], logger: logger) == .stable)
        #expect(capture.warnings.count == 1, "\(capture.warnings)")
        #expect(capture.contains(variable) && capture.contains("http/dupe"), "\(capture.lines)")
    }

    @Test("OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS replaces the known methods, case-sensitively; a bad list warns once")
    func knownMethodsFromEnvironment() {
        let capture = LogCapture()
        let logger = capture.logger()
        let variable = "OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS"
        let defaults = KnownHTTPMethods(environment: [:], logger: logger)
        #expect(defaults.isDefault && defaults.methods.contains("QUERY") && defaults.methods.count == 10)

        let custom = KnownHTTPMethods(environment: [variable: "GET, BREW ,PROPFIND"], logger: logger)
        #expect(custom.methods == ["GET", "BREW", "PROPFIND"])
        #expect(!custom.isDefault)
        #expect(KnownHTTPMethods(environment: [variable: "get"], logger: logger).methods == ["get"])
        #expect(KnownHTTPMethods(environment: [variable: " "], logger: logger).isDefault)
        #expect(capture.warnings.isEmpty, "\(capture.warnings)")

        let bad = KnownHTTPMethods(environment: [variable: "GET,BAD METHOD"], logger: logger)
        #expect(bad.isDefault)
        #expect(capture.warnings.count == 1, "\(capture.warnings)")
        #expect(capture.contains(variable) && capture.contains("BAD METHOD"), "\(capture.lines)")
    }
}
