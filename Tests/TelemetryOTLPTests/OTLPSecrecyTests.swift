import AsyncHTTPClient
import Foundation
import Telemetry
@testable import TelemetryOTLP
import TelemetryTesting
import Testing

/// A header value is a secret: whichever way it is set, and whatever goes wrong, it never reaches a log line (at
/// `trace` level) or an error's description.
@Suite("OTLP header secrecy")
struct OTLPSecrecyTests {
    /// Every secret carries this marker, so that a search finds it however the rest is escaped.
    static let marker = "s3cr3t"
    /// Secrets with a byte no header may carry, as code would set them.
    static let rawSecrets = ["\(marker)\nvalue", "\(marker)\u{0}value", "\(marker)\u{7F}value", "\(marker)\r\nvalue"]
    /// The same secrets percent-encoded, as `OTEL_EXPORTER_OTLP_HEADERS` holds them.
    static let encodedSecrets = ["\(marker)%0Avalue", "\(marker)%00value", "\(marker)%7Fvalue", "\(marker)%0D%0Avalue"]

    @Test("set in code: the exporter throws naming the key, and nothing shows the value", arguments: rawSecrets, [OTLPProtocol.httpProtobuf, .grpc])
    func fromCode(secret: String, protocol: OTLPProtocol) throws {
        let logs = LogCapture()
        var configuration = OTLPExporterConfiguration()
        configuration.protocol = `protocol`
        configuration.headers = ["X-API-Key": secret]
        let error = try #require(throws: TelemetryConfigurationError.self) {
            try OTLPSpanExporter(configuration: configuration, environment: [:], logger: logs.logger())
        }
        #expect(error.description.contains("x-api-key"))
        #expect(!error.description.contains(Self.marker), "\(error)")
        #expect(!logs.contains(Self.marker), "\(logs.lines)")
    }

    @Test("set in a variable: the entry is left out with a warning naming the variable, and nothing shows the value", arguments: encodedSecrets)
    func fromEnvironment(secret: String) async throws {
        let logs = LogCapture()
        let environment = ["OTEL_EXPORTER_OTLP_HEADERS": "x-api-key=\(secret),x-tenant=acme"]
        let exporter = try OTLPSpanExporter(environment: environment, isStrict: false, logger: logs.logger())
        #expect(exporter.configuration.headers.map(\.name) == ["x-tenant"])
        #expect(logs.warnings.count == 1)
        #expect(logs.warnings.allSatisfy { $0.contains("OTEL_EXPORTER_OTLP_HEADERS") && $0.contains("x-api-key") })
        #expect(!logs.contains(Self.marker), "\(logs.lines)")
        await exporter.shutdown()

        let strictLogs = LogCapture()
        let error = try #require(throws: TelemetryConfigurationError.self) {
            try OTLPSpanExporter(environment: environment, isStrict: true, logger: strictLogs.logger())
        }
        #expect(error.variable == "OTEL_EXPORTER_OTLP_HEADERS" && error.value == nil)
        #expect(!error.description.contains(Self.marker), "\(error)")
        #expect(!strictLogs.contains(Self.marker))
    }

    @Test("telemetrygen --otlp-header: a bad header is an error naming the key only", arguments: rawSecrets)
    func fromTelemetrygen(secret: String) throws {
        for `protocol` in [OTLPProtocol.grpc, .httpProtobuf] {
            let error = try #require(throws: TelemetryConfigurationError.self) {
                try OTLPHeaderField.parseArgument("X-API-Key=\(secret)", protocol: `protocol`)
            }
            #expect(error.reason.contains("x-api-key"))
            #expect(!error.description.contains(Self.marker), "\(error)")
        }
    }

    @Test("telemetrygen --otlp-header: malformed arguments are errors, not traps")
    func telemetrygenSyntax() throws {
        for argument in ["=", "", "=\(Self.marker)", " =\(Self.marker)", "no-equals-\(Self.marker)", "bad name=\(Self.marker)"] {
            let error = try #require(throws: TelemetryConfigurationError.self, "\(argument)") {
                try OTLPHeaderField.parseArgument(argument, protocol: .grpc)
            }
            #expect(!error.description.contains(Self.marker), "\(error)")
        }
        let quoted = try OTLPHeaderField.parseArgument("Authorization=\"Bearer abc\"", protocol: .grpc)
        #expect(quoted.name == "authorization" && quoted.value == "Bearer abc")
        let empty = try OTLPHeaderField.parseArgument("x-empty=", protocol: .httpProtobuf)
        #expect(empty.name == "x-empty" && empty.value.isEmpty)
    }

    @Test("library errors are described without header values")
    func failureDescriptions() {
        let secret = "\(Self.marker)-token"
        let redactor = OTLPRedactor(headers: [("x-api-key", secret), ("x-other", "\(Self.marker)\tvalue")])
        let invalid = HTTPClientError.invalidHeaderFieldValues([secret])
        #expect(String(describing: invalid).contains(Self.marker), "AsyncHTTPClient's own description holds the value")
        #expect(!OTLPFailureDescription.describe(invalid, redactor: redactor).contains(Self.marker))
        #expect(OTLPFailureDescription.isPermanent(invalid), "a request the client refuses is never retried")
        #expect(OTLPFailureDescription.isPermanent(HTTPClientError.invalidHeaderFieldNames([secret])))
        #expect(!OTLPFailureDescription.isPermanent(HTTPClientError.connectTimeout))

        struct Echo: Error, CustomStringConvertible { var description: String }
        for text in ["failed with \(secret)", "failed with \(["\(Self.marker)\tvalue"])"] {
            #expect(!OTLPFailureDescription.describe(Echo(description: text), redactor: redactor).contains(Self.marker), "\(text)")
        }
    }

    @Test("a collector's or a library's text that echoes a header is redacted before it is logged or thrown")
    func echoedSecret() async throws {
        let secret = "\(Self.marker)-token-123"
        let response = partialSuccess(rejected: 1, message: "bad key \(secret)")
        let transport = ScriptedTransport([
            .retryable(reason: "HTTP client error: \(secret)", retryAfter: nil),
            .rejected(reason: "HTTP 401: key \(secret) is unknown"),
            .accepted(response),
        ])
        let clock = TestClock()
        let logs = LogCapture()
        let exporter = OTLPSpanExporter(
            configuration: try resolvedConfiguration { $0.headers = ["x-api-key": secret] },
            transport: transport, logger: logs.logger(), clock: clock, jitter: { 1 })
        let spans = try makeSpans(2)
        let failing = Task { try await exporter.export(spans) }
        try #require(await sleeps(before: failing, on: clock), "the export waits to retry")
        clock.advanceToNextDeadline()
        let error = await #expect(throws: OTLPExportError.self) { try await failing.value }
        #expect(error?.description.contains("401") == true)
        #expect(error?.description.contains(Self.marker) == false, "\(String(describing: error))")
        try await exporter.export(spans)
        #expect(exporter.statistics.rejected == 1)
        #expect(logs.lines.count >= 2, "the retry and the partial success are logged")
        #expect(!logs.contains(Self.marker), "\(logs.lines)")
    }

    @Test("a transport that fails for real logs and throws without the header value", arguments: [OTLPProtocol.httpProtobuf, .grpc])
    func realTransportFailure(protocol: OTLPProtocol) async throws {
        let secret = "\(Self.marker)-token-456"
        let port = try freePort()
        let resolved = try resolvedConfiguration {
            $0.protocol = `protocol`
            $0.endpoint = `protocol` == .grpc ? "http://127.0.0.1:\(port)" : "http://127.0.0.1:\(port)/v1/traces"
            $0.headers = ["x-api-key": secret]
            $0.timeout = .seconds(10)
            $0.retry = OTLPRetryPolicy(initialBackoff: .seconds(6), maxBackoff: .seconds(6))
        }
        let transport: any OTLPTransport = `protocol` == .grpc
            ? try OTLPGRPCTransport(configuration: resolved, service: OTLPSpanExporter.traceService)
            : try OTLPHTTPTransport(configuration: resolved)
        let clock = TestClock()
        let logs = LogCapture()
        let exporter = OTLPSpanExporter(configuration: resolved, transport: transport, logger: logs.logger(), clock: clock, jitter: { 1 })
        let connections = Task { try await exporter.run() }
        let export = Task { try await exporter.export(try makeSpans()) }
        // Nothing listens: the first attempt fails, one 6 s wait fits in the 10 s timeout, the second does not.
        try #require(await sleeps(before: export, on: clock), "the export waits to retry")
        clock.advanceToNextDeadline()
        let error = await #expect(throws: OTLPExportError.self) { try await export.value }
        #expect(error?.attempts == 2)
        #expect(error?.description.contains(Self.marker) == false, "\(String(describing: error))")
        #expect(logs.contains("Retrying"))
        #expect(!logs.contains(Self.marker), "\(logs.lines)")
        await exporter.shutdown()
        connections.cancel()
        _ = try? await connections.value
    }

    /// An `ExportTraceServiceResponse` with a partial success.
    func partialSuccess(rejected: UInt8, message: String) -> [UInt8] {
        let text = Array(message.utf8)
        let inner = [0x08, rejected, 0x12, UInt8(text.count)] + text
        return [0x0A, UInt8(inner.count)] + inner
    }
}
