import Logging

/// The four settings every batching processor shares, with the one set of rules for checking them in code and for
/// reading them from `OTEL_BSP_*` or `OTEL_BLRP_*`.
struct BatchSettings: Sendable, Hashable {
    var scheduleDelay: Duration
    var exportTimeout: Duration
    var maxQueueSize: Int
    var maxExportBatchSize: Int

    /// The settings, if every value is in range; durations are saturated at ``Duration/longestConfigurable``.
    ///
    /// - Throws: ``TelemetryConfigurationError`` naming the setting: an out-of-range value set in code is a
    ///   programmer error, so it is not silently replaced.
    func validated() throws -> Self {
        func invalid(_ name: String, _ value: Any, _ reason: String) -> TelemetryConfigurationError {
            TelemetryConfigurationError(variable: nil, value: "\(name) = \(value)", reason: reason)
        }
        guard scheduleDelay >= .zero else { throw invalid("scheduleDelay", scheduleDelay, "it must not be negative") }
        guard exportTimeout >= .zero else { throw invalid("exportTimeout", exportTimeout, "it must not be negative") }
        guard maxQueueSize >= 1 else { throw invalid("maxQueueSize", maxQueueSize, "it must be 1 or more") }
        guard (1...maxQueueSize).contains(maxExportBatchSize) else {
            throw invalid("maxExportBatchSize", maxExportBatchSize, "it must be from 1 to maxQueueSize (\(maxQueueSize))")
        }
        var result = self
        result.scheduleDelay = min(scheduleDelay, .longestConfigurable)
        result.exportTimeout = min(exportTimeout, .longestConfigurable)
        return result
    }

    /// Reads `<prefix>SCHEDULE_DELAY`, `<prefix>EXPORT_TIMEOUT`, `<prefix>MAX_QUEUE_SIZE` and
    /// `<prefix>MAX_EXPORT_BATCH_SIZE`, with `defaults` for what is unset or rejected.
    init(environment: Environment, prefix: String, defaults: BatchSettings) throws {
        let queueSize = try environment.integer(prefix + "MAX_QUEUE_SIZE", minimum: 1) ?? defaults.maxQueueSize
        // A queue set smaller than the default batch quietly shrinks the batch: only a batch size the user set is
        // worth a warning.
        var batchSize = min(defaults.maxExportBatchSize, queueSize)
        if let setBatchSize = try environment.integer(prefix + "MAX_EXPORT_BATCH_SIZE", minimum: 1) {
            batchSize = setBatchSize
            if setBatchSize > queueSize {
                try environment.reject(
                    prefix + "MAX_EXPORT_BATCH_SIZE",
                    value: String(setBatchSize),
                    reason: "it must not exceed the queue size (\(queueSize), \(prefix)MAX_QUEUE_SIZE); the queue size applies"
                )
                batchSize = queueSize
            }
        }
        self.init(
            scheduleDelay: try environment.milliseconds(prefix + "SCHEDULE_DELAY") ?? defaults.scheduleDelay,
            exportTimeout: try environment.milliseconds(prefix + "EXPORT_TIMEOUT") ?? defaults.exportTimeout,
            maxQueueSize: queueSize,
            maxExportBatchSize: batchSize
        )
    }

    init(scheduleDelay: Duration, exportTimeout: Duration, maxQueueSize: Int, maxExportBatchSize: Int) {
        self.scheduleDelay = scheduleDelay
        self.exportTimeout = exportTimeout
        self.maxQueueSize = maxQueueSize
        self.maxExportBatchSize = maxExportBatchSize
    }
}

extension BatchWorker {
    /// A worker with a processor's batch settings.
    convenience init(
        settings: BatchSettings,
        clock: any TelemetryClock,
        logger: Logger,
        itemName: String,
        export: @escaping Export
    ) {
        let limits = BatchSchedule<Item>.Limits(
            maxQueueSize: settings.maxQueueSize,
            maxBatchSize: settings.maxExportBatchSize,
            scheduleDelay: settings.scheduleDelay
        )
        self.init(
            configuration: .init(limits: limits, exportTimeout: settings.exportTimeout),
            clock: clock,
            logger: logger,
            itemName: itemName,
            export: export
        )
    }
}

/// A processor's public batch configuration, which holds the four settings under the same names.
protocol BatchSettingsConfiguration {
    var scheduleDelay: Duration { get }
    var exportTimeout: Duration { get }
    var maxQueueSize: Int { get }
    var maxExportBatchSize: Int { get }
    init(scheduleDelay: Duration, exportTimeout: Duration, maxQueueSize: Int, maxExportBatchSize: Int)
}

extension BatchSettingsConfiguration {
    var settings: BatchSettings {
        BatchSettings(
            scheduleDelay: scheduleDelay,
            exportTimeout: exportTimeout,
            maxQueueSize: maxQueueSize,
            maxExportBatchSize: maxExportBatchSize
        )
    }

    init(_ settings: BatchSettings) {
        self.init(
            scheduleDelay: settings.scheduleDelay,
            exportTimeout: settings.exportTimeout,
            maxQueueSize: settings.maxQueueSize,
            maxExportBatchSize: settings.maxExportBatchSize
        )
    }

    /// Reads `<prefix>*` over `defaults`, as ``BatchSettings/init(environment:prefix:defaults:)`` does.
    init(environment: Environment, prefix: String, defaults: Self) throws {
        self.init(try BatchSettings(environment: environment, prefix: prefix, defaults: defaults.settings))
    }
}
