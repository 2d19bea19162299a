import Foundation
import Telemetry
import Testing
@testable import TelemetryViewer

/// Quantiles of exponential histograms over time: differencing and merging happen in bucket-index space, so a
/// change of scale is neither a reset nor a reason to drop a point.
@Suite struct QueryExponentialTests {
    typealias F = StorageFixtures

    private static func point(
        at seconds: UInt64,
        start: UInt64 = F.base,
        scale: Int32,
        zeroCount: UInt64 = 0,
        offset: Int32,
        counts: [UInt64],
        negative: ReceivedMetric.ExponentialHistogramPoint.Buckets = .init(),
        attributes: [KeyValue] = []
    ) -> ReceivedMetric.ExponentialHistogramPoint {
        .init(
            attributes: attributes,
            startTimeUnixNano: start,
            timeUnixNano: F.base + seconds * F.second,
            count: counts.reduce(zeroCount, +) + negative.bucketCounts.reduce(0, +),
            scale: scale,
            zeroCount: zeroCount,
            positive: .init(offset: offset, bucketCounts: counts),
            negative: negative
        )
    }

    /// The lower bound of bucket `index` at `scale`: `2^(index·2^-scale)`.
    private static func bound(_ index: Int, scale: Int) -> Double { exp2(Double(index) / exp2(Double(scale))) }

