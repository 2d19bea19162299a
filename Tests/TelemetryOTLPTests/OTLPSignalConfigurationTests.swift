import Foundation
import Logging
import Telemetry
@testable import TelemetryOTLP
import TelemetryTesting
import Testing

/// The `OTEL_EXPORTER_OTLP_<SIGNAL>_*` variables, for every signal: each exporter reads its own and the generic ones,
/// never another signal's.
@Suite("OTLP exporter configuration, per signal")
struct OTLPSignalConfigurationTests {
    static let signals: [OTLPSignal] = [.traces, .logs, .metrics]

    func resolve(
        _ signal: OTLPSignal,
        _ environment: [String: String],
        isStrict: Bool = false,
        logs: LogCapture = LogCapture()
    ) throws -> OTLPResolvedConfiguration {
        try OTLPExporterCore<LogRecordData>.resolve(
            OTLPExporterConfiguration(), signal: signal, environment: environment, isStrict: isStrict, logger: logs.logger()
        ).configuration
    }

    /// The other signal, whose specific variables must be ignored.
    func other(_ signal: OTLPSignal) -> OTLPSignal {
        signal.variableName == "LOGS" ? .traces : .logs
    }

    @Test("defaults: http/protobuf to localhost:4318 and the signal's path; gRPC to localhost:4317", arguments: signals)
    func defaults(signal: OTLPSignal) throws {
        #expect(try resolve(signal, [:]).endpoint.url == "http://localhost:4318" + signal.path)
        let grpc = try resolve(signal, ["OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"])
        #expect(grpc.endpoint == OTLPEndpoint(host: "localhost", port: 4317, path: "", usesTLS: false))
    }

