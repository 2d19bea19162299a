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
    /// More severe than ``trace`` within the trace range (2).
    public static let trace2 = LogSeverity(2)
    /// More severe than ``trace2`` within the trace range (3).
    public static let trace3 = LogSeverity(3)
    /// More severe than ``trace3`` within the trace range (4).
    public static let trace4 = LogSeverity(4)
    /// A debugging event (5).
    public static let debug = LogSeverity(5)
    /// More severe than ``debug`` within the debug range (6).
    public static let debug2 = LogSeverity(6)
    /// More severe than ``debug2`` within the debug range (7).
    public static let debug3 = LogSeverity(7)
    /// More severe than ``debug3`` within the debug range (8).
    public static let debug4 = LogSeverity(8)
    /// An informational event (9).
    public static let info = LogSeverity(9)
    /// A significant but normal event, such as swift-log's `notice` (10).
    public static let info2 = LogSeverity(10)
    /// More severe than ``info2`` within the info range (11).
    public static let info3 = LogSeverity(11)
    /// More severe than ``info3`` within the info range (12).
    public static let info4 = LogSeverity(12)
    /// A warning: something may be wrong (13).
    public static let warn = LogSeverity(13)
    /// More severe than ``warn`` within the warn range (14).
    public static let warn2 = LogSeverity(14)
    /// More severe than ``warn2`` within the warn range (15).
    public static let warn3 = LogSeverity(15)
    /// More severe than ``warn3`` within the warn range (16).
    public static let warn4 = LogSeverity(16)
    /// An error (17).
    public static let error = LogSeverity(17)
    /// More severe than ``error`` within the error range (18).
    public static let error2 = LogSeverity(18)
    /// More severe than ``error2`` within the error range (19).
    public static let error3 = LogSeverity(19)
    /// More severe than ``error3`` within the error range (20).
    public static let error4 = LogSeverity(20)
    /// A fatal error: the program may not go on (21).
    public static let fatal = LogSeverity(21)
    /// More severe than ``fatal`` within the fatal range (22).
    public static let fatal2 = LogSeverity(22)
    /// More severe than ``fatal2`` within the fatal range (23).
    public static let fatal3 = LogSeverity(23)
    /// More severe than ``fatal3`` within the fatal range (24).
    public static let fatal4 = LogSeverity(24)

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
