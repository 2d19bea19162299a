#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
@testable import Telemetry
import TelemetryTesting
import Testing

@Suite("Process metrics")
struct ProcessMetricsTests {
    /// Spins until this process has used `cpuTime` more CPU, read from the process's own CPU clock: the quantity
    /// the metric reports, not wall time, so a busy machine only makes it take longer.
    static func burnCPU(for cpuTime: Duration) -> UInt64 {
        func used() -> Duration {
            var now = timespec()
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
            return .seconds(Int64(now.tv_sec)) + .nanoseconds(Int64(now.tv_nsec))
        }
        let start = used()
        var accumulator: UInt64 = 0
        while used() - start < cpuTime {
            for index in 0..<10_000 { accumulator = accumulator &* 31 &+ UInt64(index) }
        }
        return accumulator
    }

    #if os(Linux)
    @Test("names, units, kinds and attributes follow the semantic conventions, and the values are plausible")
    func live() throws {
        let reader = ManualMetricReader()
        let provider = MeterProvider(readers: [reader], logger: LogCapture().logger())
        defer { withExtendedLifetime(provider) {} }
        let registration = ProcessMetrics.register(on: provider)
        defer { registration.unregister() }
        #expect(registration.isActive)

        let first = reader.collect()
        let expected: [(name: String, unit: String, kind: String)] = [
            ("process.cpu.time", "s", "counter"),
            ("process.memory.usage", "By", "updown"),
            ("process.memory.virtual", "By", "updown"),
            ("process.unix.file_descriptor.count", "{file_descriptor}", "updown"),
            ("process.thread.count", "{thread}", "updown"),
            ("process.uptime", "s", "gauge"),
        ]
        for entry in expected {
            let metric = try Collected.metric(entry.name, in: first)
            #expect(metric.unit == entry.unit, "\(entry.name)")
            #expect(metric.instrumentationScope.name == ProcessMetrics.scopeName)
            #expect(!metric.description.isEmpty)
            switch (metric.points, entry.kind) {
            case (.sum(let sum), "counter"): #expect(sum.isMonotonic && sum.temporality == .cumulative)
            case (.sum(let sum), "updown"): #expect(!sum.isMonotonic)
            case (.gauge, "gauge"): break
            default: Issue.record("\(entry.name) is not a \(entry.kind)")
            }
        }
        let cpu = try Collected.metric("process.cpu.time", in: first)
        #expect(Set(Collected.points(cpu).map(\.attributes)) == [["cpu.mode": "user"], ["cpu.mode": "system"]])
        #expect(try Collected.value(Collected.metric("process.memory.usage", in: first)) > 0)
        let virtual = try Collected.value(Collected.metric("process.memory.virtual", in: first))
        #expect(virtual >= (try Collected.value(Collected.metric("process.memory.usage", in: first))))
        #expect(try Collected.value(Collected.metric("process.thread.count", in: first)) >= 1)
        let uptime = try Collected.value(Collected.metric("process.uptime", in: first))
        #expect(uptime > 0)

        // Burning CPU moves CPU time and gives a utilization; the next collection is past the minimum interval.
        _ = Self.burnCPU(for: .milliseconds(300))
        let second = reader.collect()
        let cpuBefore = try Collected.value(cpu, ["cpu.mode": "user"]) + Collected.value(cpu, ["cpu.mode": "system"])
        let cpuAfterMetric = try Collected.metric("process.cpu.time", in: second)
        let cpuAfter =
            try Collected.value(cpuAfterMetric, ["cpu.mode": "user"]) + Collected.value(cpuAfterMetric, ["cpu.mode": "system"])
        #expect(cpuAfter > cpuBefore, "CPU time grows after burning CPU")
        #expect(try Collected.value(Collected.metric("process.uptime", in: second)) > uptime, "uptime grows")

        let utilization = try Collected.metric("process.cpu.utilization", in: second)
        #expect(utilization.unit == "1")
        let user = try Collected.value(utilization, ["cpu.mode": "user"])
        let system = try Collected.value(utilization, ["cpu.mode": "system"])
        #expect(user + system > 0 && user <= 1 && system <= 1)
        #expect(registration.failures == 0)
    }

    @Test("the file descriptor count follows opening and closing a file")
    func fileDescriptors() throws {
        let reader = ManualMetricReader()
        let provider = MeterProvider(readers: [reader], logger: LogCapture().logger())
        defer { withExtendedLifetime(provider) {} }
        let registration = ProcessMetrics.register(on: provider)
        defer { registration.unregister() }
        func count() throws -> Double {
            try Collected.value(Collected.metric("process.unix.file_descriptor.count", in: reader.collect()))
        }
        // Other tests open and close files concurrently, so compare against several extra descriptors at once and
        // retry a few times rather than expecting an exact difference.
        var grew = false
        for _ in 0..<5 where !grew {
            let before = try count()
            let descriptors = (0..<32).map { _ in open("/proc/self/stat", O_RDONLY) }
            let during = try count()
            for descriptor in descriptors where descriptor >= 0 { close(descriptor) }
            grew = during >= before + 16
        }
        #expect(grew)
    }
    #else
    @Test("nothing is registered off Linux")
    func notLinux() {
        let reader = ManualMetricReader()
        let provider = MeterProvider(readers: [reader])
        defer { withExtendedLifetime(provider) {} }
        let registration = ProcessMetrics.register(on: provider)
        #expect(!registration.isActive)
        #expect(reader.collect().isEmpty)
    }
    #endif
}