    @Test("the signal's endpoint is used as is; the generic one gets the signal's path; another signal's is ignored", arguments: signals)
    func endpoints(signal: OTLPSignal) throws {
        let specific = "OTEL_EXPORTER_OTLP_\(signal.variableName)_ENDPOINT"
        #expect(try resolve(signal, [specific: "http://specific:9999/custom?tenant=a"]).endpoint.url == "http://specific:9999/custom?tenant=a")
        #expect(try resolve(signal, ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"]).endpoint.url
            == "http://collector:4318" + signal.path)
        #expect(try resolve(signal, ["OTEL_EXPORTER_OTLP_ENDPOINT": "https://collector/otlp/"]).endpoint.url
            == "https://collector:443/otlp" + signal.path)
        #expect(try resolve(signal, ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://generic:4318", specific: "http://specific:1/x"]).endpoint.url
            == "http://specific:1/x")
        let otherSpecific = "OTEL_EXPORTER_OTLP_\(other(signal).variableName)_ENDPOINT"
        #expect(try resolve(signal, ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://generic:4318", otherSpecific: "http://other:1/x"]).endpoint.url
            == "http://generic:4318" + signal.path)
        let grpc = try resolve(signal, ["OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT": "https://collector:4317"])
        #expect(grpc.endpoint == OTLPEndpoint(host: "collector", port: 4317, path: "", usesTLS: true), "gRPC adds no path")
    }

    @Test("protocol, headers, compression and timeout are read in the generic and the signal's form, the signal's winning", arguments: signals)
    func variables(signal: OTLPSignal) throws {
        let specific = "OTEL_EXPORTER_OTLP_\(signal.variableName)_"
        for prefix in ["OTEL_EXPORTER_OTLP_", specific] {
            let resolved = try resolve(signal, [
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
        let both = try resolve(signal, [
            "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json", specific + "PROTOCOL": "grpc",
            "OTEL_EXPORTER_OTLP_HEADERS": "k=generic", specific + "HEADERS": "k=specific",
            "OTEL_EXPORTER_OTLP_COMPRESSION": "none", specific + "COMPRESSION": "gzip",
            "OTEL_EXPORTER_OTLP_TIMEOUT": "1000", specific + "TIMEOUT": "2000",
        ])
        #expect(both.protocol == .grpc)
        #expect(both.headers.first?.value == "specific")
        #expect(both.compression == .gzip)
        #expect(both.timeout == .seconds(2))
        let otherSpecific = "OTEL_EXPORTER_OTLP_\(other(signal).variableName)_"
        let ignored = try resolve(signal, [
            otherSpecific + "PROTOCOL": "grpc", otherSpecific + "HEADERS": "k=v", otherSpecific + "COMPRESSION": "gzip",
            otherSpecific + "TIMEOUT": "1",
        ])
        #expect(ignored.protocol == .httpProtobuf && ignored.headers.isEmpty && ignored.compression == .none)
        #expect(ignored.timeout == .seconds(10))
    }

    @Test("the signal's INSECURE decides TLS for a gRPC endpoint without a scheme", arguments: signals)
    func insecure(signal: OTLPSignal) throws {
        let base = ["OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4317"]
        #expect(try resolve(signal, base).endpoint.usesTLS)
        let plain = try resolve(signal, base.merging(["OTEL_EXPORTER_OTLP_\(signal.variableName)_INSECURE": "true"]) { $1 })
        #expect(!plain.endpoint.usesTLS)
        let specificWins = try resolve(signal, base.merging([
            "OTEL_EXPORTER_OTLP_INSECURE": "true", "OTEL_EXPORTER_OTLP_\(signal.variableName)_INSECURE": "false",
        ]) { $1 })
        #expect(specificWins.endpoint.usesTLS)
    }

    @Test("the signal's certificate variables are read, and must name readable files", arguments: signals)
    func certificates(signal: OTLPSignal) throws {
        let prefix = "OTEL_EXPORTER_OTLP_\(signal.variableName)_"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("otlp-signal-\(UUID().uuidString).pem")
        try Data("x".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let resolved = try resolve(signal, [
            prefix + "CERTIFICATE": file.path, prefix + "CLIENT_CERTIFICATE": file.path, prefix + "CLIENT_KEY": file.path,
        ])
        #expect(resolved.certificateFile == file.path)
        #expect(resolved.clientCertificateFile == file.path && resolved.clientKeyFile == file.path)
        for suffix in ["CERTIFICATE", "CLIENT_CERTIFICATE", "CLIENT_KEY"] {
            let variable = prefix + suffix
            var environment = [variable: "/nonexistent/\(suffix.lowercased()).pem"]
            // The other half of mTLS is valid, so that only the missing file is reported.
            if suffix == "CLIENT_CERTIFICATE" { environment[prefix + "CLIENT_KEY"] = file.path }
            if suffix == "CLIENT_KEY" { environment[prefix + "CLIENT_CERTIFICATE"] = file.path }
            let error = try #require(throws: TelemetryConfigurationError.self) { try resolve(signal, environment, isStrict: true) }
            #expect(error.variable == variable)
        }
    }

    @Test("strict: an invalid signal variable throws, naming it and its value", arguments: signals)
    func invalidStrict(signal: OTLPSignal) throws {
        let prefix = "OTEL_EXPORTER_OTLP_\(signal.variableName)_"
        for (suffix, value) in [("PROTOCOL", "udp"), ("ENDPOINT", "collector:4318"), ("COMPRESSION", "zip"), ("TIMEOUT", "-1")] {
            let error = try #require(throws: TelemetryConfigurationError.self) {
                try resolve(signal, [prefix + suffix: value], isStrict: true)
            }
            #expect(error.variable == prefix + suffix)
            #expect(error.value == value)
        }
        let insecure = try #require(throws: TelemetryConfigurationError.self) {
            try resolve(signal, [
                prefix + "INSECURE": "maybe", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4317",
            ], isStrict: true)
        }
        #expect(insecure.variable == prefix + "INSECURE")
        let headers = try #require(throws: TelemetryConfigurationError.self) {
            try resolve(signal, [prefix + "HEADERS": "api-key=%ZZsecret"], isStrict: true)
        }
        #expect(headers.variable == prefix + "HEADERS")
        #expect(!headers.description.contains("secret"))
    }

    @Test("the logs exporter and its factory read the LOGS variables")
    func logsExporter() async throws {
        let environment = [
            "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": "http://logs:9999/ingest", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://traces:1/x",
            "OTEL_EXPORTER_OTLP_LOGS_HEADERS": "x-tenant=acme",
        ]
        let exporter = try OTLPLogRecordExporter(environment: environment, isStrict: true)
        #expect(exporter.endpointDescription == "http/protobuf http://logs:9999/ingest")
        #expect(exporter.configuration.headers.map(\.name) == ["x-tenant"])
        await exporter.shutdown()
        let made = try OTLPLogRecordExporterFactory().makeLogRecordExporter(environment: environment, isStrict: true, logger: LogCapture().logger())
        let fromFactory = try #require(made as? OTLPLogRecordExporter)
        #expect(fromFactory.endpointDescription == "http/protobuf http://logs:9999/ingest")
        await fromFactory.shutdown()
        let generic = try OTLPLogRecordExporter(environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"])
        #expect(generic.endpointDescription == "http/protobuf http://collector:4318/v1/logs")
        await generic.shutdown()
        let secret = "pa55w0rd"
        var userInfo = OTLPExporterConfiguration()
        userInfo.endpoint = "http://alice:\(secret)@collector:4318/v1/logs"
        let logs = LogCapture()
        let withUserInfo = try OTLPLogRecordExporter(configuration: userInfo, environment: [:], logger: logs.logger())
        #expect(withUserInfo.endpointDescription == "http/protobuf http://collector:4318/v1/logs")
        #expect(logs.warnings.contains { $0.contains("user-info") } && !logs.contains(secret))
        await withUserInfo.shutdown()
    }

    @Test("TelemetryConfiguration.otlp() registers the logs exporter too, so otlp is the default for logs")
    func otlpRegistersLogs() throws {
        let configuration = TelemetryConfiguration.otlp()
        #expect(configuration.logs.exporterFactories.map(\.name) == ["otlp"])
        let service = try TelemetrySystem.makeService(configuration, environment: [:])
        #expect(service.loggerProvider.processors.count == 1)
        #expect(service.loggerProvider.processors.first is BatchLogRecordProcessor)
        let none = try TelemetrySystem.makeService(.otlp(), environment: ["OTEL_LOGS_EXPORTER": "none"])
        #expect(none.loggerProvider.processors.isEmpty)
        #expect(none.tracerProvider.processors.count == 1, "the traces exporter is unaffected")
    }
}

extension OTLPSignalConfigurationTests {
    @Test("a base endpoint set in code gets each signal's path over HTTP, wins over the variables, and loses to endpoint",
          arguments: signals)
    func baseEndpoint(signal: OTLPSignal) throws {
        var configuration = OTLPExporterConfiguration()
        configuration.baseEndpoint = "http://collector:4318"
        func resolve(_ environment: [String: String]) throws -> String {
            try OTLPExporterCore<LogRecordData>.resolve(
                configuration, signal: signal, environment: environment, isStrict: true, logger: LogCapture().logger()
            ).configuration.endpoint.url
        }
        #expect(try resolve([:]) == "http://collector:4318" + signal.path)
        #expect(try resolve(["OTEL_EXPORTER_OTLP_\(signal.variableName)_ENDPOINT": "http://env:1/x"]) == "http://collector:4318" + signal.path)
        configuration.endpoint = "http://exact:1/path"
        #expect(try resolve([:]) == "http://exact:1/path")
        configuration.endpoint = nil
        configuration.protocol = .grpc
        #expect(try resolve([:]) == "http://collector:4318", "gRPC adds no path")
    }

    @Test("a bad shared OTEL_EXPORTER_OTLP_* value is reported once, though both signals' exporters read it")
    func sharedVariableWarnsOnce() throws {
        let capture = LogCapture()
        var configuration = TelemetryConfiguration.otlp()
        configuration.logger = capture.logger()
        let service = try TelemetrySystem.makeService(
            configuration, environment: ["OTEL_EXPORTER_OTLP_TIMEOUT": "soon", "OTEL_EXPORTER_OTLP_COMPRESSION": "zip"])
        #expect(service.loggerProvider.processors.count == 1 && service.tracerProvider.processors.count == 1)
        #expect(capture.warnings.filter { $0.contains("OTEL_EXPORTER_OTLP_TIMEOUT") }.count == 1, "\(capture.lines)")
        #expect(capture.warnings.filter { $0.contains("OTEL_EXPORTER_OTLP_COMPRESSION") }.count == 1)
    }
}

extension OTLPSignal: CustomTestStringConvertible {
    public var testDescription: String { variableName }
}
