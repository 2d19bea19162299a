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

/// Yields until `condition` holds, at most `attempts` times, and returns whether it held: for state that another
/// task reaches with no signal of its own to wait on. It counts turns, not time, and fails instead of hanging.
func eventually(attempts: Int = 100_000, _ condition: () -> Bool) async -> Bool {
    for _ in 0..<attempts {
        if condition() { return true }
        await Task.yield()
    }
    return condition()
}

struct Failure: Error, Equatable, CustomStringConvertible {
    var attempt: Int = 0
    var description: String { "failure \(attempt)" }
}

extension SpanData {
    func attribute(_ key: String) -> SpanAttribute? { attributes.get(key) }
}
