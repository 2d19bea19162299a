import Foundation
import Logging
import Telemetry

/// Sends metrics to an OpenTelemetry Collector, or any OTLP backend, over gRPC or HTTP.
///
/// It behaves as ``OTLPSpanExporter`` does: each batch is encoded once, straight from metric data into protobuf or
/// JSON bytes, and retryable failures are retried with exponential backoff and jitter until the batch's
/// ``OTLPExporterConfiguration/timeout`` runs out. Put it behind a ``PeriodicExportingMetricReader``;
/// ``TelemetrySystem`` does so when `OTEL_METRICS_EXPORTER` is `otlp`.
///
/// ```swift
/// let exporter = try OTLPMetricExporter()
/// let reader = try PeriodicExportingMetricReader(exporter: exporter)
/// let provider = MeterProvider(readers: [reader])
/// ```
///
/// Over HTTP it sends to `/v1/metrics`, and over gRPC to `opentelemetry.proto.collector.metrics.v1.MetricsService`.
/// Its ``statistics`` count data points, not streams, as the collector's partial successes do.
public final class OTLPMetricExporter: MetricExporter {
    /// Encodes a batch into a request body; `nil` when the encoder found its own output inconsistent.
    typealias Encoder = OTLPExporterCore<MetricData>.Encoder

    /// The variable that sets ``temporalityPreference`` when the configuration does not.
    static let temporalityVariable = "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE"
    /// The variable that sets ``histogramAggregation`` when the configuration does not.
    static let histogramAggregationVariable = "OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION"

    private let core: OTLPExporterCore<MetricData>

    /// The temporality the exporter asks its reader for, per instrument kind, through ``temporality(for:)``.
    public let temporalityPreference: TemporalityPreference

    /// How the exporter asks its reader to aggregate histograms that no view configures.
    public let histogramAggregation: HistogramAggregation

    /// Creates an exporter from `configuration`, completed by the `OTEL_EXPORTER_OTLP_METRICS_*` variables, then the
    /// `OTEL_EXPORTER_OTLP_*` ones.
    ///
    /// `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`, or ``OTLPExporterConfiguration/endpoint``, is used as is;
    /// `OTEL_EXPORTER_OTLP_ENDPOINT` is a base URL to which HTTP adds `/v1/metrics`. The default is
    /// `http://localhost:4318/v1/metrics` over HTTP and `http://localhost:4317` over gRPC.
    /// ``OTLPExporterConfiguration/temporalityPreference``, or `OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE`
    /// (`cumulative`, `delta` or `lowmemory`, in any case), decides ``temporality(for:)``; the default is
    /// cumulative. ``OTLPExporterConfiguration/defaultHistogramAggregation``, or
    /// `OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION` (`explicit_bucket_histogram` or
    /// `base2_exponential_bucket_histogram`), decides ``histogramAggregation``; the default is explicit buckets.
    ///
    /// An unusable `OTEL_EXPORTER_OTLP_*` value logs one warning naming the variable (and the value, unless it is a
    /// header) and the default applies, as the specification says; an unusable entry of
    /// `OTEL_EXPORTER_OTLP_METRICS_HEADERS` or `OTEL_EXPORTER_OTLP_HEADERS` is left out and the others apply.
    ///
    /// - Parameter isStrict: Whether an unusable variable throws instead; by default
    ///   `SWIFT_TELEMETRY_STRICT_CONFIGURATION` decides.
    /// - Throws: ``TelemetryConfigurationError`` for a value set in code that cannot work, such as a malformed URL,
    ///   a negative timeout or an invalid header, or for an unusable variable in strict mode. It names the setting,
    ///   never a header value or an endpoint's user-info.
    public convenience init(
        configuration: OTLPExporterConfiguration = OTLPExporterConfiguration(),
        environment: [String: String] = ProcessInfo.processInfo.environment,
        isStrict: Bool? = nil,
        logger: Logger = TelemetryDiagnostics.logger
    ) throws {
        // Read before the transport exists, so that a rejection in strict mode leaves nothing to release.
        let variables = Environment(environment, isStrict: isStrict, logger: logger)
        let preference = try Self.temporalityPreference(configuration.temporalityPreference, variables)
        let aggregation = try Self.histogramAggregation(configuration.defaultHistogramAggregation, variables)
        let (resolved, transport) = try OTLPExporterCore<MetricData>.resolve(
            configuration, signal: .metrics, environment: environment, isStrict: isStrict, logger: logger)
        self.init(
            configuration: resolved, temporalityPreference: preference, histogramAggregation: aggregation,
            transport: transport, logger: logger)
    }

