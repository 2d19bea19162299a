import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import Telemetry
import TelemetryOTLP

/// What a subcommand generates.
enum Signal: Sendable, CaseIterable {
    case traces
    case logs
    case metrics

    /// The variable that names the signal's exporters.
    var exporterVariable: String {
        switch self {
        case .traces: return "OTEL_TRACES_EXPORTER"
        case .logs: return "OTEL_LOGS_EXPORTER"
        case .metrics: return "OTEL_METRICS_EXPORTER"
        }
    }

    /// The path OTLP/HTTP posts the signal to.
    var httpPath: String {
        switch self {
        case .traces: return "/v1/traces"
        case .logs: return "/v1/logs"
        case .metrics: return "/v1/metrics"
        }
    }

    /// What the summary calls the generated items.
    var itemName: String {
        switch self {
        case .traces: return "spans"
        case .logs: return "logs"
        case .metrics: return "metrics"
        }
    }
}

/// The flags that say how much to generate and how fast, shared by every subcommand.
struct PacingOptions: ParsableArguments {
    @Option(help: "How long to generate for, for example 10s or 1m; overrides --traces, --logs or --metrics.", transform: parseDuration)
    var duration: Duration?

    @Option(help: "Concurrent workers.")
    var workers: Int = 1

    @Option(help: "Traces, logs or metrics per second per worker; 0 means as fast as possible.")
    var rate: Double = 0

    func validate() throws {
        guard workers >= 1 else { throw ValidationError("--workers must be 1 or more, not \(workers)") }
        guard rate >= 0, rate.isFinite else { throw ValidationError("--rate must be 0 or more, not \(rate)") }
        // Below one item in about 100 years the interval between items cannot be represented.
        guard rate == 0 || rate >= 1e-9 else { throw ValidationError("--rate must be 0, or 1e-9 or more, not \(rate)") }
        if let duration, duration <= .zero { throw ValidationError("--duration must be positive") }
    }

    /// The workload: `count` iterations in each worker, unless `--duration` bounds the run instead.
    func workload(count: Int) -> Workload {
        Workload(iterationsPerWorker: duration == nil ? count : nil, duration: duration, workers: workers, rate: rate)
    }
}

/// Runs an iteration, such as one trace or one log record, in several concurrent workers until each has run its
/// count or the duration is over, at most `rate` iterations per second per worker.
struct Workload: Sendable {
    let iterationsPerWorker: Int?
    let duration: Duration?
    let workers: Int
    let rate: Double

    /// Runs every worker to the end and returns the sum of what `iteration` returned, the items created.
    ///
    /// - Parameter iteration: Generates one iteration in the given worker and returns how many items it created.
    func run(_ iteration: @escaping @Sendable (_ worker: Int) -> Int) async -> Int {
        let clock = ContinuousClock()
        let deadline = duration.map { clock.now + $0 }
        return await withTaskGroup(of: Int.self) { group in
            for worker in 0..<workers {
                group.addTask { await runWorker(worker, clock: clock, deadline: deadline, iteration: iteration) }
            }
            return await group.reduce(0, +)
        }
    }

    private func runWorker(
        _ worker: Int,
        clock: ContinuousClock,
        deadline: ContinuousClock.Instant?,
        iteration: @Sendable (Int) -> Int
    ) async -> Int {
        let start = clock.now
        let interval: Duration? = rate > 0 ? .nanoseconds(Int64(1e9 / rate)) : nil
        var created = 0
        var count = 0
        while !Task.isCancelled {
            if let limit = iterationsPerWorker, count >= limit { break }
            if let deadline, clock.now >= deadline { break }
            if let interval {
                let due = start + interval * count
                if due > clock.now { try? await Task.sleep(until: due, clock: clock) }
            }
            created += iteration(worker)
            count += 1
            // Unthrottled workers would otherwise hold every thread of the cooperative pool and starve the export.
            if interval == nil, count % 32 == 0 { await Task.yield() }
        }
        return created
    }
}

