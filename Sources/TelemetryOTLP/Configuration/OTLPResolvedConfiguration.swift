import Foundation
import Telemetry

/// The OTLP exporter's settings after code, `OTEL_EXPORTER_OTLP_<SIGNAL>_*`, `OTEL_EXPORTER_OTLP_*` and defaults.
///
/// A value set in code that cannot work throws: it is a programming error. An unusable variable follows the
/// specification's rule through ``Environment/reject(_:value:reason:)``: one warning and the default, or a throw in
/// strict mode.
struct OTLPResolvedConfiguration: Sendable {
    var endpoint: OTLPEndpoint
    var `protocol`: OTLPProtocol
    var headers: [(name: String, value: String)]
    var compression: OTLPCompression
    /// The longest one batch may take, retries included; `.zero` means no limit.
    var timeout: Duration
    var certificateFile: String?
    var clientCertificateFile: String?
    var clientKeyFile: String?
    var retry: OTLPRetryPolicy
    /// Whether the endpoint had user-info, which is never sent; the exporter warns about it.
    var droppedUserInfo = false

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
            if let parsed = OTLPProtocol(rawValue: value.lowercased()) {
                self.protocol = parsed
            } else {
                try environment.reject(name, value: value, reason: "expected grpc, http/protobuf or http/json; http/protobuf applies")
                self.protocol = .httpProtobuf
            }
        } else {
            self.protocol = .httpProtobuf
        }

        var insecure = false
        if let value = configuration.insecure {
            insecure = value
        } else if let (name, _) = variable("INSECURE") {
            insecure = try environment.boolean(name) ?? false
        }

        let defaultEndpoint = self.protocol == .grpc
            ? OTLPEndpoint(host: "localhost", port: 4317, path: "", usesTLS: false)
            : OTLPEndpoint(host: "localhost", port: 4318, path: signalPath, usesTLS: false)
        // The signal-specific endpoint, from code or its variable, is used as is; the generic one is a base URL.
        let endpointSource: (value: String, variable: String?, signalPath: String?)?
        if let value = configuration.endpoint {
            endpointSource = (value, nil, nil)
        } else if let value = configuration.baseEndpoint {
            endpointSource = (value, nil, self.protocol == .grpc ? nil : signalPath)
        } else if let value = environment.string(specific + "ENDPOINT") {
            endpointSource = (value, specific + "ENDPOINT", nil)
        } else if let value = environment.string(generic + "ENDPOINT") {
            endpointSource = (value, generic + "ENDPOINT", self.protocol == .grpc ? nil : signalPath)
        } else {
            endpointSource = nil
        }
        if let (value, name, path) = endpointSource {
            do {
                (endpoint, droppedUserInfo) = try OTLPEndpoint.parse(
                    value, variable: name, protocol: self.protocol, insecure: insecure, appendingSignalPath: path)
            } catch let error as TelemetryConfigurationError {
                guard let name else { throw error }
                try environment.reject(name, value: error.value, reason: "\(error.reason); \(defaultEndpoint.url) applies")
                endpoint = defaultEndpoint
            }
        } else {
            endpoint = defaultEndpoint
        }

        if let value = configuration.headers {
            headers = try Self.validatedHeaders(value, protocol: self.protocol)
        } else if let (name, value) = variable("HEADERS") {
            headers = try Self.parseHeaders(value, variable: name, protocol: self.protocol, environment: environment)
        } else {
            headers = []
        }

        if let value = configuration.compression {
            compression = value
        } else if let (name, value) = variable("COMPRESSION") {
            if let parsed = OTLPCompression(rawValue: value.lowercased()) {
                compression = parsed
            } else {
                try environment.reject(name, value: value, reason: "expected gzip or none; none applies")
                compression = .none
            }
        } else {
            compression = .none
        }

        if let value = configuration.timeout {
            guard value >= .zero else {
                throw TelemetryConfigurationError(
                    variable: nil, value: "\(value)", reason: "the export timeout cannot be negative; .zero means no limit")
            }
            // Saturated like the variable, so that no clock or library conversion of it can overflow.
            timeout = min(value, .longestConfigurable)
        } else if let (name, _) = variable("TIMEOUT") {
            timeout = try environment.milliseconds(name) ?? .seconds(10)
        } else {
            timeout = .seconds(10)
        }

        func file(_ code: String?, _ suffix: String) throws -> (path: String, variable: String?)? {
            if let code { return (code, nil) }
            guard let (name, path) = variable(suffix) else { return nil }
            guard FileManager.default.isReadableFile(atPath: path) else {
                try environment.reject(name, value: path, reason: "the file does not exist or cannot be read; it is ignored")
                return nil
            }
            return (path, name)
        }
        certificateFile = try file(configuration.certificateFile, "CERTIFICATE")?.path
        let clientCertificate = try file(configuration.clientCertificateFile, "CLIENT_CERTIFICATE")
        let clientKey = try file(configuration.clientKeyFile, "CLIENT_KEY")
        if (clientCertificate == nil) != (clientKey == nil) {
            let reason = "mTLS needs both a client certificate and a client key"
            // Either half from code makes it a programming error; halves from variables are ignored with a warning.
            guard let present = clientCertificate ?? clientKey, let name = present.variable else {
                throw TelemetryConfigurationError(variable: nil, value: nil, reason: reason)
            }
            try environment.reject(name, value: present.path, reason: "\(reason); mTLS is off")
            clientCertificateFile = nil
            clientKeyFile = nil
        } else {
            clientCertificateFile = clientCertificate?.path
            clientKeyFile = clientKey?.path
        }
        retry = configuration.retry
    }

    /// Headers set in code, lowercased and checked. Errors name the key, never the value.
    static func validatedHeaders(_ headers: [String: String], protocol: OTLPProtocol) throws -> [(name: String, value: String)] {
        try headers.sorted { $0.key < $1.key }.map { name, value in
            let lowercased = name.lowercased()
            if let problem = OTLPHeaderField.problem(name: lowercased, value: value, protocol: `protocol`) {
                throw TelemetryConfigurationError(variable: nil, value: nil, reason: problem)
            }
            return (lowercased, value)
        }
    }

    /// Parses `name=value,…` with percent-decoded values. A bad entry is reported through `environment` and left
    /// out; the others apply. Reports never include a value: headers carry secrets.
    static func parseHeaders(
        _ raw: String,
        variable: String,
        protocol: OTLPProtocol,
        environment: Environment
    ) throws -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        for (index, member) in raw.split(separator: ",", omittingEmptySubsequences: true).enumerated() {
            func reject(_ reason: String) throws {
                try environment.reject(variable, value: nil, reason: "entry \(index + 1) \(reason); it is ignored")
            }
            guard let equals = member.firstIndex(of: "=") else {
                try reject("is not name=value")
                continue
            }
            let name = member[member.startIndex..<equals].trimmingWhitespace().lowercased()
            let encoded = member[member.index(after: equals)...].trimmingWhitespace()
            guard OTLPHeaderField.isToken(name) else {
                try reject(name.isEmpty ? "has no name" : "has a name, \(OTLPHeaderField.describeName(name)), that is not a token")
                continue
            }
            guard let value = PercentEncoding.decode(Array(encoded.utf8)) else {
                try reject("(\(name)) has a malformed percent-encoding or is not UTF-8")
                continue
            }
            // Checked after decoding: %00, %0A or %7F decode to bytes no header may carry.
            if let problem = OTLPHeaderField.problem(name: name, value: value, protocol: `protocol`) {
                try reject("is unusable: \(problem)")
                continue
            }
            headers.append((name, value))
        }
        return headers
    }
}
