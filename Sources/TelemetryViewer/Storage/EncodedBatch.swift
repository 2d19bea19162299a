import Foundation
import Telemetry

/// A batch turned into the rows the writer inserts. Encoding happens in `submit`, on the receivers' tasks, so the
/// single writer only binds and steps statements.
struct EncodedBatch: Sendable {
    struct Resource: Sendable {
        var identity: Data
        var service: String
        var tags: String
    }

    struct Scope: Sendable {
        var identity: Data
        var name: String
        var version: String
    }

    struct Span: Sendable {
        var resource: Int
        var scope: Int
        var traceID: Data
        var spanID: Int64
        var parentSpanID: Int64
        var service: String
        var name: String
        var kind: Int
        var start: Int64
        var end: Int64
        var duration: Int64
        var statusCode: Int
        var statusMessage: String
        var flags: Int64
        var traceState: String
        var attributes: Data?
        var tags: String
        var events: Data?
        var links: Data?
        var droppedAttributes: Int64
        var droppedEvents: Int64
        var droppedLinks: Int64
    }

    struct LogRecord: Sendable {
        var resource: Int
        var scope: Int
        var service: String
        var time: Int64
        var eventTime: Int64
        var observedTime: Int64
        var severityNumber: Int64
        var severityText: String
        var body: Data
        var bodyText: String
        var attributes: Data?
        var droppedAttributes: Int64
        var flags: Int64
        var traceID: Data?
        var spanID: Int64?
        var eventName: String
    }

    struct Series: Sendable {
        var identity: Data
        var resource: Int
        var scope: Int
        var name: String
        var description: String
        var unit: String
        var kind: Int
        var temporality: Int
        var isMonotonic: Bool
        var metadata: Data?
        var attributes: Data?
    }

    struct Point: Sendable {
        var series: Int
        var start: Int64
        var time: Int64
        var flags: Int64
        var payload: Data
    }

    var resources: [Resource] = []
    var scopes: [Scope] = []
    var spans: [Span] = []
    var logRecords: [LogRecord] = []
    var series: [Series] = []
    var points: [Point] = []

    /// Spans, log records and data points: what the queue's bound counts.
    var itemCount: Int { spans.count + logRecords.count + points.count }
}

extension ReceivedBatch {
    /// Spans, log records and data points, counted without encoding anything.
    var storedItemCount: Int {
        var count = spans.count + logRecords.count
        for metric in metrics { count += metric.data.pointCount }
        return count
    }
}

extension ReceivedMetric.Data {
    var pointCount: Int {
        switch self {
        case .gauge(let points): points.count
        case .sum(let points, _, _): points.count
        case .histogram(let points, _): points.count
        case .exponentialHistogram(let points, _): points.count
        case .summary(let points): points.count
        }
    }
}

/// Stored times and counters are SQLite integers: `UInt64` values keep their bits, so they round-trip exactly and
/// compare correctly for every time before the year 2262.
extension Int64 {
    init(stored value: UInt64) {
        self.init(bitPattern: value)
    }
}

extension Int64 {
    /// A query bound: times beyond `Int64.max` (the year 2262) mean "no bound", not a negative bit pattern.
    init(bound value: UInt64) {
        self.init(clamping: value)
    }
}

extension UInt64 {
    init(stored value: Int64) {
        self.init(bitPattern: value)
    }
}
