import Synchronization
import Telemetry

/// A clock that moves only when a test moves it, so that schedules, timeouts and deadlines are tested without
/// waiting on a wall clock.
///
/// Pass it to the SDK (``TelemetryConfiguration/clock``, or a processor's or service's `clock:`), wait until the
/// background work is asleep on it with ``waitForSleepers(count:)``, then ``advance(by:)`` past the deadline you
/// want to fire.
///
/// ```swift
/// let clock = TestClock()
/// let processor = try BatchSpanProcessor(exporter: exporter, clock: clock)
/// // … end a span, run the processor …
/// await clock.waitForSleepers(count: 1)   // the worker waits for its schedule delay
/// clock.advance(by: .seconds(5))          // and now exports
/// ```
public final class TestClock: TelemetryClock {
    private struct Sleeper {
        var id: Int
        var deadline: ContinuousClock.Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: ContinuousClock.Instant
        var nextID = 0
        var sleepers: [Sleeper] = []
        /// Ids handed out whose sleep is not registered yet, and those of them cancelled meanwhile.
        var unregistered: Set<Int> = []
        var cancelled: Set<Int> = []
        var sleeperWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state: Mutex<State>

    /// Creates a clock that stands at the system clock's current instant until it is advanced.
    public init() {
        state = Mutex(State(now: ContinuousClock.now))
    }

    public var now: ContinuousClock.Instant { state.withLock { $0.now } }

    /// How many tasks are asleep on this clock now.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// The earliest deadline any task sleeps until, or `nil` when none sleeps.
    public var nextDeadline: ContinuousClock.Instant? { state.withLock { $0.sleepers.map(\.deadline).min() } }

    public func sleep(until deadline: ContinuousClock.Instant) async throws {
        let id = state.withLock { state -> Int in
            defer { state.nextID += 1 }
            state.unregistered.insert(state.nextID)
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (resume, waiters) = state.withLock { state -> (Result<Void, any Error>?, [CheckedContinuation<Void, Never>]) in
                    state.unregistered.remove(id)
                    if state.cancelled.remove(id) != nil { return (.failure(CancellationError()), []) }
                    if deadline <= state.now { return (.success(()), []) }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return (nil, Self.readyWaiters(&state))
                }
                waiters.forEach { $0.resume() }
                if let resume { continuation.resume(with: resume) }
            }
        } onCancel: {
            let sleeper = state.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else {
                    // Not registered yet: the registration throws. Already woken: nothing to do.
                    if state.unregistered.contains(id) { state.cancelled.insert(id) }
                    return nil
                }
                return state.sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock forward and wakes every task whose deadline is reached.
    public func advance(by duration: Duration) {
        let due = state.withLock { state -> [Sleeper] in
            state.now = state.now.advanced(by: duration)
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }
            state.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        due.forEach { $0.continuation.resume() }
    }

    /// Moves the clock to the earliest deadline any task sleeps until, waking it. Does nothing when none sleeps.
    public func advanceToNextDeadline() {
        guard let deadline = nextDeadline else { return }
        advance(by: now.duration(to: deadline))
    }

    /// Returns once at least `count` tasks are asleep on this clock: the signal that background work has reached
    /// its wait, so that advancing the clock now fires it.
    public func waitForSleepers(count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.sleepers.count >= count { return true }
                state.sleeperWaiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    private static func readyWaiters(_ state: inout State) -> [CheckedContinuation<Void, Never>] {
        let count = state.sleepers.count
        let ready = state.sleeperWaiters.filter { $0.count <= count }.map(\.continuation)
        state.sleeperWaiters.removeAll { $0.count <= count }
        return ready
    }
}
