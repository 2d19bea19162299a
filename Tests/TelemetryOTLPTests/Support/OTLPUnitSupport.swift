import Logging
import Synchronization
import Telemetry
@testable import TelemetryOTLP
import TelemetryTesting
import Testing
import Tracing

/// A transport that answers with scripted results and records what it was asked, for the exporter's retry loop.
final class ScriptedTransport: OTLPTransport {
    private struct State {
        var script: [OTLPSendResult]
        var timeouts: [Duration?] = []
        var bodies: [[UInt8]] = []
    }

    private let state: Mutex<State>
    /// What every send after the script answers.
    private let fallback: OTLPSendResult

    init(_ script: [OTLPSendResult], then fallback: OTLPSendResult = .accepted([])) {
        state = Mutex(State(script: script))
        self.fallback = fallback
    }

    /// The timeout of each send, in order; `nil` for no limit.
    var timeouts: [Duration?] { state.withLock { $0.timeouts } }

    /// How many sends there were.
    var sends: Int { state.withLock { $0.timeouts.count } }

    func run() async throws {}

    func send(_ body: [UInt8], timeout: Duration?) async -> OTLPSendResult {
        state.withLock { state in
            state.timeouts.append(timeout)
            state.bodies.append(body)
            return state.script.isEmpty ? fallback : state.script.removeFirst()
        }
    }

    func shutdown() async {}
}

/// Ended spans as exporters receive them.
func makeSpans(_ count: Int = 1, name: String = "span", attributes: SpanAttributes = [:]) throws -> [SpanData] {
    let provider = TracerProvider(resource: Resource(attributes: ["service.name": "otlp-unit"]))
    let tracer = provider.tracer(name: "unit")
    return try (0..<count).map { _ in
        let span = tracer.startSpan(name, kind: .internal, attributes: attributes)
        span.end()
        return try #require(span.recordingSpan?.spanData)
    }
}

/// A resolved configuration for the given settings and no variables.
func resolvedConfiguration(
    _ configure: (inout OTLPExporterConfiguration) -> Void = { _ in }
) throws -> OTLPResolvedConfiguration {
    var configuration = OTLPExporterConfiguration()
    configure(&configuration)
    return try OTLPResolvedConfiguration(configuration, environment: Environment([:], isStrict: false))
}

/// Waits until a task sleeps on `clock`, or until `task` ends first; returns whether one sleeps.
///
/// `TestClock.waitForSleepers(count:)` alone would wait forever for an export that never waits, so a test that
/// expects a retry wait would hang instead of failing.
func sleeps<T: Sendable>(before task: Task<T, any Error>, on clock: TestClock) async -> Bool {
    let (stream, continuation) = AsyncStream<Bool>.makeStream()
    let waiter = Task {
        await clock.waitForSleepers(count: 1)
        continuation.yield(true)
    }
    Task {
        _ = await task.result
        continuation.yield(false)
    }
    var first = stream.makeAsyncIterator()
    let sleeps = await first.next() ?? false
    if !sleeps {
        // Releases the waiter: it returns as soon as one task sleeps, and this one stops sleeping at once.
        let sleeper = Task { try await clock.sleep(for: .seconds(86_400)) }
        await waiter.value
        sleeper.cancel()
    }
    return sleeps
}
