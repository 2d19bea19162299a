extension BatchSpanProcessor.Configuration {
    /// Reads the `OTEL_BSP_*` variables.
    init(environment: Environment) throws {
        let defaults = Self()
        let queueSize = try environment.integer("OTEL_BSP_MAX_QUEUE_SIZE", minimum: 1) ?? defaults.maxQueueSize
        var batchSize = try environment.integer("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", minimum: 1) ?? defaults.maxExportBatchSize
        if batchSize > queueSize {
            try environment.reject(
                "OTEL_BSP_MAX_EXPORT_BATCH_SIZE",
                value: String(batchSize),
                reason: "it must not exceed the queue size (\(queueSize), OTEL_BSP_MAX_QUEUE_SIZE); the queue size applies"
            )
            batchSize = queueSize
        }
        self.init(
            scheduleDelay: try environment.milliseconds("OTEL_BSP_SCHEDULE_DELAY") ?? defaults.scheduleDelay,
            exportTimeout: try environment.milliseconds("OTEL_BSP_EXPORT_TIMEOUT") ?? defaults.exportTimeout,
            maxQueueSize: queueSize,
            maxExportBatchSize: batchSize
        )
    }
}
