import Foundation
import Telemetry
import Testing
@testable import TelemetryViewer

@Suite struct QueryTests {
    typealias F = StorageFixtures

    /// Three traces: 1 is an orders request calling payments, 2 an orders error with status code 500, 3 a slow
    /// payments-only trace; times increase with the trace number.
    private func storeWithTraces() async throws -> TelemetryStore {
        let store = try TelemetryStore.inMemory()
        let t1 = F.base
        let t2 = F.base + 10 * F.second
        let t3 = F.base + 20 * F.second
        let spans = [
            F.span(trace: 1, id: 11, name: "GET /orders", start: t1, duration: 50_000_000, attributes: [KeyValue("http.status_code", .int(200))]),
            F.span(service: "payments", trace: 1, id: 12, parent: 11, name: "charge", kind: .client, start: t1 + 1000, duration: 10_000_000),
            F.span(
                trace: 2,
                id: 21,
                name: "POST /orders",
                start: t2,
                duration: 200_000_000,
                attributes: [KeyValue("http.status_code", .int(500)), KeyValue("http.route", .string("/orders"))],
                status: .error
            ),
            F.span(trace: 2, id: 22, parent: 21, name: "db", kind: .internal, start: t2 + 5, duration: 100),
            F.span(
                service: "payments",
                trace: 3,
                id: 31,
                name: "charge",
                kind: .server,
                start: t3,
                duration: 2 * F.second,
                attributes: [KeyValue("amount", .double(12.5))],
                resourceAttributes: [KeyValue("deployment.environment", .string("prod"))]
            ),
        ]
        try await store.submit(ReceivedBatch(spans: spans))
        await store.flush()
        return store
    }

    private func traceNumbers(_ traces: [StoredTrace]) -> [UInt64] { traces.map(\.traceID.low) }

