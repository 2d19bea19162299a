import Foundation
import Logging
import Synchronization

/// Opt-in instrumentation reporting the semantic conventions' OS process metrics for this process.
///
/// On Linux it reads `/proc/self` at each collection, with no extra dependency, and reports:
///
/// | Metric | Instrument | Unit | Attributes |
/// |---|---|---|---|
/// | `process.cpu.time` | observable counter (Double) | `s` | `cpu.mode` = `user`, `system` |
/// | `process.cpu.utilization` | observable gauge (Double) | `1` | `cpu.mode` = `user`, `system` |
/// | `process.memory.usage` | observable up-down counter | `By` | |
/// | `process.memory.virtual` | observable up-down counter | `By` | |
/// | `process.unix.file_descriptor.count` | observable up-down counter | `{file_descriptor}` | |
/// | `process.thread.count` | observable up-down counter | `{thread}` | |
/// | `process.uptime` | observable gauge (Double) | `s` | |
///
/// `process.cpu.utilization` is the CPU time spent since the previous collection divided by the time elapsed and by
/// the processors available to the process; CPU time only moves in clock ticks (usually 10 ms), so a collection less
/// than 100 ms after the previous one repeats the previous value rather than reporting noise. The first value covers
/// the time since ``register(on:)``.
///
/// On other platforms nothing is registered. Content of `/proc` that cannot be read or parsed skips the metric for
/// that collection, is counted in ``failures``, and is logged once per metric through the provider's logger.
///
/// ```swift
/// let processMetrics = ProcessMetrics.register(on: meterProvider)
/// // … later, to stop reporting:
/// processMetrics.unregister()
/// ```
///
/// See the semantic conventions for
/// [OS process metrics](https://opentelemetry.io/docs/specs/semconv/system/process-metrics/).
public struct ProcessMetrics: Sendable {
    /// The instrumentation scope name of the process metrics.
    public static let scopeName = "swift-telemetry.process"

    private let registrations: [ObservableCallbackRegistration]
    private let sampler: ProcessSampler?

    private init(registrations: [ObservableCallbackRegistration], sampler: ProcessSampler?) {
        self.registrations = registrations
        self.sampler = sampler
    }

    /// Registers the process metrics on `meterProvider`; on platforms other than Linux, registers nothing.
    ///
    /// Registering twice reports each value once per registration: the callbacks of one instrument are merged, so
    /// the values stay right, but keep one registration and ``unregister()`` it rather than registering again.
    @discardableResult
    public static func register(on meterProvider: MeterProvider) -> ProcessMetrics {
        #if os(Linux)
        guard let sources = ProcessSources.live else {
            meterProvider.state.logger.warning(
                "Process metrics are not reported: the clock tick or page size is unknown")
            return ProcessMetrics(registrations: [], sampler: nil)
        }
        return register(on: meterProvider, sources: sources)
        #else
        return ProcessMetrics(registrations: [], sampler: nil)
        #endif
    }

