import Logging
import Synchronization

/// Keeps every log line, with its metadata, rendered as text, for tests that check what the SDK logged: that a
/// warning names a variable, or that a secret never appears.
///
/// ```swift
/// let logs = LogCapture()
/// var configuration = TelemetryConfiguration()
/// configuration.logger = logs.logger()
/// ```
public final class LogCapture: Sendable {
    private let storage = Mutex<[(level: Logger.Level, text: String)]>([])

    /// Creates an empty capture.
    public init() {}

    /// Every line, as `[level] message key=value …`.
    public var lines: [String] { storage.withLock { $0.map(\.text) } }

    /// The lines at `warning` or above.
    public var warnings: [String] { storage.withLock { $0.filter { $0.level >= .warning }.map(\.text) } }

    /// The lines at `error` or above.
    public var errors: [String] { storage.withLock { $0.filter { $0.level >= .error }.map(\.text) } }

    /// A logger that writes here at `trace` level, so that nothing is filtered out.
    public func logger(label: String = "capture") -> Logger {
        var logger = Logger(label: label) { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    /// Whether any line contains `text`.
    public func contains(_ text: String) -> Bool { lines.contains { $0.contains(text) } }

    fileprivate func append(_ level: Logger.Level, _ text: String) {
        storage.withLock { $0.append((level, text)) }
    }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            let rendered = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            capture.append(event.level, "[\(event.level)] \(event.message) \(rendered) source=\(event.source)")
        }
    }
}
