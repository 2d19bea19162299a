import Foundation
import Telemetry
@testable import TelemetryOTLP
import TelemetryTesting
import Testing

@Suite("OTLP exporter configuration")
struct OTLPConfigurationTests {
    func resolve(
        _ environment: [String: String],
        _ configuration: OTLPExporterConfiguration = .init(),
        isStrict: Bool = false,
        logs: LogCapture = LogCapture()
    ) throws -> OTLPResolvedConfiguration {
        try OTLPResolvedConfiguration(configuration, environment: Environment(environment, isStrict: isStrict, logger: logs.logger()))
    }

    func configurationError(
        _ environment: [String: String],
        _ configuration: OTLPExporterConfiguration = .init(),
        isStrict: Bool = true
    ) -> TelemetryConfigurationError? {
        do {
            _ = try resolve(environment, configuration, isStrict: isStrict)
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

    @Test("a signal endpoint keeps its query string, from the variable and from code")
    func endpointQuery() throws {
        let specific = "http://specific:9999/v1/traces?tenant=a%20b&region=eu"
        #expect(try resolve(["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": specific]).endpoint.url == specific)
        var configuration = OTLPExporterConfiguration()
        configuration.endpoint = "https://code:4318/ingest?key=k1"
        #expect(try resolve([:], configuration).endpoint.url == "https://code:4318/ingest?key=k1")
        // The generic endpoint is a base URL: the signal path goes into the path, before the query.
        #expect(try resolve(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://generic:4318/base?x=1"]).endpoint.url
            == "http://generic:4318/base/v1/traces?x=1")
    }

    @Test("an endpoint's user-info never appears: not in the URL, not in an error, not in a log line")
    func endpointUserInfo() async throws {
        let secret = "pa55w0rd"
        var configuration = OTLPExporterConfiguration()
        configuration.endpoint = "http://alice:\(secret)@collector:4318/v1/traces?q=1"
        let logs = LogCapture()
        let exporter = try OTLPSpanExporter(configuration: configuration, environment: [:], logger: logs.logger())
        #expect(exporter.endpointDescription == "http/protobuf http://collector:4318/v1/traces?q=1")
        #expect(logs.warnings.contains { $0.contains("user-info") }, "the dropped user-info is reported")
        #expect(!logs.contains(secret) && !logs.contains("alice"))
        await exporter.shutdown()

        // Malformed endpoints, from code and from the variable, strict or not.
        for bad in ["ftp://alice:\(secret)@collector", "http://alice:\(secret)@collector:99999", "http://alice:p/\(secret)@collector:x"] {
            var code = OTLPExporterConfiguration()
            code.endpoint = bad
            let fromCode = try #require(configurationError([:], code, isStrict: false))
            #expect(!fromCode.description.contains(secret), "\(fromCode)")
            let strict = try #require(configurationError(["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": bad]))
            #expect(strict.variable == "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
            #expect(!strict.description.contains(secret), "\(strict)")
            let warned = LogCapture()
            let resolved = try resolve(["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": bad], logs: warned)
            #expect(resolved.endpoint.url == "http://localhost:4318/v1/traces")
            #expect(warned.warnings.count == 1)
            #expect(!warned.contains(secret))
        }
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

    @Test("a timeout of 0 means no limit, and a huge one saturates instead of trapping")
    func timeouts() throws {
        #expect(try resolve(["OTEL_EXPORTER_OTLP_TIMEOUT": "0"]).timeout == .zero)
        #expect(try resolve(["OTEL_EXPORTER_OTLP_TIMEOUT": "9223372036854775807"]).timeout == .longestConfigurable)
        #expect(try resolve(["OTEL_EXPORTER_OTLP_TRACES_TIMEOUT": "99999999999999999999999"]).timeout == .longestConfigurable)
        var configuration = OTLPExporterConfiguration()
        configuration.timeout = .zero
        #expect(try resolve([:], configuration).timeout == .zero)
        configuration.timeout = .seconds(Int64.max)
        #expect(try resolve([:], configuration).timeout == .longestConfigurable)
        configuration.timeout = .milliseconds(-1)
        #expect(configurationError([:], configuration, isStrict: false) != nil, "a negative timeout in code is an error")
    }

    @Test("certificate files from variables must exist; mTLS needs both halves")
    func certificates() throws {
        let missing = try #require(configurationError(["OTEL_EXPORTER_OTLP_CERTIFICATE": "/nonexistent/ca.pem"]))
        #expect(missing.variable == "OTEL_EXPORTER_OTLP_CERTIFICATE")
        #expect(missing.description.contains("/nonexistent/ca.pem"))
        let logs = LogCapture()
        let ignored = try resolve(["OTEL_EXPORTER_OTLP_CERTIFICATE": "/nonexistent/ca.pem"], logs: logs)
        #expect(ignored.certificateFile == nil)
        #expect(logs.warnings.count == 1 && logs.warnings.allSatisfy { $0.contains("OTEL_EXPORTER_OTLP_CERTIFICATE") })

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("otlp-config-\(UUID().uuidString).pem")
        try Data("x".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let onlyCertificate = try #require(configurationError(["OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE": file.path]))
        #expect(onlyCertificate.reason.contains("both"))
        let halfLogs = LogCapture()
        let half = try resolve(["OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE": file.path], logs: halfLogs)
        #expect(half.clientCertificateFile == nil && half.clientKeyFile == nil)
        #expect(halfLogs.warnings.count == 1)
        var code = OTLPExporterConfiguration()
        code.clientKeyFile = file.path
        #expect(configurationError([:], code, isStrict: false) != nil, "half of mTLS set in code is an error")

        let resolved = try resolve([
            "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE": file.path, "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE": file.path,
            "OTEL_EXPORTER_OTLP_CLIENT_KEY": file.path,
        ])
        #expect(resolved.certificateFile == file.path && resolved.clientKeyFile == file.path)
    }

    static let invalidValues: [(String, String)] = [
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/xml"), ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "udp"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "ftp://collector"), ("OTEL_EXPORTER_OTLP_ENDPOINT", "not a url"),
        ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "collector:4318"), ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:99999"),
        ("OTEL_EXPORTER_OTLP_COMPRESSION", "brotli"), ("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "zip"),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "10s"), ("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "-1"),
        ("OTEL_EXPORTER_OTLP_INSECURE", "maybe"), ("OTEL_EXPORTER_OTLP_TRACES_INSECURE", "1"),
        ("OTEL_EXPORTER_OTLP_CERTIFICATE", "/nonexistent/ca.pem"),
        ("OTEL_EXPORTER_OTLP_CLIENT_KEY", "/nonexistent/key.pem"), ("OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE", "/nonexistent/c.pem"),
    ]

    /// The variables some cases need beside the bad one: INSECURE only matters for gRPC without a scheme.
    static func environment(with variable: String, _ value: String) -> [String: String] {
        variable.contains("INSECURE")
            ? [variable: value, "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4317"]
            : [variable: value]
    }

    @Test("strict: an invalid variable throws, naming the variable and the value", arguments: invalidValues)
    func invalidStrict(variable: String, value: String) throws {
        let error = try #require(configurationError(Self.environment(with: variable, value), isStrict: true))
        #expect(error.variable == variable)
        #expect(error.value == value)
        #expect(error.description.contains(variable) && error.description.contains(value))
    }

    @Test("not strict: an invalid variable logs one warning naming it, and the default applies", arguments: invalidValues)
    func invalidFallsBack(variable: String, value: String) throws {
        let environment = Self.environment(with: variable, value)
        let logs = LogCapture()
        let resolved = try resolve(environment, logs: logs)
        var without = environment
        without[variable] = nil
        let defaults = try resolve(without)
        #expect(resolved.protocol == defaults.protocol)
        #expect(resolved.endpoint == defaults.endpoint)
        #expect(resolved.compression == defaults.compression)
        #expect(resolved.timeout == defaults.timeout)
        #expect(resolved.certificateFile == defaults.certificateFile)
        #expect(resolved.clientCertificateFile == defaults.clientCertificateFile && resolved.clientKeyFile == defaults.clientKeyFile)
        #expect(logs.warnings.count == 1)
        #expect(logs.warnings.first?.contains(variable) == true)
        #expect(logs.warnings.first?.contains(value) == true)
    }

    @Test("a bad header entry names the variable but never shows the value; not strict, only that entry is left out")
    func headerSecrecy() throws {
        for header in ["secret", "api-key=%ZZsecret", "=secret", "api-key=se%0Acret", "api-key=se%00cret", "api-key=se%7Fcret",
                       "api-key=se%E9cret", "Authorization: Bearer secret=x", "api key=secret"] {
            let error = try #require(configurationError(["OTEL_EXPORTER_OTLP_HEADERS": "ok=fine," + header]), "\(header)")
            #expect(error.variable == "OTEL_EXPORTER_OTLP_HEADERS")
            #expect(error.value == nil)
            #expect(!error.description.contains("secret") && !error.description.contains("cret"), "\(error)")

            let logs = LogCapture()
            let resolved = try resolve(["OTEL_EXPORTER_OTLP_HEADERS": "ok=fine," + header + ",other=kept"], logs: logs)
            #expect(resolved.headers.map(\.name) == ["ok", "other"], "\(header)")
            #expect(logs.warnings.count == 1)
            #expect(logs.warnings.allSatisfy { $0.contains("OTEL_EXPORTER_OTLP_HEADERS") })
            #expect(!logs.contains("secret") && !logs.contains("cret"), "\(logs.lines)")
        }
    }

    @Test("a bad header set in code throws, naming the key but not the value")
    func codeHeaders() throws {
        for (name, value) in [("X-Key", "se\ncret"), ("X-Key", "se\u{0}cret"), ("X-Key", "se\u{7F}cret"), ("X-Key", "se\rcret"),
                              ("Bad Name", "secret"), ("", "secret"), ("Authorization: Bearer secret", "x")] {
            var configuration = OTLPExporterConfiguration()
            configuration.headers = [name: value, "fine": "ok"]
            let error = try #require(configurationError([:], configuration, isStrict: false), "\(name)")
            #expect(error.value == nil)
            #expect(!error.description.contains("secret") && !error.description.contains("cret"), "\(error)")
            if name == "X-Key" { #expect(error.description.contains("\"x-key\"")) }
        }
        var tab = OTLPExporterConfiguration()
        tab.headers = ["x-key": "a\tb é"]
        #expect(try resolve([:], tab).headers.first?.value == "a\tb é", "HTAB and non-ASCII are valid HTTP field values")
        tab.protocol = .grpc
        #expect(configurationError([:], tab, isStrict: false) != nil, "gRPC metadata is printable ASCII only")
        var grpcName = OTLPExporterConfiguration()
        grpcName.protocol = .grpc
        grpcName.headers = ["x!key": "v"]
        #expect(configurationError([:], grpcName, isStrict: false) != nil)
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
        var strict = TelemetryConfiguration.otlp()
        strict.isStrict = true
        #expect(throws: TelemetryConfigurationError.self) {
            try TelemetrySystem.makeService(strict, environment: ["OTEL_EXPORTER_OTLP_PROTOCOL": "carrier-pigeon"])
        }
        let lenient = try TelemetrySystem.makeService(.otlp(), environment: ["OTEL_EXPORTER_OTLP_PROTOCOL": "carrier-pigeon"])
        #expect(lenient.tracerProvider.processors.count == 1, "not strict, the default protocol applies")
        var strictWithoutOTLP = TelemetryConfiguration()
        strictWithoutOTLP.isStrict = true
        let error = try #require(throws: TelemetryConfigurationError.self) {
            try TelemetrySystem.makeService(strictWithoutOTLP, environment: ["OTEL_TRACES_EXPORTER": "otlp"])
        }
        #expect(error.description.contains("TelemetryOTLP"))
    }

    @Test("Retry-After is read as seconds or as an HTTP-date")
    func retryAfter() {
        #expect(RetryAfter.parse("3") == .seconds(3))
        #expect(RetryAfter.parse("9223372036854775807") == .seconds(Int.max), "a huge delay does not trap")
        #expect(RetryAfter.parse("Fri, 31 Dec 9999 23:59:59 GMT") != nil, "nor does a date far away")
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
        var random = SeededGenerator(seed: 0x07_1F_2E_3D)
        for _ in 0..<20_000 {
            let bytes = (0..<Int.random(in: 0...40, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            _ = PartialSuccess(protobuf: bytes)
            _ = GoogleRPCStatus.retryDelay(in: bytes)
            _ = PartialSuccess(json: bytes)
        }
    }
}
