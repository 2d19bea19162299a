import Logging
import Synchronization

/// Keeps every log line, message and metadata rendered as text, so tests can read what the SDK logged.
final class LogCapture: Sendable {
    private let storage = Mutex<[(level: Logger.Level, text: String)]>([])

    /// Every line, as `message key=value …`.
    var lines: [String] { storage.withLock { $0.map(\.text) } }

    /// The lines at `warning` or above.
    var warnings: [String] { storage.withLock { $0.filter { $0.level >= .warning }.map(\.text) } }

    /// A logger that writes here, at `trace` level so nothing is filtered out.
    func logger(label: String = "capture") -> Logger {
        var logger = Logger(label: label) { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

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
            capture.append(event.level, "\(event.message) \(rendered)")
        }
    }
}
