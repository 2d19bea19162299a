import Synchronization
@testable import Telemetry
import TelemetryTesting
import Testing

/// Finds one stream by name, and reads points by attributes, for the instrumentation tests.
enum Collected {
    static func metric(_ name: String, in metrics: [MetricData]) throws -> MetricData {
        try #require(metrics.first { $0.name == name }, "no \(name) in \(metrics.map(\.name))")
    }

    static func points(_ metric: MetricData) -> [NumberPoint] {
        switch metric.points {
        case .sum(let sum): return sum.points
        case .gauge(let points): return points
        default: return []
        }
    }

    static func value(_ metric: MetricData, _ attributes: AttributeSet = .empty) throws -> Double {
        try #require(points(metric).first { $0.attributes == attributes }, "no \(attributes) in \(metric.name)").value.doubleValue
    }
}

@Suite("/proc parsing for the process metrics")
struct ProcFSTests {
    /// A command name holding spaces and parentheses, as a process may choose, to check fields are counted from the
    /// last `)`.
    static let stat =
        "12345 (my (odd) prog) S 1 12345 12345 0 -1 4194560 1000 0 0 0 250 75 0 0 20 0 7 0 98765 123456789 2048 "
        + "18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0\n"

    @Test("stat: CPU ticks, threads and start time, whatever the command name holds")
    func parseStat() throws {
        let stat = try #require(ProcFS.parseStat(Self.stat))
        #expect(stat == ProcStat(userTicks: 250, systemTicks: 75, threads: 7, startTicks: 98765))
    }

    @Test(
        "stat: malformed content gives nil, never a trap",
        arguments: [
            "", "garbage", "12345 (prog", "12345 (prog) S 1 2 3", "12345 (prog) S 1 12345 12345 0 -1 4194560 1000 0 0 0 x 75 0 0 20 0 7 0 98765",
            "12345 (prog) S 1 12345 12345 0 -1 4194560 1000 0 0 0 -250 75 0 0 20 0 7 0 98765",
            "12345 (prog) S 1 12345 12345 0 -1 4194560 1000 0 0 0 250 75 0 0 20 0 -7 0 98765",
            "12345 (prog) S 1 12345 12345 0 -1 4194560 1000 0 0 0 99999999999999999999999 75 0 0 20 0 7 0 98765",
            "\u{0}\u{1}) \u{FFFD}",
        ])
    func malformedStat(text: String) {
        #expect(ProcFS.parseStat(text) == nil)
    }

    @Test("statm: size and resident pages; malformed content gives nil")
    func parseStatm() {
        #expect(ProcFS.parseStatm("5000 1200 300 10 0 900 0\n") == ProcStatm(sizePages: 5000, residentPages: 1200))
        for text in ["", "5000", "5000 x 1", "-1 2 3", "a b c", "18446744073709551616 1"] {
            #expect(ProcFS.parseStatm(text) == nil, "\(text)")
        }
    }

    @Test("pages to bytes does not trap on overflow")
    func bytes() {
        #expect(ProcFS.bytes(pages: 3, pageSize: 4096) == 12288)
        #expect(ProcFS.bytes(pages: UInt64.max, pageSize: 4096) == nil)
        #expect(ProcFS.bytes(pages: UInt64(Int64.max) / 2 + 1, pageSize: 2) == nil)
    }

    #if os(Linux)
    @Test("the live /proc/self parses")
    func live() throws {
        let statText = try #require(ProcFS.readFile("/proc/self/stat"))
        let stat = try #require(ProcFS.parseStat(statText))
        #expect(stat.threads >= 1)
        let statmText = try #require(ProcFS.readFile("/proc/self/statm"))
        let statm = try #require(ProcFS.parseStatm(statmText))
        #expect(statm.residentPages > 0 && statm.sizePages >= statm.residentPages)
        #expect(try #require(ProcFS.countOpenFileDescriptors()) >= 3)
        #expect(ProcFS.readFile("/proc/self/no-such-file") == nil)
    }
    #endif

    /// Sources whose files say what the test sets, so that garbage reaches the callbacks.
    final class FakeProc: Sendable {
        let files = Mutex<[String: String]>([:])
        let seconds = Mutex<Double?>(1000)
        let descriptors = Mutex<Int64?>(12)

