import Telemetry

/// The OTLP transport and encoding.
public enum OTLPProtocol: String, Sendable, CaseIterable {
    /// OTLP/gRPC, usually on port 4317.
    case grpc = "grpc"
    /// Protobuf over HTTP, usually on port 4318: the specification's default.
    case httpProtobuf = "http/protobuf"
    /// JSON over HTTP, usually on port 4318.
    case httpJSON = "http/json"
}

/// Whether request bodies are compressed.
public enum OTLPCompression: String, Sendable, CaseIterable {
    /// No compression.
    case none
    /// gzip: `Content-Encoding: gzip` over HTTP, gRPC message compression over gRPC.
    case gzip
}

/// How a failed export is retried: exponential backoff with jitter, within the export ``OTLPExporterConfiguration/timeout``.
public struct OTLPRetryPolicy: Sendable, Hashable {
    /// The wait before the first retry. Default 1 second.
    public var initialBackoff: Duration
    /// The longest wait between two attempts. Default 5 seconds.
    public var maxBackoff: Duration
    /// How much the wait grows after each attempt. Default 1.5.
    public var multiplier: Double

    /// Creates a policy; each wait is drawn at random between half and all of the current backoff.
    ///
    /// A collector's `Retry-After` (HTTP) or `RetryInfo` (gRPC) delay is the least a wait lasts, and the backoff still
    /// applies, so `Retry-After: 0` still backs off. No wait is shorter than 50 milliseconds.
    public init(initialBackoff: Duration = .seconds(1), maxBackoff: Duration = .seconds(5), multiplier: Double = 1.5) {
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.multiplier = max(1, multiplier)
    }
}

/// What you set in code for the OTLP exporters. Anything left `nil` comes from the signal's variable
/// (`OTEL_EXPORTER_OTLP_TRACES_*` for spans, `OTEL_EXPORTER_OTLP_LOGS_*` for log records,
/// `OTEL_EXPORTER_OTLP_METRICS_*` for metrics), then the `OTEL_EXPORTER_OTLP_*` one, then the specification's
/// default.
public struct OTLPExporterConfiguration: Sendable {
    /// The full URL to send to, used as is, query string included (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`,
    /// `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`, `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`). `OTEL_EXPORTER_OTLP_ENDPOINT` is a
    /// base URL to which HTTP adds `/v1/traces`, `/v1/logs` or `/v1/metrics`. Defaults: `http://localhost:4317` for
    /// gRPC and `http://localhost:4318/v1/traces`, `…/v1/logs` or `…/v1/metrics` for HTTP. User-info (`user:pass@`) is never sent, logged or shown, as RFC 9110 requires; put
    /// credentials in ``headers``.
    public var endpoint: String?
    /// A base URL for every signal, as `OTEL_EXPORTER_OTLP_ENDPOINT` is: over HTTP each exporter adds its own path,
    /// `/v1/traces`, `/v1/logs` or `/v1/metrics`; over gRPC it is used as is. Set this rather than ``endpoint`` when one
    /// configuration serves several signals, as with `TelemetryConfiguration.otlp(_:)`. It wins over the variables;
    /// ``endpoint`` wins over it.
    public var baseEndpoint: String?
    /// The transport and encoding (`OTEL_EXPORTER_OTLP_PROTOCOL`, default `http/protobuf`).
    public var `protocol`: OTLPProtocol?
    /// For gRPC to an endpoint without a scheme: `true` for plaintext, `false` for TLS (`OTEL_EXPORTER_OTLP_INSECURE`,
    /// default `false`). An `http` or `https` scheme decides by itself.
    public var insecure: Bool?
    /// Headers sent with every export, such as an API key (`OTEL_EXPORTER_OTLP_HEADERS`, percent-decoded).
    /// Their values never appear in logs or errors. Names must be RFC 9110 tokens and values must not hold control
    /// characters other than tab (for gRPC: printable ASCII only); the exporter's initializer throws otherwise,
    /// naming the key.
    public var headers: [String: String]?
    /// Body compression (`OTEL_EXPORTER_OTLP_COMPRESSION`, default `none`).
    public var compression: OTLPCompression?
    /// The longest one batch may take, retries included (`OTEL_EXPORTER_OTLP_TIMEOUT` in ms, default 10000).
    /// `.zero` means no limit; a negative timeout is an error.
    public var timeout: Duration?
    /// A PEM file of certificates to trust for the server (`OTEL_EXPORTER_OTLP_CERTIFICATE`).
    public var certificateFile: String?
    /// A PEM file with the client certificate chain for mTLS (`OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE`).
    public var clientCertificateFile: String?
    /// A PEM file with the client's private key for mTLS (`OTEL_EXPORTER_OTLP_CLIENT_KEY`).
    public var clientKeyFile: String?
    /// How failed exports are retried.
    public var retry = OTLPRetryPolicy()
    /// The temporality the metric exporter asks for, per instrument kind
    /// (`OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE`: `cumulative`, the default, `delta` or `lowmemory`).
    /// Only ``OTLPMetricExporter`` reads it; spans and log records have no temporality.
    public var temporalityPreference: TemporalityPreference?
    /// How the metric exporter wants histograms aggregated when no view says
    /// (`OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION`: `explicit_bucket_histogram`, the default, or
    /// `base2_exponential_bucket_histogram`). Only ``OTLPMetricExporter`` reads it.
    public var defaultHistogramAggregation: HistogramAggregation?

    /// Creates a configuration that takes everything from the environment and the defaults.
    public init() {}
}
