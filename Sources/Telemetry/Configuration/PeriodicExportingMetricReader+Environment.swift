extension PeriodicExportingMetricReader.Configuration {
    /// Reads `OTEL_METRIC_EXPORT_INTERVAL` and `OTEL_METRIC_EXPORT_TIMEOUT`. An interval of 0 cannot work, so it is
    /// rejected like any unusable value.
    init(environment: Environment) throws {
        let defaults = Self()
        var interval = try environment.milliseconds("OTEL_METRIC_EXPORT_INTERVAL") ?? defaults.interval
        if interval == .zero {
            try environment.reject(
                "OTEL_METRIC_EXPORT_INTERVAL", value: "0", reason: "the interval must be positive; 60000 applies")
            interval = defaults.interval
        }
        self.init(
            interval: interval,
            timeout: try environment.milliseconds("OTEL_METRIC_EXPORT_TIMEOUT") ?? defaults.timeout
        )
    }
}
