import Foundation
import GRDB

extension TelemetryStore {
    /// Every stored metric name with its kind, unit and description, sorted by name.
    public func metricDescriptors() async throws -> [MetricDescriptor] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT name, kind, unit, description, count(*) FROM metric_series
                    GROUP BY name, kind, unit, description ORDER BY name, kind
                    """
            )
            .compactMap { row in
                guard let kind = MetricKind(rawValue: row[1]) else { return nil }
                return MetricDescriptor(name: row[0], kind: kind, unit: row[2], description: row[3], seriesCount: row[4])
            }
        }
    }

    /// The series stored under metric `name`, one per resource, scope and attribute set.
    public func metricSeries(name: String) async throws -> [MetricSeries] {
        try await database.read { db in
            var references = StoredReferences()
            return try Row.fetchAll(db, sql: "SELECT \(Self.seriesColumns) FROM metric_series WHERE name = ? ORDER BY id", arguments: [name])
                .map { row in try Self.series(row, db, &references) }
        }
    }

    /// The points of series `seriesID` with a time in `[startUnixNano, endUnixNano)`, in time order, as the
    /// metric they belong to; `nil` when there is no such series.
    public func metricPoints(seriesID: Int64, startUnixNano: UInt64, endUnixNano: UInt64) async throws -> ReceivedMetric? {
        try await database.read { db in
            var references = StoredReferences()
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: "SELECT \(Self.seriesColumns) FROM metric_series WHERE id = ?",
                    arguments: [seriesID]
                )
            else { return nil }
            let series = try Self.series(row, db, &references)
            let points = try Self.points(of: series, from: startUnixNano, to: endUnixNano, previous: false, db)
            return ReceivedMetric(
                resource: series.resource,
                scope: series.scope,
                name: series.name,
                description: series.description,
                unit: series.unit,
                metadata: series.metadata,
                data: points
            )
        }
    }

    /// The per-second increase of a counter in each step of `range`, summed over `seriesIDs` (say, every series
    /// of one metric and service). Cumulative counters are differenced point to point, restarting on a reset;
    /// delta points count as they are. Steps without points are left out.
    public func counterRate(seriesIDs: [Int64], range: StepRange) async throws -> [MetricSample] {
        let steps = StepGrid(range)
        return try await database.read { db in
            var references = StoredReferences()
            var totals = [Double?](repeating: nil, count: steps.count)
            for seriesID in seriesIDs {
                guard
                    let row = try Row.fetchOne(db, sql: "SELECT \(Self.seriesColumns) FROM metric_series WHERE id = ?", arguments: [seriesID])
                else { continue }
                let series = try Self.series(row, db, &references)
                let data = try Self.points(of: series, from: range.startUnixNano, to: range.endUnixNano, previous: true, db)
                let numbers: [ReceivedMetric.NumberPoint]
                switch data {
                case .sum(let points, _, _), .gauge(let points): numbers = points
                default: continue
                }
                let increases = MetricMath.increases(
                    of: numbers,
                    temporality: series.temporality,
                    isMonotonic: series.isMonotonic,
                    rangeStart: range.startUnixNano
                )
                for (time, increase) in increases {
                    guard let step = steps.step(containing: time) else { continue }
                    totals[step] = (totals[step] ?? 0) + increase
                }
            }
            return totals.enumerated().compactMap { step, total in
                total.map { MetricSample(timeUnixNano: steps.end(of: step), value: $0 / steps.stepSeconds) }
            }
        }
    }

    /// The `quantile` (0...1, e.g. 0.95) of a histogram in each step of `range`, from the bucket counts the points
    /// in that step added, merged over `seriesIDs`. Explicit-bucket series merge when they share the first
    /// series' bounds. Exponential series are differenced and merged in bucket-index space at the coarsest scale
    /// among them, so rescaling SDKs and series of different scales combine; negative and zero buckets count.
    /// A step takes the kind (explicit or exponential) of the first series with points in it. Steps without
    /// observations are left out.
    public func histogramQuantile(_ quantile: Double, seriesIDs: [Int64], range: StepRange) async throws -> [MetricSample] {
        let steps = StepGrid(range)
        return try await database.read { db in
            var references = StoredReferences()
            var merged = [MergedHistogram?](repeating: nil, count: steps.count)
            func add(_ histogram: MergedHistogram, at time: UInt64) {
                guard let step = steps.step(containing: time) else { return }
                guard let existing = merged[step] else {
                    merged[step] = histogram
                    return
                }
                switch (existing, histogram) {
                case (.explicit(let bounds, let counts), .explicit(let otherBounds, let otherCounts)):
                    // Explicit bounds carry no index space to align by, so differently bounded series are skipped.
                    guard bounds == otherBounds else { return }
                    merged[step] = .explicit(bounds: bounds, counts: zip(counts, otherCounts).map { $0 &+ $1 })
                case (.exponential(let buckets), .exponential(let other)):
                    merged[step] = .exponential(buckets.adding(other))
                default:
                    return
                }
            }
            for seriesID in seriesIDs {
                guard
                    let row = try Row.fetchOne(db, sql: "SELECT \(Self.seriesColumns) FROM metric_series WHERE id = ?", arguments: [seriesID])
                else { continue }
                let series = try Self.series(row, db, &references)
                let data = try Self.points(of: series, from: range.startUnixNano, to: range.endUnixNano, previous: true, db)
                switch data {
                case .histogram(let points, _):
                    let increases = MetricMath.bucketIncreases(of: points, temporality: series.temporality, rangeStart: range.startUnixNano)
                    for increase in increases {
                        add(.explicit(bounds: increase.bounds, counts: increase.counts), at: increase.time)
                    }
                case .exponentialHistogram(let points, _):
                    let increases = MetricMath.exponentialIncreases(of: points, temporality: series.temporality, rangeStart: range.startUnixNano)
                    for increase in increases {
                        add(.exponential(increase.buckets), at: increase.time)
                    }
                default:
                    continue
                }
            }
            return merged.enumerated().compactMap { step, histogram in
                let value: Double?
                switch histogram {
                case .explicit(let bounds, let counts): value = MetricMath.quantile(quantile, bounds: bounds, counts: counts)
                case .exponential(let buckets): value = buckets.quantile(quantile)
                case nil: value = nil
                }
                return value.map { MetricSample(timeUnixNano: steps.end(of: step), value: $0) }
            }
        }
    }

    static let seriesColumns = """
        id, name, description, unit, kind, temporality, monotonic, resource_id, scope_id, metadata, attributes
        """

    static func series(_ row: Row, _ db: Database, _ references: inout StoredReferences) throws -> MetricSeries {
        guard let kind = MetricKind(rawValue: row[4]) else { throw StoredDataError("unknown metric kind") }
        return MetricSeries(
            id: row[0],
            name: row[1],
            description: row[2],
            unit: row[3],
            kind: kind,
            temporality: ReceivedMetric.Temporality(rawValue: row[5]) ?? .unspecified,
            isMonotonic: row[6],
            resource: try references.resource(row[7], db),
            scope: try references.scope(row[8], db),
            metadata: try StoredBlob.attributes(row[9]),
            attributes: try StoredBlob.attributes(row[10])
        )
    }

    /// The series' points in the range, as the model's data of its kind; with `previous`, also the last point
    /// before the range, which cumulative differencing needs.
    private static func points(
        of series: MetricSeries,
        from start: UInt64,
        to end: UInt64,
        previous: Bool,
        _ db: Database
    ) throws -> ReceivedMetric.Data {
        var rows = try Row.fetchAll(
            db,
            sql: """
                SELECT start_ns, time_ns, flags, payload FROM metric_points
                WHERE series_id = ? AND time_ns >= ? AND time_ns < ? ORDER BY time_ns, id
                """,
            arguments: [series.id, Int64(bound: start), Int64(bound: end)]
        )
        if previous,
            let before = try Row.fetchOne(
                db,
                sql: """
                    SELECT start_ns, time_ns, flags, payload FROM metric_points
                    WHERE series_id = ? AND time_ns < ? ORDER BY time_ns DESC, id DESC LIMIT 1
                    """,
                arguments: [series.id, Int64(bound: start)]
            )
        {
            rows.insert(before, at: 0)
        }
        func decode<Point>(
            _ read: (inout ByteReader, [KeyValue], UInt64, UInt64, UInt32) throws(StoredDataError) -> Point
        ) throws -> [Point] {
            try rows.map { row in
                var reader = ByteReader([UInt8](row[3] as Data))
                return try read(
                    &reader,
                    series.attributes,
                    UInt64(stored: row[0]),
                    UInt64(stored: row[1]),
                    UInt32(truncatingIfNeeded: row[2] as Int64)
                )
            }
        }
        switch series.kind {
        case .gauge:
            return .gauge(try decode(PointPayload.readNumber))
        case .sum:
            return .sum(try decode(PointPayload.readNumber), temporality: series.temporality, isMonotonic: series.isMonotonic)
        case .histogram:
            return .histogram(try decode(PointPayload.readHistogram), temporality: series.temporality)
        case .exponentialHistogram:
            return .exponentialHistogram(try decode(PointPayload.readExponentialHistogram), temporality: series.temporality)
        case .summary:
            return .summary(try decode(PointPayload.readSummary))
        }
    }
}

/// One step's histogram while series are merged into it: explicit buckets, or exponential ones kept in
/// bucket-index space until the quantile is read.
private enum MergedHistogram {
    case explicit(bounds: [Double], counts: [UInt64])
    case exponential(ExponentialBuckets)
}
