import Logging

extension Logger.Level {
    /// Reads `OTEL_LOG_LEVEL`.
    static func telemetry(environment: Environment) throws -> Logger.Level? {
        guard let raw = environment.string("OTEL_LOG_LEVEL") else { return nil }
        switch raw.lowercased() {
        case "trace": return .trace
        case "debug": return .debug
        case "info": return .info
        case "notice": return .notice
        case "warn", "warning": return .warning
        case "error": return .error
        case "critical", "fatal": return .critical
        default:
            try environment.reject(
                "OTEL_LOG_LEVEL",
                value: raw,
                reason: "expected trace, debug, info, notice, warn, error or critical"
            )
            return nil
        }
    }
}
