extension CircuitBreaker {
    /// The breaker's decisions, without locks, clocks or I/O: calls and outcomes in, with the time they happen at;
    /// admissions out.
    ///
    /// Each phase has a generation. A call carries the generation it was admitted in, and its outcome counts only if
    /// that phase still holds: a slow call admitted while closed cannot reopen a circuit that has since recovered,
    /// nor count against a fresh window.
    ///
    /// Time-driven changes (an open circuit's cool-down ending, a half-open circuit's time running out) take effect
    /// when the machine is next asked, dated when they became due.
    struct StateMachine {
        enum Phase: Equatable {
            case closed
            case open(until: ContinuousClock.Instant)
            /// `started` trial calls were let through; `succeeded` of them have succeeded. Unless they have all
            /// decided by `until` (when there is a limit), the circuit opens again then.
            case halfOpen(started: Int, succeeded: Int, until: ContinuousClock.Instant?)
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
            expireHalfOpen(at: now)
            switch phase {
            case .closed:
                return .permitted(Permit(generation: generation, state: .closed))
            case .open(let until):
                guard now >= until else { return .rejected(state: .open, retryAfter: now.duration(to: until)) }
                let limit = maximumHalfOpenDuration.map { now.advanced(by: $0) }
                enter(.halfOpen(started: 1, succeeded: 0, until: limit), at: now)
                return .permitted(Permit(generation: generation, state: .halfOpen))
            case .halfOpen(let started, let succeeded, let until):
                guard started < configuration.halfOpenTrialCalls else {
                    return .rejected(state: .halfOpen, retryAfter: .zero)
                }
                phase = .halfOpen(started: started + 1, succeeded: succeeded, until: until)
                return .permitted(Permit(generation: generation, state: .halfOpen))
            }
        }

        /// Counts the outcome of a call admitted with `permit`, which ended at `now`.
        mutating func record(_ outcome: Outcome, for permit: Permit, at now: ContinuousClock.Instant) {
            // A trial that ends after the half-open time ran out is too late: the circuit has reopened without it.
            expireHalfOpen(at: now)
            guard permit.generation == generation else { return }
            switch phase {
            case .closed:
                guard outcome != .ignored else { return }
                window.record(failed: outcome == .failure, at: now)
                if outcome == .failure && window.isTripped(by: configuration.threshold, at: now) {
                    enter(.open(until: now.advanced(by: configuration.coolDown)), at: now)
                }
            case .halfOpen(let started, let succeeded, let until):
                switch outcome {
                case .failure:
                    enter(.open(until: now.advanced(by: configuration.coolDown)), at: now)
                case .success where succeeded + 1 >= configuration.halfOpenTrialCalls:
                    enter(.closed, at: now)
                case .success:
                    phase = .halfOpen(started: started, succeeded: succeeded + 1, until: until)
                case .ignored:
                    phase = .halfOpen(started: started - 1, succeeded: succeeded, until: until)
                }
            case .open:
                // Only a call admitted before the circuit opened could end now, and its generation is stale.
                return
            }
        }

        /// The configured limit, or else the cool-down; none when that is zero, as trial calls would then never
        /// have time to decide.
        private var maximumHalfOpenDuration: Duration? {
            if let limit = configuration.maximumHalfOpenDuration { return limit }
            return configuration.coolDown > .zero ? configuration.coolDown : nil
        }

        /// Reopens a half-open circuit whose time ran out at or before `now`, as of when it ran out: a trial call that
        /// never returns must not hold the circuit half-open, refusing every other call, forever.
        private mutating func expireHalfOpen(at now: ContinuousClock.Instant) {
            guard case .halfOpen(_, _, let until?) = phase, now >= until else { return }
            enter(.open(until: until.advanced(by: configuration.coolDown)), at: until)
        }

        private mutating func enter(_ next: Phase, at now: ContinuousClock.Instant) {
            phase = next
            generation &+= 1
            if next == .closed { window = FailureWindow(configuration.window, now: now) }
        }
    }
}
