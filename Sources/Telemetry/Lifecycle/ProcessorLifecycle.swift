/// What every provider does with its processors: run them side by side, flush them in order, and shut them all down
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

    static func forceFlush<Processor>(_ processors: [Processor], _ flush: (Processor) async throws -> Void) async throws {
        for processor in processors {
            try await flush(processor)
        }
    }

    /// Shuts every processor down, in order; a failure does not stop the others, and the first one is thrown.
    static func shutdown<Processor>(_ processors: [Processor], _ shutdown: (Processor) async throws -> Void) async throws {
        var firstError: (any Error)?
        for processor in processors {
            do { try await shutdown(processor) } catch { firstError = firstError ?? error }
        }
        if let firstError { throw firstError }
    }
}