    /// Registers the process metrics reading from `sources`: the live `/proc`, or a test's.
    static func register(
        on meterProvider: MeterProvider,
        sources: ProcessSources,
        minimumUtilizationInterval: Double = 0.1
    ) -> ProcessMetrics {
        let sampler = ProcessSampler(
            sources: sources, logger: meterProvider.state.logger, minimumUtilizationInterval: minimumUtilizationInterval)
        let meter = meterProvider.meter(name: scopeName, version: Resource.sdkVersion)
        let user: AttributeSet = ["cpu.mode": "user"]
        let system: AttributeSet = ["cpu.mode": "system"]
        var registrations: [ObservableCallbackRegistration] = []

        registrations.append(
            meter.makeObservableCounter(
                Double.self, name: "process.cpu.time", unit: "s", description: "Total CPU seconds broken down by different CPU modes."
            ).addCallback { observations in
                guard let stat = sampler.stat(for: "process.cpu.time") else { return }
                observations.observe(Double(stat.userTicks) / sources.clockTicksPerSecond, attributes: user)
                observations.observe(Double(stat.systemTicks) / sources.clockTicksPerSecond, attributes: system)
            })
        registrations.append(
            meter.makeObservableGauge(
                Double.self, name: "process.cpu.utilization", unit: "1",
                description:
                    "Difference in process.cpu.time since the last measurement, divided by the elapsed time and number of CPUs available to the process."
            ).addCallback { observations in
                guard let utilization = sampler.utilization() else { return }
                observations.observe(utilization.user, attributes: user)
                observations.observe(utilization.system, attributes: system)
            })
        registrations.append(
            meter.makeObservableUpDownCounter(
                Int64.self, name: "process.memory.usage", unit: "By", description: "The amount of physical memory in use."
            ).addCallback { observations in
                let metric = "process.memory.usage"
                guard let statm = sampler.statm(for: metric) else { return }
                guard let bytes = ProcFS.bytes(pages: statm.residentPages, pageSize: sources.pageSize) else {
                    return sampler.fail(metric, reason: "the resident size overflows")
                }
                observations.observe(bytes)
            })
        registrations.append(
            meter.makeObservableUpDownCounter(
                Int64.self, name: "process.memory.virtual", unit: "By", description: "The amount of committed virtual memory."
            ).addCallback { observations in
                let metric = "process.memory.virtual"
                guard let statm = sampler.statm(for: metric) else { return }
                guard let bytes = ProcFS.bytes(pages: statm.sizePages, pageSize: sources.pageSize) else {
                    return sampler.fail(metric, reason: "the virtual size overflows")
                }
                observations.observe(bytes)
            })
        registrations.append(
            meter.makeObservableUpDownCounter(
                Int64.self, name: "process.unix.file_descriptor.count", unit: "{file_descriptor}",
                description: "Number of unix file descriptors in use by the process."
            ).addCallback { observations in
                guard let count = sources.countFileDescriptors() else {
                    return sampler.fail("process.unix.file_descriptor.count", reason: "/proc/self/fd cannot be listed")
                }
                observations.observe(count)
            })
        registrations.append(
            meter.makeObservableUpDownCounter(
                Int64.self, name: "process.thread.count", unit: "{thread}", description: "Process threads count."
            ).addCallback { observations in
                guard let stat = sampler.stat(for: "process.thread.count") else { return }
                observations.observe(stat.threads)
            })
        registrations.append(
            meter.makeObservableGauge(
                Double.self, name: "process.uptime", unit: "s", description: "The time the process has been running."
            ).addCallback { observations in
                let metric = "process.uptime"
                guard let stat = sampler.stat(for: metric) else { return }
                guard let now = sources.secondsSinceBoot() else {
                    return sampler.fail(metric, reason: "the boot-time clock cannot be read")
                }
                let uptime = now - Double(stat.startTicks) / sources.clockTicksPerSecond
                // A start time after now can only come from garbage; a negative uptime would mislead.
                guard uptime >= 0 else { return sampler.fail(metric, reason: "the start time is in the future") }
                observations.observe(uptime)
            })
        return ProcessMetrics(registrations: registrations, sampler: sampler)
    }

    /// Whether any metric is registered: `false` on platforms other than Linux, or after ``unregister()``.
    public var isActive: Bool { !registrations.isEmpty && !(sampler?.isUnregistered ?? true) }

    /// How many times a metric was skipped because `/proc` could not be read or held content that could not be
    /// parsed. Each metric's first failure is also logged.
    public var failures: Int { sampler?.failureCount ?? 0 }

    /// Stops reporting every process metric. Calling it again does nothing.
    public func unregister() {
        sampler?.markUnregistered()
        for registration in registrations { registration.unregister() }
    }
}

/// Where the process metrics read from: the live `/proc`, or fakes in tests.
struct ProcessSources: Sendable {
    /// Reads a file's whole text, or `nil`.
    var readFile: @Sendable (String) -> String?
    /// Counts the process's open file descriptors, or `nil`.
    var countFileDescriptors: @Sendable () -> Int64?
    /// Seconds on the clock `/proc/self/stat`'s start time counts on, or `nil`.
    var secondsSinceBoot: @Sendable () -> Double?
    /// `sysconf(_SC_CLK_TCK)`: the unit of the CPU times and start time in `/proc/self/stat`.
    var clockTicksPerSecond: Double
    /// `sysconf(_SC_PAGESIZE)`: the unit of `/proc/self/statm`.
    var pageSize: UInt64
    /// The processors available to the process, for utilization.
    var processorCount: Int

    #if os(Linux)
    /// The live `/proc/self`, or `nil` when the clock tick or page size is unknown.
    static var live: ProcessSources? {
        guard
            let ticks = ProcFS.positiveSysconf(Int32(_SC_CLK_TCK)),
            let pageSize = ProcFS.positiveSysconf(Int32(_SC_PAGESIZE))
        else { return nil }
        return ProcessSources(
            readFile: { ProcFS.readFile($0) },
            countFileDescriptors: { ProcFS.countOpenFileDescriptors() },
            secondsSinceBoot: { ProcFS.secondsSinceBoot() },
            clockTicksPerSecond: Double(ticks),
            pageSize: pageSize,
            // Foundation's count honours the process's CPU affinity and, in containers, its CPU quota.
            processorCount: max(1, ProcessInfo.processInfo.activeProcessorCount)
        )
    }
    #endif
}

