@testable import TelemetryResilience
import Testing

@Suite("Circuit breaker state machine")
struct CircuitBreakerStateMachineTests {
    typealias Machine = CircuitBreaker.StateMachine
    let start = ContinuousClock.now

    func machine(
        _ threshold: CircuitBreakerConfiguration.Threshold,
        window: CircuitBreakerConfiguration.Window = .calls(10),
        trials: Int = 1
    ) -> Machine {
        Machine(
            configuration: CircuitBreakerConfiguration(
                threshold: threshold, window: window, coolDown: .seconds(30), halfOpenTrialCalls: trials),
            now: start)
    }

    /// Admits a call at `time` and records its outcome at once; returns whether it was admitted.
    @discardableResult
    func call(_ machine: inout Machine, _ outcome: Machine.Outcome, at time: Duration = .zero) -> Bool {
        guard case .permitted(let permit) = machine.admit(at: start.advanced(by: time)) else { return false }
        machine.record(outcome, for: permit, at: start.advanced(by: time))
        return true
    }

    @Test("a count threshold opens the circuit at the nth failure in the window, and only then")
    func failureCount() {
        var machine = machine(.failures(3))
        call(&machine, .failure)
        call(&machine, .success)
        call(&machine, .failure)
        #expect(machine.state == .closed)
        call(&machine, .failure)
        #expect(machine.state == .open)
        #expect(machine.admit(at: start.advanced(by: .seconds(10))) == .rejected(state: .open, retryAfter: .seconds(20)))
    }

    @Test("failures that left the call window no longer count")
    func callWindowSlides() {
        var machine = machine(.failures(2), window: .calls(3))
        call(&machine, .failure)
        for _ in 0..<3 { call(&machine, .success) }  // pushes the failure out
        call(&machine, .failure)
        #expect(machine.state == .closed)
        call(&machine, .failure)
        #expect(machine.state == .open)
    }

    @Test("a rate threshold waits for the minimum number of calls")
    func failureRate() {
        var machine = machine(.failureRate(0.5, minimumCalls: 4))
        call(&machine, .failure)
        call(&machine, .failure)
        call(&machine, .success)
        #expect(machine.state == .closed, "two of three failed, but three calls are fewer than four")
        call(&machine, .success)
        #expect(machine.state == .closed, "a success never opens the circuit")
        call(&machine, .failure)
        #expect(machine.state == .open, "three of five failed")
    }

    @Test("a time window forgets failures older than its duration")
    func timeWindow() {
        var machine = machine(.failures(2), window: .time(.seconds(10)))
        call(&machine, .failure, at: .seconds(1))
        call(&machine, .failure, at: .seconds(12))
        #expect(machine.state == .closed, "the first failure left the window")
        call(&machine, .failure, at: .seconds(13))
        #expect(machine.state == .open)
    }

    @Test("after the cool-down the circuit is half-open: it admits its trial calls only, and closes when all succeed")
    func halfOpenCloses() {
        var machine = machine(.failures(1), trials: 2)
        call(&machine, .failure)
        let later = start.advanced(by: .seconds(30))
        guard case .permitted(let first) = machine.admit(at: later),
            case .permitted(let second) = machine.admit(at: later)
        else {
            Issue.record("trial calls were refused")
            return
        }
        #expect(first.state == .halfOpen && machine.state == .halfOpen)
        #expect(machine.admit(at: later) == .rejected(state: .halfOpen, retryAfter: .zero))
        machine.record(.success, for: first, at: later)
        #expect(machine.state == .halfOpen)
        machine.record(.success, for: second, at: later)
        #expect(machine.state == .closed)
        call(&machine, .success, at: .seconds(31))
    }

    @Test("a failed trial call opens the circuit for another cool-down")
    func halfOpenReopens() {
        var machine = machine(.failures(1))
        call(&machine, .failure)
        call(&machine, .failure, at: .seconds(30))
        #expect(machine.state == .open)
        #expect(machine.admit(at: start.advanced(by: .seconds(59))) == .rejected(state: .open, retryAfter: .seconds(1)))
        #expect(call(&machine, .success, at: .seconds(60)))
        #expect(machine.state == .closed)
    }

    @Test("a cancelled trial call frees its slot without deciding anything")
    func ignoredTrial() {
        var machine = machine(.failures(1))
        call(&machine, .failure)
        let later = start.advanced(by: .seconds(30))
        guard case .permitted(let trial) = machine.admit(at: later) else {
            Issue.record("trial refused")
            return
        }
        machine.record(.ignored, for: trial, at: later)
        #expect(machine.state == .halfOpen)
        #expect(call(&machine, .success, at: .seconds(30)))
        #expect(machine.state == .closed)
    }

    @Test("half-open for longer than the maximum (by default the cool-down), it reopens as of then; late trials count for nothing")
    func halfOpenExpires() {
        var machine = machine(.failures(1))
        call(&machine, .failure)
        let halfOpen = start.advanced(by: .seconds(30))
        guard case .permitted(let hung) = machine.admit(at: halfOpen) else {
            Issue.record("trial refused")
            return
        }
        #expect(machine.admit(at: halfOpen.advanced(by: .seconds(29))) == .rejected(state: .halfOpen, retryAfter: .zero))
        // Asked 10 s after the half-open time ran out: it reopened then, so 20 s of the new cool-down are left.
        #expect(machine.admit(at: halfOpen.advanced(by: .seconds(40))) == .rejected(state: .open, retryAfter: .seconds(20)))
        machine.record(.success, for: hung, at: halfOpen.advanced(by: .seconds(41)))
        #expect(machine.state == .open, "a trial that outlived the half-open time closed the circuit")
        #expect(call(&machine, .success, at: .seconds(90)))
        #expect(machine.state == .closed)
    }

    @Test("a zero cool-down sets no half-open limit, so a trial can still decide")
    func zeroCoolDownHalfOpen() {
        var machine = Machine(
            configuration: CircuitBreakerConfiguration(threshold: .failures(1), window: .calls(10), coolDown: .zero),
            now: start)
        call(&machine, .failure)
        guard case .permitted(let trial) = machine.admit(at: start.advanced(by: .seconds(1))) else {
            Issue.record("trial refused")
            return
        }
        machine.record(.success, for: trial, at: start.advanced(by: .seconds(2)))
        #expect(machine.state == .closed)
    }

    @Test("the outcome of a call admitted before the circuit changed state is ignored")
    func stalePermit() {
        var machine = machine(.failures(1))
        guard case .permitted(let slow) = machine.admit(at: start) else {
            Issue.record("refused")
            return
        }
        call(&machine, .failure)
        #expect(machine.state == .open)
        call(&machine, .success, at: .seconds(30))
        #expect(machine.state == .closed)
        machine.record(.failure, for: slow, at: start.advanced(by: .seconds(31)))
        #expect(machine.state == .closed, "a failure from before the circuit recovered reopened it")
    }
}
