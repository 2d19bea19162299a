import ArgumentParser
import Foundation
import Telemetry
import TelemetryOTLP

struct Metrics: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generates metrics: measurements on one instrument, \"gen\" by default, a Gauge unless told otherwise.",
        discussion: """
            Each metric is one measurement through the Metrics API, on a series per worker (attribute worker=N): a Sum \
            adds 1, a Gauge and a Histogram record the measurement's index in its worker, from 1. The periodic reader \
            collects every OTEL_METRIC_EXPORT_INTERVAL (60 s by default) and a last time on shutdown, so the final \
            export carries everything recorded. The summary's created counts measurements; exported and failed count \
            data points (one per series per export), dropped counts metric streams.
            """
    )

    @Option(help: "Measurements to record in each worker (ignored when --duration is given).")
    var metrics: Int = 1

    @OptionGroup
    var pacing: PacingOptions

    @Option(name: .customLong("metric-type"), help: "The instrument: Sum (a counter), Gauge or Histogram.")
    var metricType: MetricType = .gauge

    @Option(name: .customLong("metric-name"), help: "The instrument's name.")
    var metricName: String = "gen"

    @Option(help: "service.name, unless OTEL_SERVICE_NAME sets it (default telemetrygen).")
    var service: String?

    @OptionGroup(title: "OTLP export (any of these sends over OTLP instead of printing)")
    var otlp: OTLPOptions

    enum MetricType: String, ExpressibleByArgument, CaseIterable, Sendable {
        case sum = "Sum"
        case gauge = "Gauge"
        case histogram = "Histogram"

        init?(argument: String) {
            guard let match = Self.allCases.first(where: { $0.rawValue.lowercased() == argument.lowercased() }) else {
                return nil
            }
            self = match
        }
    }

    func validate() throws {
        guard metrics >= 1 else { throw ValidationError("--metrics must be 1 or more, not \(metrics)") }
        guard InstrumentDescriptor.isValidName(metricName) else {
            throw ValidationError(
                "--metric-name must be an ASCII letter followed by up to 254 letters, digits, _, ., - or /, not \"\(metricName)\"")
        }
    }

    func run() async throws {
        let counts = DataPointCounts()
        var otlpExporter: OTLPMetricExporter?
        let telemetry = try Generation.bootstrap(.metrics, otlp: otlp, service: service) { configuration, flags, environment in
            let exporter = try OTLPMetricExporter(configuration: flags, environment: environment, isStrict: true)
            configuration.metrics.exporters = [CountingMetricExporter(base: exporter, counts: counts)]
            otlpExporter = exporter
        } prepare: { configuration, environment in
            // Every push exporter counts its data points: the OTLP one the environment may name, and the console's,
            // which `OTEL_METRICS_EXPORTER` (set to console by default) names under a private name for that.
            configuration.metrics.exporterFactories =
                configuration.metrics.exporterFactories.map { CountingMetricExporterFactory(base: $0, counts: counts) }
                + [CountingMetricExporterFactory(base: nil, counts: counts)]
            // Only a list of known names is rewritten, so that the error for an unknown one quotes the value as given.
            if let value = environment[Signal.metrics.exporterVariable] {
                let names = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                if names.allSatisfy(["console", "logging", "otlp", "none", ""].contains) {
                    environment[Signal.metrics.exporterVariable] = names.map {
                        $0 == "console" || $0 == "logging" ? CountingMetricExporterFactory.consoleName : $0
                    }.joined(separator: ",")
                }
            }
        }
        let generator = MetricGenerator(
            meter: telemetry.meterProvider.meter(name: "telemetrygen", version: Resource.sdkVersion),
            type: metricType,
            name: metricName,
            workers: pacing.workers
        )
        let (created, elapsed) = try await Generation.run(telemetry, workload: pacing.workload(count: metrics)) {
            generator.record(worker: $0)
        }
        var summary = Summary(
            .metrics, created: created, statistics: telemetry.meterProvider.readers.map(\.statistics), elapsed: elapsed)
        summary.exported = counts.exported
        summary.failed = counts.failed
        // The OTLP exporter's own counts, also in data points, also see the points a collector rejected in a partial
        // success.
        if let statistics = otlpExporter?.statistics {
            summary.exported = statistics.exported
            summary.failed = statistics.failed
        }
        FileHandle.standardError.write(Data("\(summary)\n".utf8))
    }
}