    private static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) < 1e-9 }

    @Test func cumulativeSeriesThatDownscalesMidwayIsDifferencedNotReset() async throws {
        let store = try TelemetryStore.inMemory()
        // Scale 3 until the range of values grows and the SDK halves the resolution to scale 2, where scale-3
        // buckets 8 and 9 merge into bucket 4. Per-step increases: step 1 adds 50 to scale-3 bucket 8 and 50 to
        // bucket 9; step 2 adds 50 to scale-2 bucket 4 and 50 to bucket 6; step 3 adds 100 to bucket 6.
        let points = [
            Self.point(at: 0, scale: 3, offset: 8, counts: [10]),
            Self.point(at: 60, scale: 3, offset: 8, counts: [60, 50]),
            Self.point(at: 120, scale: 2, offset: 4, counts: [160, 0, 50]),
            Self.point(at: 180, scale: 2, offset: 4, counts: [160, 0, 150]),
        ]
        try await store.submit(
            ReceivedBatch(metrics: [ReceivedMetric(name: "latency", unit: "s", data: .exponentialHistogram(points, temporality: .cumulative))])
        )
        await store.flush()
        let id = try #require(try await store.metricSeries(name: "latency").first).id
        let range = StepRange(startUnixNano: F.base + 1, endUnixNano: F.base + 181 * F.second, stepNanoseconds: 60 * F.second)
        let p50 = try await store.histogramQuantile(0.5, seriesIDs: [id], range: range)
        let p95 = try await store.histogramQuantile(0.95, seriesIDs: [id], range: range)
        try #require(p50.count == 3)
        try #require(p95.count == 3)
        #expect(p50.map(\.timeUnixNano) == [61, 121, 181].map { F.base + 1 + ($0 - 1) * F.second })

        let b = Self.bound
        // Step 1: the median is the top of scale-3 bucket 8; p95 is 45 of 50 into bucket 9.
        #expect(Self.close(p50[0].value, b(9, 3)))
        #expect(Self.close(p95[0].value, b(9, 3) + (b(10, 3) - b(9, 3)) * 45 / 50))
        // Step 2, across the change of scale: the median is the top of scale-2 bucket 4, p95 45 of 50 into bucket 6.
        // Treated as a reset, the 160 cumulative observations in bucket 4 would hold both quantiles there.
        #expect(Self.close(p50[1].value, b(5, 2)))
        #expect(Self.close(p95[1].value, b(6, 2) + (b(7, 2) - b(6, 2)) * 45 / 50))
        // Step 3: 100 observations, all in scale-2 bucket 6.
        #expect(Self.close(p50[2].value, b(6, 2) + (b(7, 2) - b(6, 2)) * 0.5))
        #expect(Self.close(p95[2].value, b(6, 2) + (b(7, 2) - b(6, 2)) * 0.95))
        await store.close()
    }

    @Test func deltaSeriesOfDifferentScalesMergeIntoOneDistribution() async throws {
        let store = try TelemetryStore.inMemory()
        // Host a, scale 1: 10 zeros and 10 values in bucket 2, (2, 2^1.5], which is inside scale-0 bucket 1, (2, 4].
        // Host b, scale 0: 80 values in bucket 2, (4, 8]. Merged at scale 0: 10 at zero, 10 in (2, 4], 80 in (4, 8].
        let a = Self.point(at: 10, scale: 1, zeroCount: 10, offset: 2, counts: [10], attributes: [KeyValue("host", .string("a"))])
        let b = Self.point(at: 20, scale: 0, offset: 1, counts: [0, 80], attributes: [KeyValue("host", .string("b"))])
        try await store.submit(
            ReceivedBatch(metrics: [
                ReceivedMetric(name: "latency", unit: "s", data: .exponentialHistogram([a], temporality: .delta)),
                ReceivedMetric(name: "latency", unit: "s", data: .exponentialHistogram([b], temporality: .delta)),
            ])
        )
        await store.flush()
        let ids = try await store.metricSeries(name: "latency").map(\.id)
        try #require(ids.count == 2)
        let range = StepRange(startUnixNano: F.base, endUnixNano: F.base + 60 * F.second, stepNanoseconds: 60 * F.second)
        func value(_ q: Double) async throws -> Double? {
            try await store.histogramQuantile(q, seriesIDs: ids, range: range).first?.value
        }
        #expect(try await value(0.05) == 0)
        #expect(try await value(0.15).map { Self.close($0, 3) } == true)
        #expect(try await value(0.5).map { Self.close($0, 5.5) } == true)
        #expect(try await value(0.95).map { Self.close($0, 7.75) } == true)
        // The order of the series does not matter once both are at the coarser scale.
        let reversed = try await store.histogramQuantile(0.5, seriesIDs: ids.reversed(), range: range).first?.value
        #expect(reversed.map { Self.close($0, 5.5) } == true)
        await store.close()
    }

    @Test func negativeBucketsComeBeforeZeroAndPositiveOnes() throws {
        // Scale 0: 10 values in (-4, -2] and 10 in (2, 4].
        let point = Self.point(at: 0, scale: 0, offset: 1, counts: [10], negative: .init(offset: 1, bucketCounts: [10]))
        let buckets = try #require(ExponentialBuckets(point))
        #expect(buckets.quantile(0.25) == -3)
        #expect(buckets.quantile(0.75) == 3)
        #expect(buckets.quantile(1.5) == .infinity)
        #expect(ExponentialBuckets(Self.point(at: 0, scale: 0, offset: 0, counts: []))?.quantile(0.5) == nil)
        #expect(ExponentialBuckets(Self.point(at: 0, scale: 21, offset: 0, counts: [1])) == nil)
    }

    @Test func skippedMalformedPointsDoNotBecomeTheBaseline() throws {
        // Explicit: the middle point has too few counts for its bounds and is skipped; the last one is differenced
        // against the first, adding 100 observations in (0.5, 1]. With the malformed point as baseline, the last
        // would count whole, 50 of its 150 observations under 0.1.
        func explicit(_ t: UInt64, _ counts: [UInt64]) -> ReceivedMetric.HistogramPoint {
            .init(startTimeUnixNano: F.base, timeUnixNano: F.base + t, count: counts.reduce(0, +), bucketCounts: counts, explicitBounds: [0.1, 0.5, 1])
        }
        let increases = MetricMath.bucketIncreases(
            of: [explicit(0, [50, 0, 0, 0]), explicit(1, [50, 0]), explicit(2, [50, 0, 100, 0])],
            temporality: .cumulative,
            rangeStart: F.base + 1
        )
        try #require(increases.count == 1)
        #expect(increases[0].counts == [0, 0, 100, 0])
        #expect(MetricMath.quantile(0.5, bounds: increases[0].bounds, counts: increases[0].counts) == 0.75)

        // Exponential: the middle point's scale is outside OTLP's range, so it is skipped the same way.
        let exponential = MetricMath.exponentialIncreases(
            of: [
                Self.point(at: 0, scale: 0, offset: 0, counts: [50]),
                Self.point(at: 1, scale: 40, offset: 0, counts: [1]),
                Self.point(at: 2, scale: 0, offset: 0, counts: [50, 100]),
            ],
            temporality: .cumulative,
            rangeStart: F.base + 1
        )
        try #require(exponential.count == 1)
        #expect(exponential[0].buckets.positive == [1: 100])
        #expect(exponential[0].buckets.quantile(0.5) == 3)
    }
}
