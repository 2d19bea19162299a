import Synchronization
import Telemetry

/// The breaker's metrics. With no meter, every call is a no-op.
///
/// - `resilience.circuit_breaker.state` (observable gauge, `1`): 1 for the series of the current
///   `circuit_breaker.state` (`closed`, `open`, `half_open`), 0 for the other two, so a graph per state shows when
///   the circuit was in it.
/// - `resilience.circuit_breaker.calls.rejected` (counter, `{call}`): calls refused without being made.
///
/// Every series carries `circuit_breaker.name`.
struct CircuitBreakerInstruments: Sendable {
    private let rejected: BoundCounter<Int64>?
    let registration: ObservableCallbackRegistration?

    init(meter: Meter?, name: String, state: CircuitBreaker.LockedState) {
        guard let meter else {
            (rejected, registration) = (nil, nil)
            return
        }
        rejected = meter.makeCounter(
            name: "resilience.circuit_breaker.calls.rejected", unit: "{call}",
            description: "Calls a circuit breaker refused"
        ).bind(["circuit_breaker.name": .string(name)])
        let series = CircuitBreakerState.allCases.map { state -> (CircuitBreakerState, AttributeSet) in
            let attributes: AttributeSet = [
                "circuit_breaker.name": .string(name), "circuit_breaker.state": .string(state.rawValue),
            ]
            return (state, attributes)
        }
        // Observed, not recorded at each change: the gauge can never show two states at once, nor lag a change.
        registration = meter.makeObservableGauge(
            Int64.self, name: "resilience.circuit_breaker.state", unit: "1",
            description: "Whether a circuit breaker is in each state"
        ).addCallback { [weak state] observations in
            guard let current = state?.withLock({ $0.state }) else { return }
            for (state, attributes) in series { observations.observe(state == current ? 1 : 0, attributes: attributes) }
        }
    }

    func recordRejection() {
        rejected?.add(1)
    }
}
