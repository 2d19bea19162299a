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

    @Test("a call that answers its cancellation with an error of its own is no failure")
    func cancelledWithOwnError() async throws {
        let breaker = try breaker(CircuitBreakerConfiguration(threshold: .failures(1), window: .calls(1)))
        let clock = harness.clock
        let call = Task { try await breaker.run { try await clock.sleepUntilCancelledThrowingInterrupted() } }
        await clock.waitForSleepers(count: 1)
        call.cancel()
        await #expect(throws: Interrupted.self) { try await call.value }
        #expect(breaker.currentState == .closed, "a cancellation opened the circuit")
        let span = try #require(harness.spans.named("payments").first)
        #expect(span.status?.code == .error, "documented: a cancelled call's span has an error status")
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

    @Test("100 failing calls that end together open it once; the 900 concurrent calls after are all refused and counted")
    func concurrentCalls() async throws {
        let breaker = try breaker(CircuitBreakerConfiguration(threshold: .failures(50), window: .calls(100)))
        let admitted = Arrivals()
        let release = Gate()
        // The first 100 are all admitted while closed, and held so that their failures are recorded concurrently.
        let first = Task {
            await withTaskGroup(of: Bool.self, returning: [Bool].self) { group in
                for _ in 0..<100 {
                    group.addTask { await Self.call(breaker) { admitted.arrive(); await release.wait() } }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
        }
        await admitted.wait(for: 100)
        #expect(breaker.currentState == .closed)
        release.open()
        #expect(await first.value.allSatisfy { $0 }, "a held call was refused")
        #expect(breaker.currentState == .open)
        // The 50 failures past the threshold came from the opened circuit's previous generation: ignored.
        #expect(await Self.refusal(by: breaker, "charge")?.retryAfter == .seconds(30))
        let rest = await withTaskGroup(of: Bool.self, returning: [Bool].self) { group in
            for _ in 0..<899 { group.addTask { await Self.call(breaker) {} } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(rest.allSatisfy { !$0 }, "an open circuit let a call through")
        #expect(harness.value("resilience.circuit_breaker.calls.rejected") == 900)
        let spans = harness.spans.named("charge")
        #expect(spans.count == 1_000)
        #expect(spans.filter { $0.attribute("circuit_breaker.state") == .string("closed") }.count == 100)
        #expect(spans.filter { $0.attribute("circuit_breaker.state") == .string("open") }.count == 900)
        #expect(spans.allSatisfy { $0.status?.code == .error })
    }

    /// Makes a call that would succeed; returns the breaker's refusal, or `nil` when it let the call through.
    static func refusal(by breaker: CircuitBreaker, _ name: String? = nil) async -> CircuitBreakerOpenError? {
        do {
            try await breaker.run(name) {}
            return nil
        } catch {
            return error as? CircuitBreakerOpenError
        }
    }

    /// Makes a call named `charge` that runs `body` and then fails; returns whether the breaker let it through.
    static func call(_ breaker: CircuitBreaker, _ body: @Sendable () async -> Void) async -> Bool {
        do {
            try await breaker.run("charge") {
                await body()
                throw Failure()
            }
        } catch is CircuitBreakerOpenError {
            return false
        } catch {}
        return true
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

    @Test("a failed trial among concurrent ones reopens the circuit; the others' later successes do not close it")
    func failedTrialAmongConcurrent() async throws {
        let breaker = try breaker(CircuitBreakerConfiguration(
            threshold: .failures(1), window: .calls(10), coolDown: .seconds(5), halfOpenTrialCalls: 3))
        await #expect(throws: Failure.self) { try await breaker.run("charge") { throw Failure() } }
        harness.clock.advance(by: .seconds(5))
        let admitted = Arrivals()
        let failTrial = Gate()
        let passTrials = Gate()
        let failing = Task { try await breaker.run("charge") { admitted.arrive(); await failTrial.wait(); throw Failure() } }
        await admitted.wait(for: 1)
        let passing = (0..<2).map { _ in Task { try await breaker.run("charge") { admitted.arrive(); await passTrials.wait() } } }
        await admitted.wait(for: 3)
        await #expect(throws: CircuitBreakerOpenError.self) { try await breaker.run("charge") {} }
        failTrial.open()
        await #expect(throws: Failure.self) { try await failing.value }
        #expect(breaker.currentState == .open)
        passTrials.open()
        for trial in passing { try await trial.value }
        #expect(breaker.currentState == .open, "a trial that outlived the failed one closed the circuit")
        do {
            try await breaker.run("charge") {}
            Issue.record("a reopened circuit let a call through")
        } catch let error as CircuitBreakerOpenError {
            #expect(error.state == .open && error.retryAfter == .seconds(5))
        }
        let states = harness.spans.named("charge").map { $0.attribute("circuit_breaker.state") }
        #expect(states.filter { $0 == .string("half_open") }.count == 4)  // three trials, and the refusal while half-open
        #expect(states.filter { $0 == .string("open") }.count == 1)
    }

    @Test("a trial that never returns does not hold the circuit half-open: it reopens after the maximum half-open time")
    func hungTrial() async throws {
        let breaker = try breaker(CircuitBreakerConfiguration(threshold: .failures(1), window: .calls(10), coolDown: .seconds(5)))
        let clock = harness.clock
        await #expect(throws: Failure.self) { try await breaker.run { throw Failure() } }
        clock.advance(by: .seconds(5))
        let admitted = Gate()
        let hung = Gate()
        let trial = Task { try await breaker.run { admitted.open(); await hung.wait() } }
        await admitted.wait()
        #expect(await Self.refusal(by: breaker)?.state == .halfOpen)
        clock.advance(by: .seconds(5))  // the maximum half-open time, by default the cool-down
        let reopened = await Self.refusal(by: breaker)
        #expect(reopened?.state == .open && reopened?.retryAfter == .seconds(5))
        #expect(breaker.currentState == .open)
        clock.advance(by: .seconds(5))
        #expect(try await breaker.run { "recovered" } == "recovered", "the next trial was refused")
        #expect(breaker.currentState == .closed)
        hung.open()
        try await trial.value
        #expect(breaker.currentState == .closed)
    }

    @Test("a time window opens the circuit on failures within its duration only, on the breaker's clock")
    func timeWindowEndToEnd() async throws {
        let breaker = try breaker(CircuitBreakerConfiguration(threshold: .failures(2), window: .time(.seconds(10))))
        let clock = harness.clock
        await #expect(throws: Failure.self) { try await breaker.run { throw Failure() } }
        clock.advance(by: .seconds(11))
        await #expect(throws: Failure.self) { try await breaker.run { throw Failure() } }
        #expect(breaker.currentState == .closed, "a failure older than the window counted")
        clock.advance(by: .seconds(5))
        await #expect(throws: Failure.self) { try await breaker.run { throw Failure() } }
        #expect(breaker.currentState == .open)
        #expect(state(.open) == 1)
    }

    @Test("the state metric is dimensionless: unit 1")
    func stateUnit() throws {
        let breaker = try breaker(CircuitBreakerConfiguration())
        #expect(harness.metric("resilience.circuit_breaker.state")?.unit == "1")
        _ = breaker
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
        // Thresholds the window can never reach would keep the circuit closed forever.
        #expect(throws: ResilienceConfigurationError.self) {
            try CircuitBreaker(name: "b", configuration: .init(threshold: .failures(11), window: .calls(10)))
        }
        #expect(throws: ResilienceConfigurationError.self) {
            try CircuitBreaker(name: "b", configuration: .init(threshold: .failureRate(0.5, minimumCalls: 11), window: .calls(10)))
        }
        #expect(throws: Never.self) {
            try CircuitBreaker(name: "b", configuration: .init(threshold: .failures(10), window: .calls(10)))
        }
        // A call window is an array of its size.
        #expect(throws: ResilienceConfigurationError.self) {
            try CircuitBreaker(name: "b", configuration: .init(threshold: .failures(1), window: .calls(.max)))
        }
        #expect(throws: ResilienceConfigurationError.self) {
            try CircuitBreaker(name: "b", configuration: .init(
                threshold: .failures(1), window: .calls(CircuitBreakerConfiguration.maximumCallWindow + 1)))
        }
        #expect(throws: ResilienceConfigurationError.self) {
            try CircuitBreaker(name: "b", configuration: .init(maximumHalfOpenDuration: .zero))
        }
    }
}
