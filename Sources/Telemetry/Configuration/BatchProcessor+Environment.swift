extension BatchSpanProcessor.Configuration {
    /// Reads the `OTEL_BSP_*` variables.
    init(environment: Environment) throws {
        try self.init(environment: environment, prefix: "OTEL_BSP_", defaults: Self())
    }
}

extension BatchLogRecordProcessor.Configuration {
    /// Reads the `OTEL_BLRP_*` variables.
    init(environment: Environment) throws {
        try self.init(environment: environment, prefix: "OTEL_BLRP_", defaults: Self())
    }
}
