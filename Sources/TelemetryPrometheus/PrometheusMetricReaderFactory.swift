import Logging
import Telemetry

/// Serves the SDK's metrics to Prometheus when `OTEL_METRICS_EXPORTER` names `prometheus`: a ``PrometheusExporter``
/// behind a ``PrometheusHTTPServer`` on `OTEL_EXPORTER_PROMETHEUS_HOST`:`OTEL_EXPORTER_PROMETHEUS_PORT`
/// (localhost:9464), which ``TelemetryService`` runs and stops with the rest of the SDK.
///
/// ```swift
/// var configuration = TelemetryConfiguration.otlp()
/// configuration.metrics.readerFactories.append(PrometheusMetricReaderFactory(options: .withoutUnits))
/// let telemetry = try TelemetrySystem.bootstrap(configuration)   // OTEL_METRICS_EXPORTER=prometheus
/// ```
public struct PrometheusMetricReaderFactory: MetricReaderFactory {
    /// How names are translated; ``PrometheusExporter/Options/withoutUnits`` runs the product brief's queries
    /// unchanged.
    public var options: PrometheusExporter.Options

    /// Creates the factory.
    public init(options: PrometheusExporter.Options = .default) {
        self.options = options
    }

    public var name: String { "prometheus" }

    public func makeMetricReader(environment: [String: String], isStrict: Bool, logger: Logger) throws -> any MetricReader {
        var environment = environment
        // The server reads strictness from the environment; the bootstrap's own setting must reach it.
        if isStrict { environment["SWIFT_TELEMETRY_STRICT_CONFIGURATION"] = "true" }
        let exporter = PrometheusExporter(options: options)
        let server = try PrometheusHTTPServer(exporter: exporter, environment: environment, logger: logger)
        return PrometheusServingReader(exporter: exporter, server: server, logger: logger)
    }
}

/// A ``PrometheusExporter`` whose background work is its HTTP server.
final class PrometheusServingReader: MetricReader {
    let exporter: PrometheusExporter
    let server: PrometheusHTTPServer
    private let logger: Logger

    init(exporter: PrometheusExporter, server: PrometheusHTTPServer, logger: Logger) {
        self.exporter = exporter
        self.server = server
        self.logger = logger
    }

    func temporality(for kind: InstrumentKind) -> AggregationTemporality {
        exporter.temporality(for: kind)
    }

    var histogramAggregation: HistogramAggregation { exporter.histogramAggregation }

    func register(_ producer: MetricProducer) {
        exporter.register(producer)
    }

    func run() async throws {
        // An endpoint that cannot listen (the port is taken) must not take the traces, logs and other readers down
        // with it: it is reported, and the rest of the SDK goes on.
        do {
            try await server.run()
        } catch {
            logger.error(
                "The Prometheus endpoint could not serve; metrics are not scraped",
                metadata: ["address": "\(server.host):\(server.port)", "error": "\(error)"]
            )
        }
    }

    func shutdown() async throws {
        server.shutdown()
    }
}
