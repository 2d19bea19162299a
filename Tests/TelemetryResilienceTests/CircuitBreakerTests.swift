import Synchronization
import Telemetry
import TelemetryResilience
import TelemetryTesting
import Testing
import Tracing

@Suite("Circuit breaker")
struct CircuitBreakerTests {
    let harness = Harness()

    func breaker(_ configuration: CircuitBreakerConfiguration) throws -> CircuitBreaker {
        try CircuitBreaker(
            name: "payments", configuration: configuration, tracer: harness.tracer, meter: harness.meter,
            clock: harness.clock)
    }

    func state(_ state: CircuitBreakerState) -> Double? {
        harness.value("resilience.circuit_breaker.state", ["circuit_breaker.name": "payments", "circuit_breaker.state": state.rawValue])
    }

    @Test("it opens at the threshold, refuses calls while open, and recovers through a half-open trial after the cool-down")
    func lifecycle() async throws {
        let breaker = try breaker(CircuitBreakerConfiguration(threshold: .failures(2), coolDown: .seconds(30)))
        #expect(state(.closed) == 1 && state(.open) == 0 && state(.halfOpen) == 0)
        for _ in 0..<2 { await #expect(throws: Failure.self) { try await breaker.run("charge") { throw Failure() } } }
        #expect(breaker.currentState == .open)
        #expect(state(.closed) == 0 && state(.open) == 1)

        let called = Mutex(false)
        do {
            try await breaker.run("charge") { called.withLock { $0 = true } }
            Issue.record("an open circuit let a call through")
        } catch let error as CircuitBreakerOpenError {
            #expect(error.state == .open && error.retryAfter == .seconds(30) && error.name == "payments")
        }
        #expect(called.withLock { $0 } == false)
        #expect(harness.value("resilience.circuit_breaker.calls.rejected", ["circuit_breaker.name": "payments"]) == 1)

        harness.clock.advance(by: .seconds(30))
        #expect(try await breaker.run("charge") { "receipt" } == "receipt")
        #expect(breaker.currentState == .closed)
        #expect(state(.closed) == 1 && state(.open) == 0)

        let spans = harness.spans.named("charge")
        #expect(spans.count == 4)
        #expect(spans.map { $0.attribute("circuit_breaker.state") } == [
            .string("closed"), .string("closed"), .string("open"), .string("half_open"),
        ])
        #expect(spans.map { $0.status?.code == .error } == [true, true, true, false])
        #expect(spans.allSatisfy { $0.attribute("circuit_breaker.name") == .string("payments") })
    }

    @Test("errors the classifier does not count as failures leave the circuit closed; cancellation counts as nothing")
    func classifier() async throws {
        struct NotFound: Error {}
        let breaker = try breaker(CircuitBreakerConfiguration(threshold: .failures(1), isFailure: { !($0 is NotFound) }))
        for _ in 0..<5 { await #expect(throws: NotFound.self) { try await breaker.run { throw NotFound() } } }
        await #expect(throws: CancellationError.self) { try await breaker.run { throw CancellationError() } }
        #expect(breaker.currentState == .closed)
    }

    @Test("calls in the breaker's span are children of the caller's span, and their spans parent the work inside")
    func spanParentage() async throws {
        let breaker = try breaker(CircuitBreakerConfiguration())
        let caller = try await harness.tracer.withSpan("checkout") { span in
            try await breaker.run {
                harness.tracer.withSpan("http POST") { _ in }
            }
            return span.context.spanContext
        }
        let call = try #require(harness.spans.named("payments").first)
        let inner = try #require(harness.spans.named("http POST").first)
        #expect(call.parentSpanID == caller?.spanID)
        #expect(inner.parentSpanID == call.spanContext.spanID)
    }

    @Test("under 1,000 concurrent failing calls it opens once, and every call is either made or refused and counted")
    func concurrentCalls() async throws {
        let breaker = try breaker(CircuitBreakerConfiguration(threshold: .failures(50), window: .calls(100)))
        let outcomes = await withTaskGroup(of: Bool.self, returning: [Bool].self) { group in
            for _ in 0..<1_000 {
                group.addTask {
                    do {
                        try await breaker.run("charge") { throw Failure() }
                    } catch is CircuitBreakerOpenError {
                        return false
                    } catch {}
                    return true
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let made = outcomes.filter { $0 }.count
        #expect(made >= 50 && made < 1_000)
        #expect(breaker.currentState == .open)
        #expect(harness.value("resilience.circuit_breaker.calls.rejected") == Double(1_000 - made))
        #expect(harness.spans.named("charge").count == 1_000)
        #expect(harness.spans.named("charge").filter { $0.attribute("circuit_breaker.state") == .string("open") }.count == 1_000 - made)
    }

    @Test("half-open, it lets exactly its trial calls through however many tasks call at once")
    func concurrentTrials() async throws {
        let breaker = try breaker(CircuitBreakerConfiguration(threshold: .failures(1), coolDown: .seconds(5), halfOpenTrialCalls: 3))
        await #expect(throws: Failure.self) { try await breaker.run { throw Failure() } }
        harness.clock.advance(by: .seconds(5))
        let admitted = Arrivals()
        let refused = Arrivals()
        let decided = Arrivals()
        let release = Gate()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<100 {
                group.addTask {
                    do {
                        try await breaker.run {
                            admitted.arrive()
                            decided.arrive()
                            await release.wait()
                        }
                    } catch {
                        if let error = error as? CircuitBreakerOpenError, error.state == .halfOpen { refused.arrive() }
                        decided.arrive()
                    }
                }
            }
            await decided.wait(for: 100)
            #expect(admitted.count == 3 && refused.count == 97)
            #expect(breaker.currentState == .halfOpen)
            #expect(state(.halfOpen) == 1)
            release.open()
        }
        #expect(admitted.count == 3 && refused.count == 97)
        #expect(breaker.currentState == .closed)
    }

    @Test("out-of-range configurations are refused when the breaker is made")
    func invalidConfiguration() {
        #expect(throws: ResilienceConfigurationError.self) {
            try CircuitBreaker(name: "b", configuration: .init(threshold: .failureRate(1.5, minimumCalls: 1)))
        }
        #expect(throws: ResilienceConfigurationError.self) {
            try CircuitBreaker(name: "b", configuration: .init(window: .calls(0)))
        }
        #expect(throws: ResilienceConfigurationError.self) {
            try CircuitBreaker(name: "b", configuration: .init(halfOpenTrialCalls: 0))
        }
    }
}
