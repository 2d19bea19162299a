/// What every provider does with its processors: run them side by side, and flush and shut them all down at once,
/// even when one fails.
enum ProcessorLifecycle {
    static func run<Processor: Sendable>(
        _ processors: [Processor],
        _ run: @escaping @Sendable (Processor) async throws -> Void
    ) async throws {
        try await withThrowingDiscardingTaskGroup { group in
            for processor in processors {
                group.addTask { try await run(processor) }
            }
        }
    }

    /// Flushes every processor at once; a failure does not stop the others, and the first one is thrown.
    static func forceFlush<Processor: Sendable>(
        _ processors: [Processor],
        _ flush: @escaping @Sendable (Processor) async throws -> Void
    ) async throws {
        try await everyOne(processors, flush)
    }

    /// Shuts every processor down at once, so that one that hangs does not use up the others' share of a shutdown
    /// deadline; a failure does not stop the others, and the first one is thrown.
    static func shutdown<Processor: Sendable>(
        _ processors: [Processor],
        _ shutdown: @escaping @Sendable (Processor) async throws -> Void
    ) async throws {
        try await everyOne(processors, shutdown)
    }

    private static func everyOne<Processor: Sendable>(
        _ processors: [Processor],
        _ body: @escaping @Sendable (Processor) async throws -> Void
    ) async throws {
        let firstError = await withTaskGroup(of: (any Error)?.self) { group -> (any Error)? in
            for processor in processors {
                group.addTask {
                    do {
                        try await body(processor)
                        return nil
                    } catch {
                        return error
                    }
                }
            }
            var firstError: (any Error)?
            for await error in group where firstError == nil {
                firstError = error
            }
            return firstError
        }
        if let firstError { throw firstError }
    }
}
