import GRDB

/// A service's requests over a window: the figures of a services overview.
///
/// Requests are its server and consumer spans, and its root spans of other kinds (a batch job's), so that a
/// request which crosses services counts once per service it entered.
public struct ServiceSummary: Sendable, Hashable {
    /// The service's `service.name`.
    public var service: String
    /// Requests that started in the window.
    public var requestCount: Int
    /// Those of them whose status is error.
    public var errorCount: Int
    /// Requests per second over the window.
    public var requestRate: Double
    /// Errors over requests; zero without requests.
    public var errorRate: Double
    /// The 95th percentile of request durations (nearest rank), nanoseconds; `nil` without requests.
    public var p95DurationNanoseconds: UInt64?

    /// Creates a summary.
    public init(
        service: String,
        requestCount: Int,
        errorCount: Int,
        requestRate: Double,
        errorRate: Double,
        p95DurationNanoseconds: UInt64?
    ) {
        self.service = service
        self.requestCount = requestCount
        self.errorCount = errorCount
        self.requestRate = requestRate
        self.errorRate = errorRate
        self.p95DurationNanoseconds = p95DurationNanoseconds
    }
}

/// Request figures of one service in one step of a chart.
public struct ServiceSample: Sendable, Hashable {
    /// The end of the step, Unix nanoseconds.
    public var timeUnixNano: UInt64
    /// Requests per second in the step.
    public var requestRate: Double
    /// Errors over requests in the step; zero without requests.
    public var errorRate: Double
    /// The 95th percentile of request durations in the step, nanoseconds; `nil` without requests.
    public var p95DurationNanoseconds: UInt64?

    /// Creates a sample.
    public init(timeUnixNano: UInt64, requestRate: Double, errorRate: Double, p95DurationNanoseconds: UInt64?) {
        self.timeUnixNano = timeUnixNano
        self.requestRate = requestRate
        self.errorRate = errorRate
        self.p95DurationNanoseconds = p95DurationNanoseconds
    }
}

/// Accumulates request durations and errors, then summarises them.
struct RequestTally {
    var durations: [UInt64] = []
    var errors = 0

    mutating func add(duration: UInt64, isError: Bool) {
        durations.append(duration)
        if isError { errors += 1 }
    }

    /// Nearest-rank percentile; `nil` when empty.
    func percentile(_ fraction: Double) -> UInt64? {
        guard !durations.isEmpty else { return nil }
        let sorted = durations.sorted()
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    var errorRate: Double { durations.isEmpty ? 0 : Double(errors) / Double(durations.count) }
}

extension TelemetryStore {
    private static let requestCondition = """
        (kind IN (\(ReceivedSpan.Kind.server.rawValue), \(ReceivedSpan.Kind.consumer.rawValue)) OR parent_span_id = 0)
        """

    /// Request rate, error rate and p95 duration of every service with spans stored, over the requests that started
    /// in `[startUnixNano, endUnixNano)`; services without requests in the window are listed with zeros.
    public func serviceSummaries(startUnixNano: UInt64, endUnixNano: UInt64) async throws -> [ServiceSummary] {
        let seconds = endUnixNano > startUnixNano ? Double(endUnixNano - startUnixNano) / 1e9 : 0
        return try await database.read { db in
            var tallies: [String: RequestTally] = [:]
            for service in try String.fetchAll(db, sql: "SELECT DISTINCT service FROM operations") {
                tallies[service] = RequestTally()
            }
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT service, duration_ns, status_code FROM spans INDEXED BY spans_by_start
                    WHERE start_ns >= ? AND start_ns < ? AND \(Self.requestCondition)
                    """,
                arguments: [Int64(bound: startUnixNano), Int64(bound: endUnixNano)]
            )
            let error = ReceivedSpan.StatusCode.error.rawValue
            while let row = try rows.next() {
                tallies[row[0], default: RequestTally()].add(duration: UInt64(stored: row[1]), isError: (row[2] as Int) == error)
            }
            return tallies.map { service, tally in
                ServiceSummary(
                    service: service,
                    requestCount: tally.durations.count,
                    errorCount: tally.errors,
                    requestRate: seconds > 0 ? Double(tally.durations.count) / seconds : 0,
                    errorRate: tally.errorRate,
                    p95DurationNanoseconds: tally.percentile(0.95)
                )
            }
            .sorted { $0.service < $1.service }
        }
    }

    /// The request rate, error rate and p95 of `service` in each step of `range`, for its charts; steps without
    /// requests have a zero rate and no p95.
    public func serviceSamples(service: String, range: StepRange) async throws -> [ServiceSample] {
        let steps = StepGrid(range)
        return try await database.read { db in
            var tallies = [RequestTally](repeating: RequestTally(), count: steps.count)
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT start_ns, duration_ns, status_code FROM spans INDEXED BY spans_by_service
                    WHERE service = ? AND start_ns >= ? AND start_ns < ? AND \(Self.requestCondition)
                    """,
                arguments: [service, Int64(bound: range.startUnixNano), Int64(bound: range.endUnixNano)]
            )
            let error = ReceivedSpan.StatusCode.error.rawValue
            while let row = try rows.next() {
                guard let step = steps.step(containing: UInt64(stored: row[0])) else { continue }
                tallies[step].add(duration: UInt64(stored: row[1]), isError: (row[2] as Int) == error)
            }
            return tallies.enumerated().map { step, tally in
                ServiceSample(
                    timeUnixNano: steps.end(of: step),
                    requestRate: Double(tally.durations.count) / steps.stepSeconds,
                    errorRate: tally.errorRate,
                    p95DurationNanoseconds: tally.percentile(0.95)
                )
            }
        }
    }
}

/// The steps of a `StepRange`, with at most `maximumSteps` so a careless range cannot allocate without bound.
struct StepGrid {
    static let maximumSteps = 10_000
    let start: UInt64
    let step: UInt64
    let count: Int

    init(_ range: StepRange) {
        start = range.startUnixNano
        let length = range.endUnixNano > range.startUnixNano ? range.endUnixNano - range.startUnixNano : 0
        var step = range.stepNanoseconds == 0 ? max(length, 1) : range.stepNanoseconds
        if length / step >= UInt64(Self.maximumSteps) { step = length / UInt64(Self.maximumSteps) + 1 }
        self.step = step
        count = Int(length / step + (length % step == 0 ? 0 : 1))
    }

    var stepSeconds: Double { Double(step) / 1e9 }

    func step(containing time: UInt64) -> Int? {
        guard time >= start else { return nil }
        let index = (time - start) / step
        return index < UInt64(count) ? Int(index) : nil
    }

    func end(of step: Int) -> UInt64 { start &+ UInt64(step + 1) &* self.step }
}