/// Reads and parses `/proc` for the process metrics' callbacks, keeps utilization's previous sample, and counts and
/// logs failures.
final class ProcessSampler: Sendable {
    private struct Utilization {
        /// The previous sample: when, and the CPU seconds by mode then.
        var baseline: (time: Double, user: Double, system: Double)?
        /// The last value reported, repeated when collections come too close together.
        var last: (user: Double, system: Double)?
    }

    private let sources: ProcessSources
    private let logger: Logger
    private let minimumUtilizationInterval: Double
    private let utilizationState = Mutex(Utilization())
    /// Failures so far, and the metrics already logged.
    private let failureState = Mutex<(count: Int, logged: Set<String>)>((0, []))
    private let unregistered = Atomic(false)

    init(sources: ProcessSources, logger: Logger, minimumUtilizationInterval: Double) {
        self.sources = sources
        self.logger = logger
        self.minimumUtilizationInterval = minimumUtilizationInterval
        // The first utilization covers the time since registration rather than since the process started, so it
        // describes the process as it is now.
        if let stat = ProcFS.parseStat(sources.readFile("/proc/self/stat") ?? ""), let now = sources.secondsSinceBoot() {
            utilizationState.withLock { $0.baseline = (now, cpuSeconds(stat).user, cpuSeconds(stat).system) }
        }
    }

    var failureCount: Int { failureState.withLock { $0.count } }

    var isUnregistered: Bool { unregistered.load(ordering: .relaxed) }

    func markUnregistered() { unregistered.store(true, ordering: .relaxed) }

    /// Counts a skipped metric, and logs the first failure of each metric.
    func fail(_ metric: String, reason: String) {
        let isFirst = failureState.withLock { state in
            state.count += 1
            return state.logged.insert(metric).inserted
        }
        if isFirst {
            logger.warning(
                "A process metric could not be read and is skipped; later failures of it are only counted",
                metadata: ["metric": "\(metric)", "reason": "\(reason)"])
        }
    }

    /// `/proc/self/stat` parsed for `metric`, or `nil` after counting the failure.
    func stat(for metric: String) -> ProcStat? {
        guard let text = sources.readFile("/proc/self/stat") else {
            fail(metric, reason: "/proc/self/stat cannot be read")
            return nil
        }
        guard let stat = ProcFS.parseStat(text) else {
            fail(metric, reason: "/proc/self/stat has unexpected content")
            return nil
        }
        return stat
    }

    /// `/proc/self/statm` parsed for `metric`, or `nil` after counting the failure.
    func statm(for metric: String) -> ProcStatm? {
        guard let text = sources.readFile("/proc/self/statm") else {
            fail(metric, reason: "/proc/self/statm cannot be read")
            return nil
        }
        guard let statm = ProcFS.parseStatm(text) else {
            fail(metric, reason: "/proc/self/statm has unexpected content")
            return nil
        }
        return statm
    }

    private func cpuSeconds(_ stat: ProcStat) -> (user: Double, system: Double) {
        (Double(stat.userTicks) / sources.clockTicksPerSecond, Double(stat.systemTicks) / sources.clockTicksPerSecond)
    }

    /// The share of the available CPUs the process used, by mode, since the previous sample.
    func utilization() -> (user: Double, system: Double)? {
        let metric = "process.cpu.utilization"
        guard let stat = stat(for: metric) else { return nil }
        guard let now = sources.secondsSinceBoot() else {
            fail(metric, reason: "the boot-time clock cannot be read")
            return nil
        }
        let seconds = cpuSeconds(stat)
        let processors = Double(max(1, sources.processorCount))
        return utilizationState.withLock { state in
            guard let baseline = state.baseline else {
                state.baseline = (now, seconds.user, seconds.system)
                return nil
            }
            let elapsed = now - baseline.time
            // CPU time moves in whole ticks, so over a short interval the ratio is mostly rounding: keep the last
            // value until enough time has passed. Readers collecting one after the other land here too.
            guard elapsed >= minimumUtilizationInterval else { return state.last }
            func share(_ used: Double) -> Double { min(1, max(0, used / (elapsed * processors))) }
            let value = (user: share(seconds.user - baseline.user), system: share(seconds.system - baseline.system))
            state.baseline = (now, seconds.user, seconds.system)
            state.last = value
            return value
        }
    }
}
