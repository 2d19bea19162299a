import Logging
import Synchronization

/// What every batching processor does once it has chosen its items: the shared worker, and the exporter's own
/// lifecycle around it. ``BatchSpanProcessor`` and ``BatchLogRecordProcessor`` each hold one.
final class BatchExportPipeline<Item: Sendable>: Sendable {
    /// The exporter's calls besides `export`.
    struct Exporter: Sendable {
        var run: @Sendable () async throws -> Void
        var forceFlush: @Sendable () async throws -> Void
        var shutdown: @Sendable () async -> Void
    }

    private let worker: BatchWorker<Item>
    private let exporter: Exporter
    private let isShutdown = Atomic(false)

    init(
        settings: BatchSettings,
        clock: any TelemetryClock,
        logger: Logger,
        itemName: String,
        exporter: Exporter,
        export: @escaping BatchWorker<Item>.Export
    ) {
        self.exporter = exporter
        self.worker = BatchWorker(settings: settings, clock: clock, logger: logger, itemName: itemName, export: export)
    }

    var statistics: ExportStatistics { worker.statistics }

    func append(_ item: Item) {
        worker.append(item)
    }

    func run() async throws {
        let exporter = self.exporter
        try await withThrowingDiscardingTaskGroup { group in
            // The exporter's connections outlive the worker: shutdown() still exports through them, then ends them.
            group.addTask { try await exporter.run() }
            await worker.run()
        }
    }

    func forceFlush() async throws {
        await worker.flush()
        try await exporter.forceFlush()
    }

    func shutdown() async {
        guard !isShutdown.exchange(true, ordering: .acquiringAndReleasing) else { return }
        await worker.shutdown()
        try? await exporter.forceFlush()
        await exporter.shutdown()
    }

    func abandon(reason: String) {
        worker.abandon(reason: reason)
    }
}
