import Foundation
import Telemetry
@testable import TelemetryOTLP
import Testing

@Suite("OTLP exporter configuration")
struct OTLPConfigurationTests {
    func resolve(_ environment: [String: String], _ configuration: OTLPExporterConfiguration = .init()) throws -> OTLPResolvedConfiguration {
        try OTLPResolvedConfiguration(configuration, environment: Environment(environment))
    }

    func configurationError(_ environment: [String: String]) -> TelemetryConfigurationError? {
        do {
            _ = try resolve(environment)
            return nil
        } catch {
            return error as? TelemetryConfigurationError
        }
    }

    @Test("defaults: http/protobuf to localhost:4318/v1/traces, no compression, 10 s")
    func defaults() throws {
        let resolved = try resolve([:])
        #expect(resolved.protocol == .httpProtobuf)
        #expect(resolved.endpoint.url == "http://localhost:4318/v1/traces")
        #expect(resolved.compression == OTLPCompression.none)
        #expect(resolved.timeout == .seconds(10))
        #expect(resolved.headers.isEmpty)
        let grpc = try resolve(["OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"])
        #expect(grpc.endpoint == OTLPEndpoint(host: "localhost", port: 4317, path: "", usesTLS: false))
    }

    @Test("the generic endpoint gets /v1/traces; the signal endpoint is used as is")
    func endpoints() throws {
        #expect(try resolve(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"]).endpoint.url == "http://collector:4318/v1/traces")
        #expect(try resolve(["OTEL_EXPORTER_OTLP_ENDPOINT": "https://collector/otlp/"]).endpoint.url == "https://collector:443/otlp/v1/traces")
        #expect(try resolve([
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://generic:4318", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://specific:9999/custom",
        ]).endpoint.url == "http://specific:9999/custom")
        let grpc = try resolve(["OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT": "https://collector:4317"])
        #expect(grpc.endpoint == OTLPEndpoint(host: "collector", port: 4317, path: "", usesTLS: true))
    }

    @Test("INSECURE decides TLS for a gRPC endpoint without a scheme")
    func insecure() throws {
        let secure = try resolve(["OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4317"])
        #expect(secure.endpoint.usesTLS)
        let plain = try resolve([
            "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4317", "OTEL_EXPORTER_OTLP_INSECURE": "true",
        ])
        #expect(!plain.endpoint.usesTLS)
        let schemeWins = try resolve([
            "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT": "https://collector:4317", "OTEL_EXPORTER_OTLP_INSECURE": "true",
        ])
        #expect(schemeWins.endpoint.usesTLS)
    }

    @Test("every variable is read in its generic and TRACES_ form, the specific one winning")
    func variables() throws {
        for prefix in ["OTEL_EXPORTER_OTLP_", "OTEL_EXPORTER_OTLP_TRACES_"] {
            let resolved = try resolve([
                prefix + "PROTOCOL": "http/json",
                prefix + "HEADERS": "api-key=a%20b%2Cc,X-Tenant = acme ",
                prefix + "COMPRESSION": "gzip",
                prefix + "TIMEOUT": "2500",
            ])
            #expect(resolved.protocol == .httpJSON)
            #expect(resolved.headers.map(\.name) == ["api-key", "x-tenant"])
            #expect(resolved.headers.map(\.value) == ["a b,c", "acme"])
            #expect(resolved.compression == .gzip)
            #expect(resolved.timeout == .milliseconds(2500))
        }
        let both = try resolve(["OTEL_EXPORTER_OTLP_TIMEOUT": "1000", "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT": "2000"])
        #expect(both.timeout == .seconds(2))
    }

    @Test("certificate files must exist and mTLS needs both halves")
    func certificates() throws {
        let missing = try #require(configurationError(["OTEL_EXPORTER_OTLP_CERTIFICATE": "/nonexistent/ca.pem"]))
        #expect(missing.variable == "OTEL_EXPORTER_OTLP_CERTIFICATE")
        #expect(missing.description.contains("/nonexistent/ca.pem"))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("otlp-config-\(UUID().uuidString).pem")
        try Data("x".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let onlyCertificate = try #require(configurationError(["OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE": file.path]))
        #expect(onlyCertificate.reason.contains("both"))
        let resolved = try resolve([
            "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE": file.path, "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE": file.path,
            "OTEL_EXPORTER_OTLP_CLIENT_KEY": file.path,
        ])
        #expect(resolved.certificateFile == file.path && resolved.clientKeyFile == file.path)
    }

    @Test("an invalid value is an error naming the variable", arguments: [
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/xml"), ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "udp"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "ftp://collector"), ("OTEL_EXPORTER_OTLP_ENDPOINT", "not a url"),
        ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "collector:4318"), ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:99999"),
        ("OTEL_EXPORTER_OTLP_COMPRESSION", "brotli"), ("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "zip"),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "10s"), ("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "-1"),
        ("OTEL_EXPORTER_OTLP_INSECURE", "maybe"), ("OTEL_EXPORTER_OTLP_TRACES_INSECURE", "1"),
        ("OTEL_EXPORTER_OTLP_CLIENT_KEY", "/nonexistent/key.pem"), ("OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE", "/nonexistent/c.pem"),
    ])
    func invalid(variable: String, value: String) throws {
        let environment = variable.contains("INSECURE")
            ? [variable: value, "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4317"]
            : [variable: value]
        let error = try #require(configurationError(environment))
        #expect(error.variable == variable)
        #expect(error.description.contains(variable))
    }

    @Test("a bad header is an error that names the variable but never shows the value")
    func headerSecrecy() throws {
        for header in ["token", "api-key=%ZZsecret", "=secret"] {
            let error = try #require(configurationError(["OTEL_EXPORTER_OTLP_HEADERS": header]))
            #expect(error.variable == "OTEL_EXPORTER_OTLP_HEADERS")
            #expect(error.value == nil)
            #expect(!error.description.contains("secret"))
            #expect(!error.description.contains("token"))
        }
    }

    @Test("values set in code win over the variables")
    func codeWins() throws {
        var configuration = OTLPExporterConfiguration()
        configuration.protocol = .grpc
        configuration.endpoint = "http://code:1234"
        configuration.headers = ["k": "code"]
        configuration.compression = .gzip
        configuration.timeout = .seconds(3)
        let resolved = try resolve([
            "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://env:4318",
            "OTEL_EXPORTER_OTLP_HEADERS": "k=env", "OTEL_EXPORTER_OTLP_COMPRESSION": "none", "OTEL_EXPORTER_OTLP_TIMEOUT": "9000",
        ], configuration)
        #expect(resolved.protocol == .grpc)
        #expect(resolved.endpoint == OTLPEndpoint(host: "code", port: 1234, path: "", usesTLS: false))
        #expect(resolved.headers.first?.value == "code")
        #expect(resolved.compression == .gzip)
        #expect(resolved.timeout == .seconds(3))
    }

    @Test("with the OTLP factory registered, otlp is the default exporter; without it, otlp is a clear error")
    func defaultExporter() throws {
        let service = try TelemetrySystem.makeService(.otlp(), environment: [:])
        #expect(service.tracerProvider.processors.count == 1)
        #expect(service.tracerProvider.processors.first is BatchSpanProcessor)
        let none = try TelemetrySystem.makeService(.otlp(), environment: ["OTEL_TRACES_EXPORTER": "none"])
        #expect(none.tracerProvider.processors.isEmpty)
        #expect(throws: TelemetryConfigurationError.self) {
            try TelemetrySystem.makeService(.otlp(), environment: ["OTEL_EXPORTER_OTLP_PROTOCOL": "carrier-pigeon"])
        }
        let error = try #require(throws: TelemetryConfigurationError.self) {
            try TelemetrySystem.makeService(TelemetryConfiguration(), environment: ["OTEL_TRACES_EXPORTER": "otlp"])
        }
        #expect(error.description.contains("TelemetryOTLP"))
    }

    @Test("Retry-After is read as seconds or as an HTTP-date")
    func retryAfter() {
        #expect(RetryAfter.parse("3") == .seconds(3))
        let now = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:49:47 GMT", now: now) == .seconds(10))
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:49:27 GMT", now: now) == .zero, "a date in the past means now")
        #expect(RetryAfter.parse("soon") == nil)
        #expect(RetryAfter.parse("-5") == nil)
    }

    @Test("malformed protobuf from a collector is read safely")
    func protoReader() {
        #expect(PartialSuccess(protobuf: [0x0A, 0x05, 0x08]).rejected == 0)
        #expect(PartialSuccess(protobuf: [0xFF, 0xFF, 0xFF]).rejected == 0)
        #expect(PartialSuccess(protobuf: [0x0A, 0x02, 0x08, 0x03]).rejected == 3)
        #expect(GoogleRPCStatus.retryDelay(in: [0x1A, 0x7F, 0x00]) == nil)
        var random = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let bytes = (0..<Int.random(in: 0...40, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            _ = PartialSuccess(protobuf: bytes)
            _ = GoogleRPCStatus.retryDelay(in: bytes)
            _ = PartialSuccess(json: bytes)
        }
    }
}
