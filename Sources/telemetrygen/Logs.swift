import ArgumentParser
import Foundation
import Telemetry
import TelemetryOTLP

struct Logs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generates log records: body \"the message\", severity Info (9) unless told otherwise."
    )

    @Option(help: "Log records to generate in each worker (ignored when --duration is given).")
    var logs: Int = 1

    @OptionGroup
    var pacing: PacingOptions

    @Option(name: .customLong("severity-text"), help: "The severity text of every record.")
    var severityText: String = "Info"

    @Option(name: .customLong("severity-number"), help: "The severity number of every record, from 1 (TRACE) to 24 (FATAL4).")
    var severityNumber: Int = LogSeverity.info.rawValue

    @Option(help: "The body of every record.")
    var body: String = "the message"

    @Option(help: "service.name, unless OTEL_SERVICE_NAME sets it (default telemetrygen).")
    var service: String?

    @OptionGroup(title: "OTLP export (any of these sends over OTLP instead of printing)")
    var otlp: OTLPOptions

    func validate() throws {
        guard logs >= 1 else { throw ValidationError("--logs must be 1 or more, not \(logs)") }
        guard LogSeverity(rawValue: severityNumber) != nil else {
            throw ValidationError("--severity-number must be from 1 to 24, not \(severityNumber)")
        }
    }

    func run() async throws {
        // `validate()` has checked the range; this only keeps the unwrap honest.
        guard let severity = LogSeverity(rawValue: severityNumber) else {
            throw ValidationError("--severity-number must be from 1 to 24, not \(severityNumber)")
        }
        var otlpExporter: OTLPLogRecordExporter?
        let telemetry = try Generation.bootstrap(.logs, otlp: otlp, service: service) { configuration, flags, environment in
            let exporter = try OTLPLogRecordExporter(configuration: flags, environment: environment, isStrict: true)
            configuration.logs.exporters = [exporter]
            otlpExporter = exporter
        }
        let generator = LogGenerator(
            logger: telemetry.loggerProvider.logger(name: "telemetrygen", version: Resource.sdkVersion),
            severity: severity,
            severityText: severityText,
            body: body
        )
        let (created, elapsed) = try await Generation.run(telemetry, workload: pacing.workload(count: logs)) {
            generator.emitLog(worker: $0)
        }
        var summary = Summary(
            .logs, created: created, statistics: telemetry.loggerProvider.processors.map(\.statistics), elapsed: elapsed)
        // The exporter's own counts also see the records a collector rejected in a partial success.
        if let statistics = otlpExporter?.statistics {
            summary.exported = statistics.exported
            summary.failed = statistics.failed
        }
        FileHandle.standardError.write(Data("\(summary)\n".utf8))
    }
}
