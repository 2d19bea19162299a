import Synchronization
import Telemetry
import TelemetryTesting
import Testing
import Tracing

/// Collects spans synchronously as they end, so tests need no background export.
final class SpanRecorder: SpanProcessor {
    private let spans = Mutex<[RecordingSpan]>([])

    var ended: [SpanData] { spans.withLock { $0.map(\.spanData) } }

    func onStart(_ span: RecordingSpan, parentContext: ServiceContext) {}
    func onEnd(_ span: RecordingSpan) { spans.withLock { $0.append(span) } }
    func forceFlush() async throws {}
    func shutdown() async throws {}

    func named(_ name: String) -> [SpanData] { ended.filter { $0.name == name } }
}

/// A tracer, a meter and a test clock, wired to in-memory collection.
struct Harness {
    let tracer: TracerProvider
    let spans = SpanRecorder()
    let reader = ManualMetricReader()
    let meter: Meter
    let clock = TestClock()

    init() {
        tracer = TracerProvider(resource: Resource(attributes: ["service.name": "test"]), processors: [spans])
        meter = MeterProvider(resource: Resource(attributes: ["service.name": "test"]), readers: [reader])
            .meter(name: "resilience-tests")
    }

    /// The collected metric `name`, or `nil`.
    func metric(_ name: String) -> MetricData? {
        reader.collect().first { $0.name == name }
    }

    /// The value of the sum or gauge point of metric `name` whose attributes include `attributes`, or `nil`.
    func value(_ name: String, _ attributes: [String: String] = [:]) -> Double? {
        guard let metric = reader.collect().first(where: { $0.name == name }) else { return nil }
        let points: [NumberPoint]
        switch metric.points {
        case .sum(let sum): points = sum.points
        case .gauge(let gauge): points = gauge
        default: return nil
        }
        return points.first { Self.matches($0.attributes, attributes) }?.value.doubleValue
    }

    /// The count and sum of the histogram point of metric `name` whose attributes include `attributes`, or `nil`.
    func histogram(_ name: String, _ attributes: [String: String] = [:]) -> (count: UInt64, sum: Double?)? {
        guard let metric = reader.collect().first(where: { $0.name == name }),
            case .histogram(let histogram) = metric.points,
            let point = histogram.points.first(where: { Self.matches($0.attributes, attributes) })
        else { return nil }
        return (point.count, point.sum)
    }

    private static func matches(_ set: AttributeSet, _ wanted: [String: String]) -> Bool {
        wanted.allSatisfy { set[$0.key] == .string($0.value) }
    }
}

/// A one-shot signal: ``wait()`` returns once ``open()`` has been called, before or after.
final class Gate: Sendable {
    private let state = Mutex<(isOpen: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func open() {
        let waiters = state.withLock { state in
            state.isOpen = true
            defer { state.waiters = [] }
            return state.waiters
        }
        waiters.forEach { $0.resume() }
    }

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let isOpen = state.withLock { state in
                if !state.isOpen { state.waiters.append(continuation) }
                return state.isOpen
            }
            if isOpen { continuation.resume() }
        }
    }
}

/// Counts arrivals; ``wait(for:)`` returns once that many have arrived.
final class Arrivals: Sendable {
    private let state = Mutex<(count: Int, waiters: [(Int, CheckedContinuation<Void, Never>)])>((0, []))

    var count: Int { state.withLock { $0.count } }

    func arrive() {
        let ready = state.withLock { state in
            state.count += 1
            let count = state.count
            defer { state.waiters.removeAll { $0.0 <= count } }
            return state.waiters.filter { $0.0 <= count }.map(\.1)
        }
        ready.forEach { $0.resume() }
    }

    func wait(for count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state in
                if state.count < count { state.waiters.append((count, continuation)) }
                return state.count >= count
            }
            if ready { continuation.resume() }
        }
    }
}

/// A clock that forwards to a ``TestClock`` and tells when a sleep until a given instant was asked for: the signal a
/// test needs when several tasks sleep on the clock and only one of the sleeps matters.
///
/// Advancing the test clock past the instant as soon as the sleep is asked for is safe even before the sleep has
/// registered: a sleep that registers at or past its deadline returns at once.
final class SleepSignallingClock: TelemetryClock {
    let base: TestClock
    private let state = Mutex<(asked: [ContinuousClock.Instant], waiters: [(ContinuousClock.Instant, CheckedContinuation<Void, Never>)])>(([], []))

    init(_ base: TestClock) {
        self.base = base
    }

    var now: ContinuousClock.Instant { base.now }

    func sleep(until deadline: ContinuousClock.Instant) async throws {
        let ready = state.withLock { state in
            state.asked.append(deadline)
            defer { state.waiters.removeAll { $0.0 == deadline } }
            return state.waiters.filter { $0.0 == deadline }.map(\.1)
        }
        ready.forEach { $0.resume() }
        try await base.sleep(until: deadline)
    }

    /// Returns once some task has asked to sleep until `deadline`.
    func waitForSleep(until deadline: ContinuousClock.Instant) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let asked = state.withLock { state in
                if !state.asked.contains(deadline) { state.waiters.append((deadline, continuation)) }
                return state.asked.contains(deadline)
            }
            if asked { continuation.resume() }
        }
    }
}

struct Failure: Error, Equatable, CustomStringConvertible {
    var attempt: Int = 0
    var description: String { "failure \(attempt)" }
}

/// What an operation that does not let `CancellationError` through throws when it is cancelled, as many clients do.
struct Interrupted: Error, Equatable {}

extension TestClock {
    /// Sleeps until cancelled, then throws ``Interrupted`` rather than `CancellationError`.
    func sleepUntilCancelledThrowingInterrupted() async throws {
        do {
            try await sleep(for: .seconds(3600))
        } catch {
            throw Interrupted()
        }
    }
}

extension SpanData {
    func attribute(_ key: String) -> SpanAttribute? { attributes.get(key) }
}
