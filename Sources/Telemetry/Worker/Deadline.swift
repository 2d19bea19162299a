import Synchronization

/// Runs `operation` in a task of its own, not cancelled with the caller, and returns `true` when it finished before
/// `deadline`. Otherwise it returns `false` at the deadline and leaves the operation to finish on its own: the one
/// place the SDK gives up waiting, so that a hung exporter cannot hold up the host's shutdown.
func completes(
    before deadline: ContinuousClock.Instant,
    clock: any TelemetryClock,
    operation: @escaping @Sendable () async -> Void
) async -> Bool {
    let race = DeadlineRace()
    let finished = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
        race.start(continuation)
        Task {
            await operation()
            race.finish(true)
        }
        race.track(
            timer: Task {
                guard (try? await clock.sleep(until: deadline)) != nil else { return }
                race.finish(false)
            }
        )
    }
    race.cancelTimer()
    return finished
}

/// The first of the work and the timer to finish resumes the caller, once.
private final class DeadlineRace: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Bool, Never>?
        var timer: Task<Void, Never>?
    }

    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<Bool, Never>) {
        state.withLock { $0.continuation = continuation }
    }

    func track(timer: Task<Void, Never>) {
        state.withLock { $0.timer = timer }
    }

    func finish(_ result: Bool) {
        // The continuation is set before either task starts, so taking it is the run-once guard.
        let continuation = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume(returning: result)
    }

    func cancelTimer() {
        state.withLock { $0.timer }?.cancel()
    }
}
