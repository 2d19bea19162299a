import ArgumentParser
import Foundation
import Telemetry
import TelemetryOTLP
import Tracing

struct Traces: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generates traces: a client span \"lets-go\" with server children \"okey-dokey-N\"."
    )

    @Option(help: "Traces to generate in each worker (ignored when --duration is given).")
    var traces: Int = 1

    @OptionGroup
    var pacing: PacingOptions

    @Option(name: .customLong("child-spans"), help: "Child spans per trace.")
    var childSpans: Int = 1

    @Option(name: .customLong("span-duration"), help: "The duration of each span, for example 1ms (default 123us, as the Collector's telemetrygen).", transform: parseDuration)
    var spanDuration: Duration = .microseconds(123)

    @Option(name: .customLong("status-code"), help: "The status of every span: Unset, Ok or Error.")
    var statusCode: StatusCode = .unset

    @Option(help: "service.name, unless OTEL_SERVICE_NAME sets it (default telemetrygen).")
    var service: String?

    @OptionGroup(title: "OTLP export (any of these sends over OTLP instead of printing)")
    var otlp: OTLPOptions

    enum StatusCode: String, ExpressibleByArgument, CaseIterable {
        case unset = "Unset"
        case ok = "Ok"
        case error = "Error"

        init?(argument: String) {
            guard let match = Self.allCases.first(where: { $0.rawValue.lowercased() == argument.lowercased() }) else {
                return nil
            }
            self = match
        }
    }

    func validate() throws {
        guard traces >= 1 else { throw ValidationError("--traces must be 1 or more, not \(traces)") }
        guard childSpans >= 0 else { throw ValidationError("--child-spans must be 0 or more, not \(childSpans)") }
    }

    func run() async throws {
        var otlpExporter: OTLPSpanExporter?
        let telemetry = try Generation.bootstrap(.traces, otlp: otlp, service: service) { configuration, flags, environment in
            let exporter = try OTLPSpanExporter(configuration: flags, environment: environment, isStrict: true)
            configuration.traces.exporters = [exporter]
            otlpExporter = exporter
        }
        let generator = TraceGenerator(
            tracer: telemetry.tracerProvider.tracer(name: "telemetrygen", version: Resource.sdkVersion),
            childSpans: childSpans,
            spanDuration: spanDuration,
            status: statusCode.spanStatus
        )
        let (created, elapsed) = try await Generation.run(telemetry, workload: pacing.workload(count: traces)) {
            generator.generateTrace(worker: $0)
        }
        var summary = Summary(
            .traces, created: created, statistics: telemetry.tracerProvider.processors.map(\.statistics), elapsed: elapsed)
        // The exporter's own counts also see the spans a collector rejected in a partial success.
        if let statistics = otlpExporter?.statistics {
            summary.exported = statistics.exported
            summary.failed = statistics.failed
        }
        FileHandle.standardError.write(Data("\(summary)\n".utf8))
    }
}

extension Traces.StatusCode {
    var spanStatus: SpanStatus? {
        switch self {
        case .unset: return nil
        case .ok: return SpanStatus(code: .ok)
        case .error: return SpanStatus(code: .error, message: "generated error")
        }
    }
}
