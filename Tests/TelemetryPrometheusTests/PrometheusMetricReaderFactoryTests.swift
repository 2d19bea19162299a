import Logging
import Telemetry
@testable import TelemetryPrometheus
import TelemetryTesting
import Testing

@Suite("Prometheus through OTEL_METRICS_EXPORTER")
struct PrometheusMetricReaderFactoryTests {
    @Test("OTEL_METRICS_EXPORTER=prometheus serves the provider's metrics on OTEL_EXPORTER_PROMETHEUS_HOST and _PORT")
    func bootstrap() throws {
        var configuration = TelemetryConfiguration()
        configuration.metrics.readerFactories = [PrometheusMetricReaderFactory(options: .withoutUnits)]
        let telemetry = try TelemetrySystem.makeService(
            configuration,
            environment: [
                "OTEL_METRICS_EXPORTER": "prometheus",
                "OTEL_EXPORTER_PROMETHEUS_HOST": "127.0.0.1",
                "OTEL_EXPORTER_PROMETHEUS_PORT": "9999",
            ]
        )
        let reader = try #require(telemetry.meterProvider.readers.first as? PrometheusServingReader)
        #expect(reader.server.host == "127.0.0.1" && reader.server.port == 9999)
        telemetry.meterProvider.meter(name: "m").makeHistogram(name: "http.server.duration", unit: "ms").record(30)
        let page = reader.exporter.render(accept: nil).body
        #expect(page.contains("http_server_duration_bucket{"), "without units, as configured")
        #expect(!page.contains("milliseconds"))
    }

    @Test("a bad port variable is rejected: one warning and the default, or an error in strict mode")
    func badPort() throws {
        var configuration = TelemetryConfiguration()
        configuration.metrics.readerFactories = [PrometheusMetricReaderFactory()]
        let capture = LogCapture()
        configuration.logger = capture.logger()
        let environment = ["OTEL_METRICS_EXPORTER": "prometheus", "OTEL_EXPORTER_PROMETHEUS_PORT": "http"]
        let telemetry = try TelemetrySystem.makeService(configuration, environment: environment)
        #expect((telemetry.meterProvider.readers.first as? PrometheusServingReader)?.server.port == 9464)
        #expect(capture.warnings.filter { $0.contains("OTEL_EXPORTER_PROMETHEUS_PORT") }.count == 1)
        configuration.isStrict = true
        #expect(throws: TelemetryConfigurationError.self) {
            try TelemetrySystem.makeService(configuration, environment: environment)
        }
    }
}