    @Test func servicesAndOperations() async throws {
        let store = try await storeWithTraces()
        #expect(try await store.services() == ["orders", "payments"])
        #expect(
            try await store.operations(service: "orders") == [
                StoredOperation(name: "GET /orders", kind: .server),
                StoredOperation(name: "POST /orders", kind: .server),
                StoredOperation(name: "db", kind: .internal),
            ]
        )
        #expect(
            try await store.operations(service: "payments") == [
                StoredOperation(name: "charge", kind: .server), StoredOperation(name: "charge", kind: .client),
            ]
        )
        await store.close()
    }

    @Test func searchByServiceReturnsWholeTracesNewestFirst() async throws {
        let store = try await storeWithTraces()
        let orders = try await store.searchTraces(TraceQuery(service: "orders"))
        #expect(traceNumbers(orders) == [2, 1])
        #expect(orders[1].spans.map(\.spanID.value) == [11, 12])
        #expect(orders[1].spans[1].resource.serviceName == "payments")
        #expect(traceNumbers(try await store.searchTraces(TraceQuery(service: "payments"))) == [3, 1])
        #expect(traceNumbers(try await store.searchTraces(TraceQuery())) == [3, 2, 1])
        #expect(traceNumbers(try await store.searchTraces(TraceQuery(service: "orders", limit: 1))) == [2])
        #expect(try await store.searchTraces(TraceQuery(service: "nobody")).isEmpty)
        await store.close()
    }

    @Test func searchByOperation() async throws {
        let store = try await storeWithTraces()
        #expect(traceNumbers(try await store.searchTraces(TraceQuery(service: "orders", operation: "GET /orders"))) == [1])
        #expect(traceNumbers(try await store.searchTraces(TraceQuery(service: "payments", operation: "charge"))) == [3, 1])
        #expect(try await store.searchTraces(TraceQuery(service: "payments", operation: "GET /orders")).isEmpty)
        await store.close()
    }

    @Test func tagsCompareAsTextAndErrorMeansErrorStatus() async throws {
        let store = try await storeWithTraces()
        #expect(traceNumbers(try await store.searchTraces(TraceQuery(service: "orders", tags: ["http.status_code": "500"]))) == [2])
        #expect(traceNumbers(try await store.searchTraces(TraceQuery(tags: ["http.status_code": "200"]))) == [1])
        #expect(try await store.searchTraces(TraceQuery(tags: ["http.status_code": "50"])).isEmpty)
        #expect(traceNumbers(try await store.searchTraces(TraceQuery(tags: ["amount": "12.5"]))) == [3])
        #expect(traceNumbers(try await store.searchTraces(TraceQuery(tags: ["error": "true"]))) == [2])
        #expect(traceNumbers(try await store.searchTraces(TraceQuery(service: "orders", tags: ["error": "false"]))) == [2, 1])
        #expect(
            traceNumbers(try await store.searchTraces(TraceQuery(tags: ["http.status_code": "500", "http.route": "/orders"]))) == [2]
        )
        #expect(try await store.searchTraces(TraceQuery(tags: ["http.status_code": "500", "http.route": "/other"])).isEmpty)
        // Resource attributes match as Jaeger's process tags do.
        #expect(traceNumbers(try await store.searchTraces(TraceQuery(tags: ["deployment.environment": "prod"]))) == [3])
        #expect(traceNumbers(try await store.searchTraces(TraceQuery(tags: ["span.kind": "client"]))) == [1])
        await store.close()
    }

    @Test func durationAndTimeWindow() async throws {
        let store = try await storeWithTraces()
        #expect(traceNumbers(try await store.searchTraces(TraceQuery(minimumDurationNanoseconds: F.second))) == [3])
        #expect(traceNumbers(try await store.searchTraces(TraceQuery(service: "orders", minimumDurationNanoseconds: 100_000_000))) == [2])
        #expect(
            traceNumbers(try await store.searchTraces(TraceQuery(service: "orders", maximumDurationNanoseconds: 60_000_000))) == [2, 1]
        )
        #expect(
            traceNumbers(
                try await store.searchTraces(
                    TraceQuery(minimumDurationNanoseconds: 20_000_000, maximumDurationNanoseconds: 100_000_000)
                )
            ) == [1]
        )
        #expect(
            traceNumbers(
                try await store.searchTraces(
                    TraceQuery(startTimeMinimumUnixNano: F.base + 5 * F.second, startTimeMaximumUnixNano: F.base + 15 * F.second)
                )
            ) == [2]
        )
        await store.close()
    }

    @Test func traceByID() async throws {
        let store = try await storeWithTraces()
        let trace = try #require(try await store.trace(id: F.traceID(2)))
        #expect(trace.spans.map(\.name) == ["POST /orders", "db"])
        #expect(try await store.trace(id: F.traceID(99)) == nil)
        await store.close()
    }

    @Test func serviceSummariesCountRequestsErrorsAndP95() async throws {
        let store = try TelemetryStore.inMemory()
        // 20 server spans of 1...20 ms, two of them errors, plus client and internal spans that are not requests.
        var spans: [ReceivedSpan] = []
        for n in UInt64(1)...20 {
            let status: ReceivedSpan.StatusCode = n <= 2 ? .error : .ok
            spans.append(F.span(trace: n, id: n, start: F.base + n * F.second, duration: n * 1_000_000, status: status))
        }
        spans.append(F.span(trace: 1, id: 100, parent: 1, kind: .client, start: F.base + F.second))
        spans.append(F.span(trace: 1, id: 101, parent: 1, kind: .internal, start: F.base + F.second))
        spans.append(F.span(service: "batch", trace: 50, id: 500, kind: .internal, start: F.base + 5 * F.second, duration: 7))
        spans.append(F.span(service: "idle", trace: 60, id: 600, kind: .server, start: F.base + 500 * F.second))
        try await store.submit(ReceivedBatch(spans: spans))
        await store.flush()
        let summaries = try await store.serviceSummaries(startUnixNano: F.base, endUnixNano: F.base + 100 * F.second)
        #expect(summaries.map(\.service) == ["batch", "idle", "orders"])
        let orders = try #require(summaries.last)
        #expect(orders.requestCount == 20)
        #expect(orders.errorCount == 2)
        #expect(orders.errorRate == 0.1)
        #expect(orders.requestRate == 0.2)
        #expect(orders.p95DurationNanoseconds == 19_000_000)
        #expect(summaries[0].requestCount == 1)
        #expect(summaries[1].requestCount == 0)
        #expect(summaries[1].p95DurationNanoseconds == nil)

        let samples = try await store.serviceSamples(
            service: "orders",
            range: StepRange(startUnixNano: F.base, endUnixNano: F.base + 20 * F.second, stepNanoseconds: 10 * F.second)
        )
        #expect(samples.count == 2)
        #expect(samples[0].requestRate == 0.9)
        #expect(samples[0].errorRate == 2.0 / 9.0)
        #expect(samples[0].timeUnixNano == F.base + 10 * F.second)
        #expect(samples[1].p95DurationNanoseconds == 19_000_000)
        await store.close()
    }

    private func seriesID(_ store: TelemetryStore, _ name: String) async throws -> Int64 {
        try #require(try await store.metricSeries(name: name).first).id
    }

    @Test func counterRateDifferencesCumulativePointsAcrossAReset() async throws {
        let store = try TelemetryStore.inMemory()
        let start = F.base
        // Cumulative: +10 per 10 s, then a restart (new start time, lower value) in the second minute.
        let cumulative = [
            (0, 10, 100), (0, 20, 110), (0, 30, 120), (35, 70, 5), (35, 80, 15),
        ].map { (s: UInt64, t: UInt64, v: Int64) -> ReceivedMetric.NumberPoint in
            ReceivedMetric.NumberPoint(startTimeUnixNano: start + s * F.second, timeUnixNano: start + t * F.second, value: .int(v))
        }
        let delta = [(10, 3.0), (20, 4.0), (70, 6.0)].map { (t: UInt64, v: Double) -> ReceivedMetric.NumberPoint in
            ReceivedMetric.NumberPoint(startTimeUnixNano: start + (t - 10) * F.second, timeUnixNano: start + t * F.second, value: .double(v))
        }
        try await store.submit(
            ReceivedBatch(metrics: [
                ReceivedMetric(name: "requests", data: .sum(cumulative, temporality: .cumulative, isMonotonic: true)),
                ReceivedMetric(name: "deltas", data: .sum(delta, temporality: .delta, isMonotonic: true)),
            ])
        )
        await store.flush()
        let range = StepRange(startUnixNano: start + 15 * F.second, endUnixNano: start + 135 * F.second, stepNanoseconds: 60 * F.second)
        let rate = try await store.counterRate(seriesIDs: [try await seriesID(store, "requests")], range: range)
        // Step 1 [15 s, 75 s): 110-100 (using the point before the range), 120-110, then 5 after the reset.
        #expect(rate == [MetricSample(timeUnixNano: start + 75 * F.second, value: 25.0 / 60), MetricSample(timeUnixNano: start + 135 * F.second, value: 10.0 / 60)])
        let deltaRate = try await store.counterRate(seriesIDs: [try await seriesID(store, "deltas")], range: range)
        #expect(deltaRate == [MetricSample(timeUnixNano: start + 75 * F.second, value: 10.0 / 60)])
        await store.close()
    }

    @Test func histogramQuantileInterpolatesWithinTheBucket() async throws {
        #expect(MetricMath.quantile(0.5, bounds: [1, 2, 4], counts: [10, 10, 0, 0]) == 1)
        #expect(MetricMath.quantile(0.75, bounds: [1, 2, 4], counts: [10, 10, 0, 0]) == 1.5)
        #expect(MetricMath.quantile(0.95, bounds: [1, 2, 4], counts: [0, 0, 0, 5]) == 4)
        #expect(MetricMath.quantile(0.25, bounds: [1, 2, 4], counts: [4, 0, 0, 0]) == 0.25)
        #expect(MetricMath.quantile(0.5, bounds: [1], counts: [0, 0]) == nil)

        let store = try TelemetryStore.inMemory()
        let start = F.base
        func point(_ t: UInt64, _ counts: [UInt64]) -> ReceivedMetric.HistogramPoint {
            .init(
                startTimeUnixNano: start,
                timeUnixNano: start + t * F.second,
                count: counts.reduce(0, +),
                bucketCounts: counts,
                explicitBounds: [0.1, 0.5, 1]
            )
        }
        // Cumulative: the first minute adds 100 observations under 0.1 s; the second adds 100 between 0.5 and 1 s.
        let points = [point(0, [0, 0, 0, 0]), point(60, [100, 0, 0, 0]), point(120, [100, 0, 100, 0])]
        try await store.submit(
            ReceivedBatch(metrics: [ReceivedMetric(name: "http.server.duration", unit: "s", data: .histogram(points, temporality: .cumulative))])
        )
        await store.flush()
        let p95 = try await store.histogramQuantile(
            0.95,
            seriesIDs: [try await seriesID(store, "http.server.duration")],
            range: StepRange(startUnixNano: start + 1, endUnixNano: start + 121 * F.second, stepNanoseconds: 60 * F.second)
        )
        #expect(p95.count == 2)
        #expect(abs(p95[0].value - 0.095) < 1e-12)
        #expect(abs(p95[1].value - 0.975) < 1e-12)
        await store.close()
    }

    @Test func logSearchBySeverityTextServiceTimeAndTrace() async throws {
        let store = try TelemetryStore.inMemory()
        func record(_ service: String, _ t: UInt64, _ severity: Int32, _ body: String, trace: UInt64 = 0, span: UInt64 = 0) -> ReceivedLogRecord {
            ReceivedLogRecord(
                resource: F.resource(service),
                timeUnixNano: F.base + t * F.second,
                severityNumber: severity,
                body: .string(body),
                traceID: trace == 0 ? .invalid : F.traceID(trace),
                spanID: SpanID(span)
            )
        }
        let records = [
            record("orders", 1, 9, "order 1 placed", trace: 7, span: 1),
            record("orders", 2, 17, "Payment FAILED for 100% of items", trace: 7, span: 2),
            record("payments", 3, 13, "retrying payment_call"),
            record("orders", 4, 5, "debug detail", trace: 8, span: 3),
        ]
        try await store.submit(ReceivedBatch(logRecords: records))
        await store.flush()
        func bodies(_ query: LogQuery) async throws -> [String] {
            try await store.searchLogs(query).map { record in
                if case .string(let text) = record.body { return text }
                return ""
            }
        }
        #expect(try await bodies(LogQuery()) == ["debug detail", "retrying payment_call", "Payment FAILED for 100% of items", "order 1 placed"])
        #expect(try await bodies(LogQuery(service: "orders", limit: 2)) == ["debug detail", "Payment FAILED for 100% of items"])
        #expect(try await bodies(LogQuery(minimumSeverity: 13)) == ["retrying payment_call", "Payment FAILED for 100% of items"])
        #expect(try await bodies(LogQuery(text: "payment")) == ["retrying payment_call", "Payment FAILED for 100% of items"])
        #expect(try await bodies(LogQuery(text: "100%")) == ["Payment FAILED for 100% of items"])
        #expect(try await bodies(LogQuery(text: "t_c")) == ["retrying payment_call"])
        #expect(try await bodies(LogQuery(text: "0%")) == ["Payment FAILED for 100% of items"])
        #expect(
            try await bodies(LogQuery(startUnixNano: F.base + 2 * F.second, endUnixNano: F.base + 4 * F.second))
                == ["retrying payment_call", "Payment FAILED for 100% of items"]
        )
        #expect(try await store.logServices() == ["orders", "payments"])
        #expect(try await store.logs(traceID: F.traceID(7)).map(\.spanID) == [SpanID(1), SpanID(2)])
        #expect(try await store.logs(traceID: F.traceID(7), spanID: SpanID(2)).map(\.severityNumber) == [17])
        #expect(try await store.logs(traceID: F.traceID(9)).isEmpty)
        await store.close()
    }

    @Test func tagValuesCannotForgeOtherTagsAndMatchTheirExactText() async throws {
        let store = try TelemetryStore.inMemory()
        let spans = [
            F.span(trace: 1, id: 1, start: F.base, attributes: [KeyValue("note", .string("a\nb=c"))]),
            F.span(trace: 2, id: 2, start: F.base + 1, attributes: [KeyValue("path", .string("C:\\dir%_'\""))]),
            F.span(trace: 3, id: 3, start: F.base + 2, attributes: [KeyValue("ratio", .double(2)), KeyValue("flag", .bool(false))]),
        ]
        try await store.submit(ReceivedBatch(spans: spans))
        await store.flush()
        #expect(try await store.searchTraces(TraceQuery(tags: ["b": "c"])).isEmpty)
        #expect(traceNumbers(try await store.searchTraces(TraceQuery(tags: ["note": "a\nb=c"]))) == [1])
        #expect(traceNumbers(try await store.searchTraces(TraceQuery(tags: ["path": "C:\\dir%_'\""]))) == [2])
        #expect(try await store.searchTraces(TraceQuery(tags: ["path": "C:"])).isEmpty)
        #expect(traceNumbers(try await store.searchTraces(TraceQuery(tags: ["ratio": "2"]))) == [3])
        #expect(traceNumbers(try await store.searchTraces(TraceQuery(tags: ["flag": "false"]))) == [3])
        await store.close()
    }

    @Test func extremeRangesAndLimitsAreAnsweredNotTrapped() async throws {
        let store = try await storeWithTraces()
        let everything = StepRange(startUnixNano: 0, endUnixNano: .max, stepNanoseconds: 1)
        let samples = try await store.serviceSamples(service: "orders", range: everything)
        #expect(samples.count <= 10_000)
        #expect(samples.reduce(0) { $0 + $1.requestRate } > 0)
        #expect(try await store.serviceSummaries(startUnixNano: 10, endUnixNano: 5).allSatisfy { $0.requestCount == 0 })
        #expect(try await store.counterRate(seriesIDs: [42], range: everything).isEmpty)
        #expect(try await store.searchTraces(TraceQuery(limit: 0)).isEmpty)
        #expect(traceNumbers(try await store.searchTraces(TraceQuery(startTimeMaximumUnixNano: .max, limit: .max))) == [3, 2, 1])
        #expect(try await store.searchLogs(LogQuery(limit: -1)).isEmpty)
        await store.close()
    }
}
