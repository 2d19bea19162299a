import Synchronization
import Tracing

/// Stops calling a failing dependency for a while, so that it can recover and callers fail fast instead of waiting.
///
/// The circuit starts closed: calls go through and their outcomes fill a window. When the failures in the window
/// reach the configured threshold, the circuit opens: calls are refused at once with ``CircuitBreakerOpenError``
/// and counted. After the cool-down, the next call finds it half-open and goes through as a trial, as do up to
/// ``CircuitBreakerConfiguration/halfOpenTrialCalls`` in all; when they all succeed the circuit closes, and when one
/// fails it opens again, as it does when they have not all ended within
/// ``CircuitBreakerConfiguration/maximumHalfOpenDuration``. Time is read from the breaker's ``TelemetryClock``.
///
/// A cancelled call (one that throws `CancellationError`, or any error once its task is cancelled) counts neither as
/// a failure nor as a success. Its span, like that of any call that throws, records the error and has an error status.
///
/// Every call, refused ones included, is a span with `circuit_breaker.name` and `circuit_breaker.state` (the state
/// that admitted or refused it). The state is an observable gauge, `resilience.circuit_breaker.state`, and refusals
/// are counted in `resilience.circuit_breaker.calls.rejected`.
///
/// One breaker guards one dependency, and is shared by every task that calls it: its state sits behind one lock,
/// held only to decide and to count, never during a call.
///
/// ```swift
/// let payments = try CircuitBreaker(name: "payments", configuration: .init(threshold: .failures(5), window: .calls(20)))
/// let receipt = try await payments.run("charge") { try await client.charge(order) }
/// ```
public final class CircuitBreaker: Sendable {
    /// The breaker's name, for its spans and metrics.
    public let name: String
    /// When it opens, how long it stays open, and how it tests recovery.
    public let configuration: CircuitBreakerConfiguration
    private let state: LockedState
    private let tracer: any Tracer
    private let clock: any TelemetryClock
    private let instruments: CircuitBreakerInstruments

    /// Creates a closed breaker.
    ///
    /// - Parameters:
    ///   - name: The breaker's name: the default name of its calls' spans, and the `circuit_breaker.name` attribute.
    ///   - configuration: When it opens, how long it stays open, and how it tests recovery.
    ///   - tracer: Where the calls' spans go; by default swift-distributed-tracing's bootstrapped tracer.
    ///   - meter: Where `resilience.circuit_breaker.state` and `resilience.circuit_breaker.calls.rejected` go; with
    ///     `nil`, nowhere.
    ///   - clock: What the window and the cool-down are measured by; tests pass `TelemetryTesting`'s `TestClock`.
    /// - Throws: ``ResilienceConfigurationError`` when the configuration holds a value out of range.
    public init(
        name: String,
        configuration: CircuitBreakerConfiguration = CircuitBreakerConfiguration(),
        tracer: any Tracer = InstrumentationSystem.tracer,
        meter: Meter? = nil,
        clock: any TelemetryClock = SystemClock()
    ) throws(ResilienceConfigurationError) {
        try configuration.validate()
        self.name = name
        self.configuration = configuration
        let state = LockedState(StateMachine(configuration: configuration, now: clock.now))
        self.state = state
        self.tracer = tracer
        self.clock = clock
        self.instruments = CircuitBreakerInstruments(meter: meter, name: name, state: state)
    }

    deinit {
        instruments.registration?.unregister()
    }

    /// The current state. An open circuit whose cool-down has passed still reads open until a call arrives and
    /// turns it half-open; likewise a half-open circuit whose time ran out reads half-open until a call arrives.
    public var currentState: CircuitBreakerState { state.withLock { $0.state } }

    /// Makes the call through the breaker, or refuses it.
    ///
    /// - Parameters:
    ///   - operationName: The call's span name; by default the breaker's name.
    ///   - operation: The call to the guarded dependency.
    /// - Returns: What `operation` returns.
    /// - Throws: ``CircuitBreakerOpenError`` when the breaker refuses the call; otherwise whatever `operation` throws.
    public func run<Value>(
        _ operationName: String? = nil,
        isolation: isolated (any Actor)? = #isolation,
        _ operation: () async throws -> Value
    ) async throws -> Value {
        // The clock is read under the lock, so that the instants the machine sees never go backwards.
        let admission = state.withLock { [clock] in $0.admit(at: clock.now) }
        let parent = ServiceContext.current ?? .topLevel
        let spanName = operationName ?? name
        switch admission {
        case .rejected(let refusing, let retryAfter):
            instruments.recordRejection()
            let error = CircuitBreakerOpenError(name: name, state: refusing, retryAfter: retryAfter)
            let span = tracer.startSpan(spanName, context: parent, ofKind: .internal)
            if span.isRecording { span.updateAttributes { self.attributes(&$0, refusing) } }
            span.recordFailure(error)
            span.end()
            throw error
        case .permitted(let permit):
            do {
                let value = try await withTracedOperation(
                    tracer, spanName, parent: parent, attributes: { attributes(&$0, permit.state) }, isolation: isolation
                ) { _ in try await operation() }
                record(.success, for: permit)
                return value
            } catch {
                // A cancelled call says nothing about the dependency's health, whatever error it answered
                // cancellation with.
                let isCancelled = Task.isCancelled || error is CancellationError
                let outcome: StateMachine.Outcome =
                    isCancelled ? .ignored : configuration.isFailure(error) ? .failure : .success
                record(outcome, for: permit)
                throw error
            }
        }
    }

    private func record(_ outcome: StateMachine.Outcome, for permit: StateMachine.Permit) {
        state.withLock { [clock] in $0.record(outcome, for: permit, at: clock.now) }
    }

    private func attributes(_ attributes: inout SpanAttributes, _ state: CircuitBreakerState) {
        attributes["circuit_breaker.name"] = name
        attributes["circuit_breaker.state"] = state.rawValue
    }

    /// The state machine behind its lock, in an object of its own so that the state gauge's callback can hold it
    /// without holding the breaker.
    final class LockedState: Sendable {
        private let mutex: Mutex<StateMachine>

        init(_ machine: StateMachine) {
            mutex = Mutex(machine)
        }

        func withLock<Result>(_ body: (inout StateMachine) -> Result) -> Result {
            mutex.withLock { body(&$0) }
        }
    }
}
