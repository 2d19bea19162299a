import Foundation
import Logging
import Telemetry

/// Sends spans to an OpenTelemetry Collector, or any OTLP backend, over gRPC or HTTP.
///
/// It encodes each batch once, straight from span data into protobuf or JSON bytes, and retries the failures the
/// specification calls retryable (gRPC UNAVAILABLE and friends, HTTP 429/502/503/504, connection errors) with
/// exponential backoff and jitter, honouring `Retry-After` and gRPC `RetryInfo`, until the batch's
/// ``OTLPExporterConfiguration/timeout`` runs out. A failure no retry can fix, such as a TLS certificate the
/// exporter cannot verify, fails the batch at once. Put it behind a ``BatchSpanProcessor``; ``TelemetrySystem`` does
/// so when `OTEL_TRACES_EXPORTER` is `otlp`.
public final class OTLPSpanExporter: SpanExporter {
    static let traceService = OTLPSignal.traces.grpcService

    /// Encodes a batch into a request body; `nil` when the encoder found its own output inconsistent.
    typealias Encoder = OTLPExporterCore<SpanData>.Encoder

    private let core: OTLPExporterCore<SpanData>

    /// Creates an exporter from `configuration`, completed by the `OTEL_EXPORTER_OTLP_TRACES_*` variables, then the
    /// `OTEL_EXPORTER_OTLP_*` ones.
    ///
    /// An unusable `OTEL_EXPORTER_OTLP_*` value logs one warning naming the variable (and the value, unless it is a
    /// header) and the default applies, as the specification says; an unusable entry of
    /// `OTEL_EXPORTER_OTLP_HEADERS` is left out and the others apply.
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
        let (resolved, transport) = try OTLPExporterCore<SpanData>.resolve(
            configuration, signal: .traces, environment: environment, isStrict: isStrict, logger: logger)
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
            signal: .traces,
            configuration: configuration,
            transport: transport,
            logger: logger,
            clock: clock,
            jitter: jitter,
            encoder: encoder ?? TraceRequestEncoder.encoder(for: configuration.protocol)
        )
    }

    var configuration: OTLPResolvedConfiguration { core.configuration }

    /// What happened to the spans so far.
    public var statistics: OTLPExporterStatistics { core.statistics }

    /// Where the exporter sends, for diagnostics: the URL, without headers and without user-info.
    public var endpointDescription: String { core.endpointDescription }

    public func run() async throws {
        try await core.run()
    }

    public func export(_ batch: [SpanData]) async throws {
        try await core.export(batch)
    }

    public func shutdown() async {
        await core.shutdown()
    }
}
