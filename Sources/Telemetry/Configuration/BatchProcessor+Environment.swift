extension BatchSpanProcessor.Configuration {
    /// Reads the `OTEL_BSP_*` variables.
    init(environment: Environment) throws {
        let settings = try BatchSettings(environment: environment, prefix: "OTEL_BSP_", defaults: Self().settings)
        self.init(
            scheduleDelay: settings.scheduleDelay,
            exportTimeout: settings.exportTimeout,
            maxQueueSize: settings.maxQueueSize,
            maxExportBatchSize: settings.maxExportBatchSize
        )
    }

    var settings: BatchSettings {
        BatchSettings(
            scheduleDelay: scheduleDelay,
            exportTimeout: exportTimeout,
            maxQueueSize: maxQueueSize,
            maxExportBatchSize: maxExportBatchSize
        )
    }
}

extension BatchLogRecordProcessor.Configuration {
    /// Reads the `OTEL_BLRP_*` variables.
    init(environment: Environment) throws {
        let settings = try BatchSettings(environment: environment, prefix: "OTEL_BLRP_", defaults: Self().settings)
        self.init(
            scheduleDelay: settings.scheduleDelay,
            exportTimeout: settings.exportTimeout,
            maxQueueSize: settings.maxQueueSize,
            maxExportBatchSize: settings.maxExportBatchSize
        )
    }
}
