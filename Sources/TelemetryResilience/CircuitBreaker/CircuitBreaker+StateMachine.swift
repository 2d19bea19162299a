extension CircuitBreaker {
    /// The breaker's decisions, without locks, clocks or I/O: calls and outcomes in, with the time they happen at;
    /// admissions out.
    ///
    /// Each phase has a generation. A call carries the generation it was admitted in, and its outcome counts only if
    /// that phase still holds: a slow call admitted while closed cannot reopen a circuit that has since recovered,
    /// nor count against a fresh window.
    struct StateMachine {
        enum Phase: Equatable {
            case closed
            case open(until: ContinuousClock.Instant)
            /// `started` trial calls were let through; `succeeded` of them have succeeded.
            case halfOpen(started: Int, succeeded: Int)
        }

        struct Permit: Equatable {
            let generation: UInt64
            let state: CircuitBreakerState
        }

        enum Admission: Equatable {
            case permitted(Permit)
            case rejected(state: CircuitBreakerState, retryAfter: Duration)
        }

        enum Outcome {
            case success
            case failure
            /// Neither: a cancelled call. Frees its trial slot when half-open.
            case ignored
        }

        let configuration: CircuitBreakerConfiguration
        private(set) var phase = Phase.closed
        private var window: FailureWindow
        private var generation: UInt64 = 0

        init(configuration: CircuitBreakerConfiguration, now: ContinuousClock.Instant) {
            self.configuration = configuration
            self.window = FailureWindow(configuration.window, now: now)
        }

        var state: CircuitBreakerState {
            switch phase {
            case .closed: return .closed
            case .open: return .open
            case .halfOpen: return .halfOpen
            }
        }

        /// Decides whether a call starting at `now` may go through. An open circuit whose cool-down has passed turns
        /// half-open here, with this call as its first trial.
        mutating func admit(at now: ContinuousClock.Instant) -> Admission {
            switch phase {
            case .closed:
                return .permitted(Permit(generation: generation, state: .closed))
            case .open(let until):
                guard now >= until else { return .rejected(state: .open, retryAfter: now.duration(to: until)) }
                enter(.halfOpen(started: 1, succeeded: 0), at: now)
                return .permitted(Permit(generation: generation, state: .halfOpen))
            case .halfOpen(let started, let succeeded):
                guard started < configuration.halfOpenTrialCalls else {
                    return .rejected(state: .halfOpen, retryAfter: .zero)
                }
                phase = .halfOpen(started: started + 1, succeeded: succeeded)
                return .permitted(Permit(generation: generation, state: .halfOpen))
            }
        }

        /// Counts the outcome of a call admitted with `permit`, which ended at `now`.
        mutating func record(_ outcome: Outcome, for permit: Permit, at now: ContinuousClock.Instant) {
            guard permit.generation == generation else { return }
            switch phase {
            case .closed:
                guard outcome != .ignored else { return }
                window.record(failed: outcome == .failure, at: now)
                if outcome == .failure && window.isTripped(by: configuration.threshold, at: now) {
                    enter(.open(until: now.advanced(by: configuration.coolDown)), at: now)
                }
            case .halfOpen(let started, let succeeded):
                switch outcome {
                case .failure:
                    enter(.open(until: now.advanced(by: configuration.coolDown)), at: now)
                case .success where succeeded + 1 >= configuration.halfOpenTrialCalls:
                    enter(.closed, at: now)
                case .success:
                    phase = .halfOpen(started: started, succeeded: succeeded + 1)
                case .ignored:
                    phase = .halfOpen(started: started - 1, succeeded: succeeded)
                }
            case .open:
                // Only a call admitted before the circuit opened could end now, and its generation is stale.
                return
            }
        }

        private mutating func enter(_ next: Phase, at now: ContinuousClock.Instant) {
            phase = next
            generation &+= 1
            if next == .closed { window = FailureWindow(configuration.window, now: now) }
        }
    }
}
