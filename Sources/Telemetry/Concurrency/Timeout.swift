import Synchronization

/// Runs `operation` and returns its result, or throws `timeoutError` once `timeout` has passed.
///
/// On timeout the operation's task is cancelled and not awaited: an exporter that ignores cancellation cannot hold
/// up a flush or a shutdown. Cancelling the caller cancels the operation too.
func withTimeout<T: Sendable>(
    _ timeout: Duration,
    timeoutError: @autoclosure @escaping @Sendable () -> any Error,
    operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let race = TimeoutRace<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            race.start(continuation)
            let work = Task {
                do { race.finish(.success(try await operation())) } catch { race.finish(.failure(error)) }
            }
            let timer = Task {
                do {
                    try await Task.sleep(for: timeout)
                    race.finish(.failure(timeoutError()))
                } catch {}
            }
            race.track([work, timer])
        }
    } onCancel: {
        race.finish(.failure(CancellationError()))
    }
}

/// The first of the work, the timer and cancellation to finish resumes the caller and cancels the others.
private final class TimeoutRace<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var pending: Result<T, any Error>?
        var tasks: [Task<Void, Never>] = []
        var isFinished = false
    }

    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<T, any Error>) {
        let pending = state.withLock { state -> Result<T, any Error>? in
            if state.isFinished { return state.pending }
            state.continuation = continuation
            return nil
        }
        if let pending { continuation.resume(with: pending) }
    }

    func track(_ tasks: [Task<Void, Never>]) {
        let finished = state.withLock { state -> Bool in
            state.tasks = tasks
            return state.isFinished
        }
        if finished { tasks.forEach { $0.cancel() } }
    }

    func finish(_ result: Result<T, any Error>) {
        let (continuation, tasks) = state.withLock { state -> (CheckedContinuation<T, any Error>?, [Task<Void, Never>]) in
            guard !state.isFinished else { return (nil, []) }
            state.isFinished = true
            if state.continuation == nil { state.pending = result }
            defer { state.continuation = nil }
            return (state.continuation, state.tasks)
        }
        tasks.forEach { $0.cancel() }
        continuation?.resume(with: result)
    }
}