/// The bootstrap and the run every subcommand shares.
enum Generation {
    /// Bootstraps the SDK for `signal`, strictly. The other signals export nothing unless their exporter variable says
    /// otherwise.
    ///
    /// The signal goes to the console unless an `--otlp-*` flag, its exporter variable (`OTEL_TRACES_EXPORTER`,
    /// `OTEL_LOGS_EXPORTER`, `OTEL_METRICS_EXPORTER`) or any `OTEL_EXPORTER_OTLP_*` variable asks for OTLP.
    ///
    /// - Parameters:
    ///   - installOTLPExporter: Called when an `--otlp-*` flag is given, with the flags' exporter configuration and
    ///     the environment, to put the signal's OTLP exporter into the configuration.
    ///   - prepare: Called last, before the bootstrap, with the configuration and the environment it will read.
    /// - Throws: `ExitCode(2)`, after a message on stderr, for invalid configuration.
    static func bootstrap(
        _ signal: Signal,
        otlp: OTLPOptions,
        service: String?,
        installOTLPExporter: (inout TelemetryConfiguration, OTLPExporterConfiguration, [String: String]) throws -> Void,
        prepare: (inout TelemetryConfiguration, inout [String: String]) -> Void = { _, _ in }
    ) throws -> TelemetryService {
        var environment = ProcessInfo.processInfo.environment
        var configuration = TelemetryConfiguration.otlp()
        // Like the Collector's telemetrygen, a typo in the environment is an error here, not a warning.
        configuration.isStrict = true
        // The other signals export nothing unless their own variable names an exporter, which is then honoured and
        // checked like every other variable.
        for other in Signal.allCases where other != signal && !isSet(other.exporterVariable, in: environment) {
            environment[other.exporterVariable] = "none"
        }
        do {
            if otlp.isRequested {
                try installOTLPExporter(&configuration, otlp.configuration(signalPath: signal.httpPath), environment)
            } else if !environmentRequestsOTLP(environment, signal: signal) {
                environment[signal.exporterVariable] = "console"
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
        prepare(&configuration, &environment)
        do {
            return try TelemetrySystem.bootstrap(configuration, environment: environment)
        } catch let error as TelemetryConfigurationError {
            FileHandle.standardError.write(Data("telemetrygen: error: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    /// Whether the environment asks for OTLP: the signal's exporter variable names an exporter, or any
    /// `OTEL_EXPORTER_OTLP_*` variable is set. Otherwise the signal goes to the console.
    static func environmentRequestsOTLP(_ environment: [String: String], signal: Signal) -> Bool {
        isSet(signal.exporterVariable, in: environment)
            || environment.keys.contains { $0.hasPrefix("OTEL_EXPORTER_OTLP_") && isSet($0, in: environment) }
    }

    /// Whether `name` has a value other than blanks; an empty variable counts as unset.
    private static func isSet(_ name: String, in environment: [String: String]) -> Bool {
        !(environment[name] ?? "").trimmingCharacters(in: .whitespaces).isEmpty
    }

    /// Runs `telemetry` in a service group while `workload` runs `iteration`, then shuts it down gracefully, which
    /// exports what is left.
    ///
    /// - Returns: The items created and how long the whole run took, the final export included.
    static func run(
        _ telemetry: TelemetryService,
        workload: Workload,
        iteration: @escaping @Sendable (_ worker: Int) -> Int
    ) async throws -> (created: Int, elapsed: Duration) {
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: telemetry)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: Logger(label: "telemetrygen")
            )
        )
        let clock = ContinuousClock()
        let started = clock.now
        let created = try await withThrowingTaskGroup(of: Int.self) { tasks in
            tasks.addTask {
                try await group.run()
                return 0
            }
            let created = await workload.run(iteration)
            await group.triggerGracefulShutdown()
            var total = created
            for try await value in tasks { total += value }
            return total
        }
        return (created, clock.now - started)
    }
}

/// The closing line: items created, exported, dropped and failed, and the rate. For metrics, created counts
/// measurements, exported and failed count data points, and dropped counts the streams the reader could not export.
struct Summary: CustomStringConvertible {
    var signal: Signal
    var created: Int
    var exported: Int
    var dropped: Int
    var failed: Int
    var elapsed: Duration

    /// A summary from the sum of the processors' statistics.
    init(_ signal: Signal, created: Int, statistics: [ExportStatistics], elapsed: Duration) {
        let statistics = statistics.reduce(ExportStatistics(), +)
        self.signal = signal
        self.created = created
        self.exported = statistics.exported
        // Anything still queued when the run ends was never exported.
        self.dropped = statistics.dropped + statistics.queued
        self.failed = statistics.failed
        self.elapsed = elapsed
    }

    var description: String {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Double(created) / seconds : 0
        let items = signal.itemName
        return "telemetrygen: \(items) created=\(created) exported=\(exported) dropped=\(dropped) failed=\(failed) "
            + "elapsed=\(String(format: "%.3f", seconds))s rate=\(Int(rate)) \(items)/s" + unitsNote
    }

    /// What the counts count, when it is not the items created.
    private var unitsNote: String {
        switch signal {
        case .traces, .logs: return ""
        case .metrics: return " (created counts measurements, exported and failed data points, dropped streams)"
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
