import Foundation
import Telemetry

/// The OTLP exporter's settings after code, `OTEL_EXPORTER_OTLP_<SIGNAL>_*`, `OTEL_EXPORTER_OTLP_*` and defaults.
struct OTLPResolvedConfiguration: Sendable {
    var endpoint: OTLPEndpoint
    var `protocol`: OTLPProtocol
    var headers: [(name: String, value: String)]
    var compression: OTLPCompression
    var timeout: Duration
    var certificateFile: String?
    var clientCertificateFile: String?
    var clientKeyFile: String?
    var retry: OTLPRetryPolicy

    /// Resolves `configuration` for one signal (`TRACES`, whose HTTP path is `/v1/traces`).
    init(
        _ configuration: OTLPExporterConfiguration,
        signal: String = "TRACES",
        signalPath: String = "/v1/traces",
        environment: Environment
    ) throws {
        let specific = "OTEL_EXPORTER_OTLP_\(signal)_"
        let generic = "OTEL_EXPORTER_OTLP_"
        func variable(_ suffix: String) -> (name: String, value: String)? {
            environment.first(specific + suffix, generic + suffix)
        }

        if let value = configuration.protocol {
            self.protocol = value
        } else if let (name, value) = variable("PROTOCOL") {
            guard let parsed = OTLPProtocol(rawValue: value.lowercased()) else {
                throw TelemetryConfigurationError(variable: name, value: value, reason: "expected grpc, http/protobuf or http/json")
            }
            self.protocol = parsed
        } else {
            self.protocol = .httpProtobuf
        }

        var insecure = false
        if let value = configuration.insecure {
            insecure = value
        } else if let (name, _) = variable("INSECURE") {
            insecure = try environment.boolean(name) ?? false
        }

        if let value = configuration.endpoint {
            endpoint = try .parse(value, variable: nil, protocol: self.protocol, insecure: insecure, appendingSignalPath: nil)
        } else if let value = environment.string(specific + "ENDPOINT") {
            endpoint = try .parse(value, variable: specific + "ENDPOINT", protocol: self.protocol, insecure: insecure, appendingSignalPath: nil)
        } else if let value = environment.string(generic + "ENDPOINT") {
            endpoint = try .parse(
                value,
                variable: generic + "ENDPOINT",
                protocol: self.protocol,
                insecure: insecure,
                appendingSignalPath: self.protocol == .grpc ? nil : signalPath
            )
        } else if self.protocol == .grpc {
            endpoint = OTLPEndpoint(host: "localhost", port: 4317, path: "", usesTLS: false)
        } else {
            endpoint = OTLPEndpoint(host: "localhost", port: 4318, path: signalPath, usesTLS: false)
        }

        if let value = configuration.headers {
            headers = value.sorted { $0.key < $1.key }.map { ($0.key.lowercased(), $0.value) }
        } else if let (name, value) = variable("HEADERS") {
            headers = try Self.parseHeaders(value, variable: name)
        } else {
            headers = []
        }

        if let value = configuration.compression {
            compression = value
        } else if let (name, value) = variable("COMPRESSION") {
            guard let parsed = OTLPCompression(rawValue: value.lowercased()) else {
                throw TelemetryConfigurationError(variable: name, value: value, reason: "expected gzip or none")
            }
            compression = parsed
        } else {
            compression = .none
        }

        if let value = configuration.timeout {
            timeout = value
        } else if let (name, _) = variable("TIMEOUT") {
            timeout = try environment.milliseconds(name) ?? .seconds(10)
        } else {
            timeout = .seconds(10)
        }

        func file(_ code: String?, _ suffix: String) throws -> String? {
            if let code { return code }
            guard let (name, path) = variable(suffix) else { return nil }
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw TelemetryConfigurationError(variable: name, value: path, reason: "the file does not exist or cannot be read")
            }
            return path
        }
        certificateFile = try file(configuration.certificateFile, "CERTIFICATE")
        clientCertificateFile = try file(configuration.clientCertificateFile, "CLIENT_CERTIFICATE")
        clientKeyFile = try file(configuration.clientKeyFile, "CLIENT_KEY")
        if (clientCertificateFile == nil) != (clientKeyFile == nil) {
            throw TelemetryConfigurationError(
                variable: specific + "CLIENT_KEY",
                value: nil,
                reason: "mTLS needs both a client certificate and a client key"
            )
        }
        retry = configuration.retry
    }

    /// Parses `name=value,…` with percent-decoded values. Errors never include the value: headers carry secrets.
    static func parseHeaders(_ raw: String, variable: String) throws -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        for (index, member) in raw.split(separator: ",", omittingEmptySubsequences: true).enumerated() {
            guard let equals = member.firstIndex(of: "=") else {
                throw TelemetryConfigurationError(variable: variable, value: nil, reason: "entry \(index + 1) is not name=value")
            }
            let name = member[member.startIndex..<equals].trimmingWhitespace().lowercased()
            let encoded = member[member.index(after: equals)...].trimmingWhitespace()
            guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }) else {
                throw TelemetryConfigurationError(variable: variable, value: nil, reason: "entry \(index + 1) has an invalid name")
            }
            guard let value = PercentEncoding.decode(Array(encoded.utf8)), !value.contains(where: { $0 == "\r" || $0 == "\n" })
            else {
                throw TelemetryConfigurationError(
                    variable: variable,
                    value: nil,
                    reason: "the value of entry \(index + 1) (\(name)) has a malformed percent-encoding"
                )
            }
            headers.append((name, value))
        }
        return headers
    }
}
