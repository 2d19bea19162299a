import Foundation
import Logging
import Telemetry

/// Sends log records to an OpenTelemetry Collector, or any OTLP backend, over gRPC or HTTP.
///
/// It behaves as ``OTLPSpanExporter`` does: each batch is encoded once, straight from record data into protobuf or
/// JSON bytes, and retryable failures are retried with exponential backoff and jitter until the batch's
/// ``OTLPExporterConfiguration/timeout`` runs out. Put it behind a ``BatchLogRecordProcessor``; ``TelemetrySystem``
/// does so when `OTEL_LOGS_EXPORTER` is `otlp`.
///
/// Over HTTP it sends to `/v1/logs`, and over gRPC to `opentelemetry.proto.collector.logs.v1.LogsService`.
public final class OTLPLogRecordExporter: LogRecordExporter {
    /// Encodes a batch into a request body; `nil` when the encoder found its own output inconsistent.
    typealias Encoder = OTLPExporterCore<LogRecordData>.Encoder

    private let core: OTLPExporterCore<LogRecordData>

    /// Creates an exporter from `configuration`, completed by the `OTEL_EXPORTER_OTLP_LOGS_*` variables, then the
    /// `OTEL_EXPORTER_OTLP_*` ones.
    ///
    /// `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`, or ``OTLPExporterConfiguration/endpoint``, is used as is;
    /// `OTEL_EXPORTER_OTLP_ENDPOINT` is a base URL to which HTTP adds `/v1/logs`. The default is
    /// `http://localhost:4318/v1/logs` over HTTP and `http://localhost:4317` over gRPC.
    ///
    /// An unusable `OTEL_EXPORTER_OTLP_*` value logs one warning naming the variable (and the value, unless it is a
    /// header) and the default applies, as the specification says; an unusable entry of
    /// `OTEL_EXPORTER_OTLP_LOGS_HEADERS` or `OTEL_EXPORTER_OTLP_HEADERS` is left out and the others apply.
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
        let (resolved, transport) = try OTLPExporterCore<LogRecordData>.resolve(
            configuration, signal: .logs, environment: environment, isStrict: isStrict, logger: logger)
        self.init(configuration: resolved, transport: transport, logger: logger)
    }

    /// - Parameters:
    ///   - clock: What retry waits and the export timeout are measured with.
    ///   - jitter: A factor from 0.5 to 1 for each retry's backoff, random by default.
    ///   - encoder: The request encoder; by default the one for the configured protocol.
    init(
        configuration: OTLPResolvedConfiguration,
        transport: any OTLPTransport,
        logger: Logger,
        clock: any TelemetryClock = SystemClock(),
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0.5...1.0) },
        encoder: Encoder? = nil
    ) {
        core = OTLPExporterCore(
            signal: .logs,
            configuration: configuration,
            transport: transport,
            logger: logger,
            clock: clock,
            jitter: jitter,
            encoder: encoder ?? LogsRequestEncoder.encoder(for: configuration.protocol)
        )
    }

    var configuration: OTLPResolvedConfiguration { core.configuration }

    /// What happened to the log records so far.
    public var statistics: OTLPExporterStatistics { core.statistics }

    /// Where the exporter sends, for diagnostics: the URL, without headers and without user-info.
    public var endpointDescription: String { core.endpointDescription }

    public func run() async throws {
        try await core.run()
    }

    public func export(_ batch: [LogRecordData]) async throws {
        try await core.export(batch)
    }

    public func shutdown() async {
        await core.shutdown()
    }
}
