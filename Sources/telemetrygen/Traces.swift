import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import Telemetry
import TelemetryOTLP
import Tracing

struct Traces: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generates traces: a client span \"lets-go\" with server children \"okey-dokey-N\"."
    )

    @Option(help: "Traces to generate in each worker (ignored when --duration is given).")
    var traces: Int = 1

    @Option(help: "How long to generate for, for example 10s or 1m; overrides --traces.", transform: parseDuration)
    var duration: Duration?

    @Option(help: "Concurrent workers.")
    var workers: Int = 1

    @Option(help: "Traces per second per worker; 0 means as fast as possible.")
    var rate: Double = 0

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
        guard workers >= 1 else { throw ValidationError("--workers must be 1 or more, not \(workers)") }
        guard rate >= 0, rate.isFinite else { throw ValidationError("--rate must be 0 or more, not \(rate)") }
        // Below one trace in about 100 years the interval between traces cannot be represented.
        guard rate == 0 || rate >= 1e-9 else { throw ValidationError("--rate must be 0, or 1e-9 or more, not \(rate)") }
        guard childSpans >= 0 else { throw ValidationError("--child-spans must be 0 or more, not \(childSpans)") }
        if let duration, duration <= .zero { throw ValidationError("--duration must be positive") }
    }

    func run() async throws {
        var environment = ProcessInfo.processInfo.environment
        var configuration = TelemetryConfiguration.otlp()
        // Like the Collector's telemetrygen, a typo in the environment is an error here, not a warning.
        configuration.isStrict = true
        var otlpExporter: OTLPSpanExporter?
        do {
            if otlp.isRequested {
                let exporter = try OTLPSpanExporter(configuration: otlp.configuration(), environment: environment, isStrict: true)
                configuration.traces.exporters = [exporter]
                otlpExporter = exporter
            } else if !Self.environmentRequestsOTLP(environment) {
                environment["OTEL_TRACES_EXPORTER"] = "console"
            }
        } catch let error as TelemetryConfigurationError {
            FileHandle.standardError.write(Data("telemetrygen: error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if let service {
            configuration.serviceName = service
        } else if environment["OTEL_SERVICE_NAME", default: ""].isEmpty {
            configuration.serviceName = "telemetrygen"
        }
        let telemetry: TelemetryService
        do {
            telemetry = try TelemetrySystem.bootstrap(configuration, environment: environment)
        } catch let error as TelemetryConfigurationError {
            FileHandle.standardError.write(Data("telemetrygen: error: \(error)\n".utf8))
            throw ExitCode(2)
        }

        let generator = TraceGenerator(
            tracer: telemetry.tracerProvider.tracer(name: "telemetrygen", version: Resource.sdkVersion),
            tracesPerWorker: duration == nil ? traces : nil,
            duration: duration,
            workers: workers,
            rate: rate,
            childSpans: childSpans,
            spanDuration: spanDuration,
            status: statusCode.spanStatus
        )
        let logger = Logger(label: "telemetrygen")
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: telemetry)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        let clock = ContinuousClock()
        let started = clock.now
        let created = try await withThrowingTaskGroup(of: Int.self) { tasks in
            tasks.addTask {
                try await group.run()
                return 0
            }
            let created = await generator.run()
            await group.triggerGracefulShutdown()
            var total = created
            for try await value in tasks { total += value }
            return total
        }
        let elapsed = clock.now - started
        var summary = Summary(created: created, processors: telemetry.tracerProvider.processors, elapsed: elapsed)
        if let statistics = otlpExporter?.statistics {
            summary.exported = statistics.exportedSpans
            summary.failed = statistics.failedSpans
        }
        FileHandle.standardError.write(Data("\(summary)\n".utf8))
    }
}

extension Traces {
    /// Whether the environment asks for OTLP: `OTEL_TRACES_EXPORTER` names an exporter, or any
    /// `OTEL_EXPORTER_OTLP_*` variable is set. Otherwise spans go to the console.
    static func environmentRequestsOTLP(_ environment: [String: String]) -> Bool {
        func isSet(_ name: String) -> Bool { !(environment[name] ?? "").trimmingCharacters(in: .whitespaces).isEmpty }
        return isSet("OTEL_TRACES_EXPORTER")
            || environment.keys.contains { $0.hasPrefix("OTEL_EXPORTER_OTLP_") && isSet($0) }
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

/// Parses Go-style durations such as `10s`, `1ms`, `250us`, `2m` and `1h`.
func parseDuration(_ text: String) throws -> Duration {
    let units: [(suffix: String, nanoseconds: Double)] = [
        ("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
    ]
    for unit in units where text.hasSuffix(unit.suffix) {
        let number = text.dropLast(unit.suffix.count)
        // "ms" also ends in "s": only accept the unit when what remains is a number.
        if let value = Double(number), value >= 0, value.isFinite {
            let nanoseconds = value * unit.nanoseconds
            // Int64(_:) traps past Int64.max; a duration that long is a typo, not a plan.
            guard nanoseconds < Double(Duration.longestConfigurable.saturatingNanoseconds) else {
                throw ValidationError("\"\(text)\" is too long; the longest duration is about 100 years")
            }
            return .nanoseconds(Int64(nanoseconds))
        }
    }
    throw ValidationError("\"\(text)\" is not a duration; use a number and a unit, such as 10s, 1ms or 250us")
}
