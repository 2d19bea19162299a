import ArgumentParser
import Telemetry
import TelemetryOTLP

/// The Collector telemetrygen's OTLP flags.
struct OTLPOptions: ParsableArguments {
    @Option(name: .customLong("otlp-endpoint"), help: "Where to send, host:port or a URL (default localhost:4317, or localhost:4318 with --otlp-http).")
    var endpoint: String?

    @Flag(name: .customLong("otlp-http"), help: "Send OTLP/HTTP (protobuf) instead of OTLP/gRPC.")
    var http = false

    @Flag(name: .customLong("otlp-insecure"), help: "Send without TLS.")
    var insecure = false

    @Option(name: .customLong("otlp-header"), help: "A header to send, name=value; repeatable.")
    var headers: [String] = []

    @Option(name: .customLong("otlp-compression"), help: "gzip or none.")
    var compression: String?

    var isRequested: Bool {
        endpoint != nil || http || insecure || !headers.isEmpty || compression != nil
    }

    func validate() throws {
        for header in headers {
            do {
                _ = try OTLPHeaderField.parseArgument(header, protocol: `protocol`)
            } catch let error as TelemetryConfigurationError {
                // The reason names the key at most, never the value: a header often carries a credential.
                throw ValidationError("--otlp-header: \(error.reason)")
            }
        }
        if let compression, OTLPCompression(rawValue: compression) == nil {
            throw ValidationError("--otlp-compression takes gzip or none, not \(compression)")
        }
    }

    private var `protocol`: OTLPProtocol { http ? .httpProtobuf : .grpc }

    /// The exporter configuration the flags describe; over HTTP, a `host:port` endpoint gets `signalPath`, such as
    /// `/v1/logs`, while a URL is used as is.
    func configuration(signalPath: String) -> OTLPExporterConfiguration {
        var configuration = OTLPExporterConfiguration()
        configuration.protocol = `protocol`
        if let endpoint {
            if endpoint.contains("://") {
                configuration.endpoint = endpoint
            } else {
                let scheme = insecure ? "http" : "https"
                configuration.endpoint = "\(scheme)://\(endpoint)\(http ? signalPath : "")"
            }
        } else {
            let scheme = insecure ? "http" : "https"
            configuration.endpoint = http ? "\(scheme)://localhost:4318\(signalPath)" : "\(scheme)://localhost:4317"
        }
        if !headers.isEmpty {
            var values: [String: String] = [:]
            // `validate()` has rejected any header that does not parse.
            for header in headers {
                guard let (name, value) = try? OTLPHeaderField.parseArgument(header, protocol: `protocol`) else { continue }
                values[name] = value
            }
            configuration.headers = values
        }
        configuration.compression = compression.flatMap(OTLPCompression.init(rawValue:))
        return configuration
    }
}