    /// - Parameters:
    ///   - temporalityPreference: The temporality to ask for, already resolved.
    ///   - histogramAggregation: The histogram aggregation to ask for, already resolved.
    ///   - clock: What retry waits and the export timeout are measured with.
    ///   - jitter: A factor from 0.5 to 1 for each retry's backoff, random by default.
    ///   - encoder: The request encoder; by default the one for the configured protocol.
    init(
        configuration: OTLPResolvedConfiguration,
        temporalityPreference: TemporalityPreference = .cumulative,
        histogramAggregation: HistogramAggregation = .explicitBucket,
        transport: any OTLPTransport,
        logger: Logger,
        clock: any TelemetryClock = SystemClock(),
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0.5...1.0) },
        encoder: Encoder? = nil
    ) {
        self.temporalityPreference = temporalityPreference
        self.histogramAggregation = histogramAggregation
        core = OTLPExporterCore(
            signal: .metrics,
            configuration: configuration,
            transport: transport,
            logger: logger,
            clock: clock,
            jitter: jitter,
            encoder: encoder ?? MetricsRequestEncoder.encoder(for: configuration.protocol),
            countItems: Self.dataPointCount
        )
    }

    /// The preference set in code, else the variable's, else cumulative. An unusable variable is reported through
    /// `environment`: one warning and cumulative, or a throw in strict mode.
    static func temporalityPreference(_ code: TemporalityPreference?, _ environment: Environment) throws -> TemporalityPreference {
        if let code { return code }
        guard let value = environment.string(temporalityVariable) else { return .cumulative }
        if let parsed = TemporalityPreference(rawValue: value.lowercased()) { return parsed }
        try environment.reject(
            temporalityVariable, value: value, reason: "expected cumulative, delta or lowmemory; cumulative applies")
        return .cumulative
    }

    /// The aggregation set in code, else the variable's, else explicit buckets. An unusable variable is reported
    /// through `environment`: one warning and explicit buckets, or a throw in strict mode.
    static func histogramAggregation(_ code: HistogramAggregation?, _ environment: Environment) throws -> HistogramAggregation {
        if let code { return code }
        guard let value = environment.string(histogramAggregationVariable) else { return .explicitBucket }
        switch value.lowercased() {
        case "explicit_bucket_histogram": return .explicitBucket
        case "base2_exponential_bucket_histogram": return .base2Exponential()
        default:
            try environment.reject(
                histogramAggregationVariable, value: value,
                reason: "expected explicit_bucket_histogram or base2_exponential_bucket_histogram; explicit_bucket_histogram applies")
            return .explicitBucket
        }
    }

    /// How many data points a batch holds: what the statistics and the collector's partial successes count.
    @Sendable
    static func dataPointCount(_ batch: [MetricData]) -> Int {
        batch.reduce(0) { total, metric in
            switch metric.points {
            case .sum(let sum): return total + sum.points.count
            case .gauge(let points): return total + points.count
            case .histogram(let histogram): return total + histogram.points.count
            case .exponentialHistogram(let histogram): return total + histogram.points.count
            }
        }
    }

    var configuration: OTLPResolvedConfiguration { core.configuration }

    /// What happened to the data points so far; ``OTLPExporterStatistics/failedExports`` counts batches.
    public var statistics: OTLPExporterStatistics { core.statistics }

    /// Where the exporter sends, for diagnostics: the URL, without headers and without user-info.
    public var endpointDescription: String { core.endpointDescription }

    /// The temporality ``temporalityPreference`` gives instruments of `kind`.
    public func temporality(for kind: InstrumentKind) -> AggregationTemporality {
        temporalityPreference.temporality(for: kind)
    }

    public func run() async throws {
        try await core.run()
    }

    public func export(_ batch: [MetricData]) async throws {
        try await core.export(batch)
    }

    public func shutdown() async {
        await core.shutdown()
    }
}
