import Logging

/// How severe a log record is: the Logs data model's severity number, from 1 (`trace`) to 24 (`fatal4`).
///
/// Each of the six ranges, trace, debug, info, warn, error and fatal, has four steps; a larger number is more
/// severe. Backends compare numbers, so records from different logging libraries can be filtered alike.
public struct LogSeverity: RawRepresentable, Hashable, Comparable, Sendable {
    /// The severity number, from 1 to 24.
    public let rawValue: Int

    /// The severity with number `rawValue`, or `nil` outside 1...24.
    public init?(rawValue: Int) {
        guard (1...24).contains(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    private init(_ number: Int) { self.rawValue = number }

    /// A fine-grained debugging event (1).
    public static let trace = LogSeverity(1)
    /// A debugging event (5).
    public static let debug = LogSeverity(5)
    /// An informational event (9).
    public static let info = LogSeverity(9)
    /// A significant but normal event, such as swift-log's `notice` (10).
    public static let info2 = LogSeverity(10)
    /// A warning: something may be wrong (13).
    public static let warn = LogSeverity(13)
    /// An error (17).
    public static let error = LogSeverity(17)
    /// A fatal error: the program may not go on (21).
    public static let fatal = LogSeverity(21)

    /// The severity the specification maps a swift-log level to: trace 1, debug 5, info 9, notice 10, warning 13,
    /// error 17, critical 21.
    public init(_ level: Logger.Level) {
        switch level {
        case .trace: self = .trace
        case .debug: self = .debug
        case .info: self = .info
        case .notice: self = .info2
        case .warning: self = .warn
        case .error: self = .error
        case .critical: self = .fatal
        }
    }

    /// The specification's short name: `TRACE`, `DEBUG2`, `INFO`, `WARN3`, `FATAL4` and so on.
    public var shortName: String {
        let names = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"]
        let range = (rawValue - 1) / 4
        let step = (rawValue - 1) % 4
        return step == 0 ? names[range] : names[range] + String(step + 1)
    }

    public static func < (lhs: LogSeverity, rhs: LogSeverity) -> Bool { lhs.rawValue < rhs.rawValue }
}