        var sources: ProcessSources {
            ProcessSources(
                readFile: { path in self.files.withLock { $0[path] } },
                countFileDescriptors: { self.descriptors.withLock { $0 } },
                secondsSinceBoot: { self.seconds.withLock { $0 } },
                clockTicksPerSecond: 100,
                pageSize: 4096,
                processorCount: 2
            )
        }

        func set(_ path: String, _ text: String?) { files.withLock { $0[path] = text } }
    }

    static func stat(user: Int, system: Int, threads: Int = 7, start: Int = 50_000) -> String {
        "1 (p) S 1 1 1 0 -1 0 0 0 0 0 \(user) \(system) 0 0 20 0 \(threads) 0 \(start) 0 0\n"
    }

    @Test("through the callbacks: values from fake /proc, utilization between collections, garbage skipped and logged once")
    func callbacks() throws {
        let proc = FakeProc()
        proc.set("/proc/self/stat", Self.stat(user: 1000, system: 200))
        proc.set("/proc/self/statm", "5000 1200 0 0 0 0 0")
        let capture = LogCapture()
        let reader = ManualMetricReader()
        let provider = MeterProvider(readers: [reader], logger: capture.logger())
        defer { withExtendedLifetime(provider) {} }
        let registration = ProcessMetrics.register(on: provider, sources: proc.sources)
        #expect(registration.isActive)

        var metrics = reader.collect()
        let cpu = try Collected.metric("process.cpu.time", in: metrics)
        #expect(try Collected.value(cpu, ["cpu.mode": "user"]) == 10)
        #expect(try Collected.value(cpu, ["cpu.mode": "system"]) == 2)
        #expect(try Collected.value(Collected.metric("process.memory.usage", in: metrics)) == 1200 * 4096)
        #expect(try Collected.value(Collected.metric("process.memory.virtual", in: metrics)) == 5000 * 4096)
        #expect(try Collected.value(Collected.metric("process.thread.count", in: metrics)) == 7)
        #expect(try Collected.value(Collected.metric("process.unix.file_descriptor.count", in: metrics)) == 12)
        #expect(try Collected.value(Collected.metric("process.uptime", in: metrics)) == 500)
        #expect(!metrics.contains { $0.name == "process.cpu.utilization" }, "no time has passed since registration")

        // Two seconds on two CPUs, of which 1 s user and 0.5 s system: a quarter and an eighth.
        proc.seconds.withLock { $0 = 1002 }
        proc.set("/proc/self/stat", Self.stat(user: 1100, system: 250))
        metrics = reader.collect()
        let utilization = try Collected.metric("process.cpu.utilization", in: metrics)
        #expect(utilization.unit == "1")
        #expect(try Collected.value(utilization, ["cpu.mode": "user"]) == 0.25)
        #expect(try Collected.value(utilization, ["cpu.mode": "system"]) == 0.125)

        // Garbage: every metric reading it is skipped, the failures are counted, each metric is logged once.
        proc.set("/proc/self/stat", "1 (p) S garbage")
        proc.set("/proc/self/statm", nil)
        proc.descriptors.withLock { $0 = nil }
        metrics = reader.collect()
        metrics = reader.collect()
        for name in [
            "process.cpu.time", "process.memory.usage", "process.memory.virtual", "process.thread.count",
            "process.unix.file_descriptor.count", "process.uptime",
        ] {
            let metric = metrics.first { $0.name == name }
            #expect(metric.map(Collected.points)?.isEmpty ?? true, "\(name) is skipped")
        }
        #expect(registration.failures == 14, "seven metrics, twice")
        let warnings = capture.warnings.filter { $0.contains("process metric could not be read") }
        #expect(warnings.count == 7, "\(capture.warnings)")

        registration.unregister()
        #expect(!registration.isActive)
        proc.set("/proc/self/stat", Self.stat(user: 1, system: 1))
        #expect(reader.collect().allSatisfy { Collected.points($0).isEmpty })
    }

    @Test("a start time after now is garbage, not a negative uptime")
    func futureStart() throws {
        let proc = FakeProc()
        proc.set("/proc/self/stat", Self.stat(user: 1, system: 1, start: 200_000))
        let reader = ManualMetricReader()
        let provider = MeterProvider(readers: [reader], logger: LogCapture().logger())
        defer { withExtendedLifetime(provider) {} }
        let registration = ProcessMetrics.register(on: provider, sources: proc.sources)
        #expect(!reader.collect().contains { $0.name == "process.uptime" && !Collected.points($0).isEmpty })
        #expect(registration.failures >= 1)
    }
}
