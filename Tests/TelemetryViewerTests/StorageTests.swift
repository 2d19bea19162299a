import Foundation
import GRDB
import Synchronization
import Telemetry
import Testing
@testable import TelemetryViewer

@Suite struct StorageTests {
    typealias F = StorageFixtures

    @Test func spanWithEveryFieldRoundTripsThroughAFile() async throws {
        let directory = try TemporaryDirectory()
        let store = try TelemetryStore(path: directory.databasePath)
        try await store.submit(ReceivedBatch(spans: [F.fullSpan]))
        await store.flush()
        let trace = try await store.trace(id: F.fullSpan.traceID)
        #expect(trace?.spans == [F.fullSpan])
        await store.close()
    }

    @Test func spanWithDefaultsRoundTripsInMemory() async throws {
        let store = try TelemetryStore.inMemory()
        let span = ReceivedSpan(traceID: TraceID(high: 0, low: 1), spanID: SpanID(1), name: "", startTimeUnixNano: 0, endTimeUnixNano: 0)
        try await store.submit(ReceivedBatch(spans: [span]))
        await store.flush()
        #expect(try await store.trace(id: span.traceID)?.spans == [span])
        #expect(try await store.services() == ["unknown_service"])
        await store.close()
    }

    @Test func metricsOfEveryKindRoundTrip() async throws {
        let store = try TelemetryStore.inMemory()
        let resource = F.resource("metrics", [KeyValue("host.name", .string("h"))])
        let scope = ReceivedScope(name: "meter", version: "1", attributes: [KeyValue("s", .int(1))])
        let attributes = [KeyValue("route", .string("/a")), KeyValue("code", .int(200))]
        let exemplar = ReceivedMetric.Exemplar(
            filteredAttributes: [KeyValue("user", .string("u"))],
            timeUnixNano: F.base + 1,
            value: .double(2.5),
            traceID: TraceID(high: 9, low: 8),
            spanID: SpanID(7)
        )
        let metrics = [
            ReceivedMetric(
                resource: resource,
                scope: scope,
                name: "gauge",
                description: "a gauge",
                unit: "1",
                metadata: [KeyValue("m", .bool(true))],
                data: .gauge([
                    .init(attributes: attributes, startTimeUnixNano: 0, timeUnixNano: F.base, value: .double(-1.5), exemplars: [exemplar], flags: 1),
                    .init(attributes: attributes, timeUnixNano: F.base + F.second, value: .int(-3)),
                ])
            ),
            ReceivedMetric(
                resource: resource,
                scope: scope,
                name: "sum",
                unit: "By",
                data: .sum(
                    [.init(attributes: attributes, startTimeUnixNano: F.base - F.second, timeUnixNano: F.base, value: .int(.max), exemplars: [exemplar])],
                    temporality: .delta,
                    isMonotonic: true
                )
            ),
            ReceivedMetric(
                resource: resource,
                scope: scope,
                name: "histogram",
                unit: "s",
                data: .histogram(
                    [
                        .init(
                            attributes: attributes,
                            startTimeUnixNano: F.base - F.second,
                            timeUnixNano: F.base,
                            count: 6,
                            sum: 12.5,
                            bucketCounts: [1, 2, 3],
                            explicitBounds: [0.5, 1],
                            exemplars: [exemplar],
                            flags: 1,
                            min: 0.1,
                            max: 9
                        ),
                        .init(attributes: attributes, timeUnixNano: F.base + F.second, count: 0),
                    ],
                    temporality: .cumulative
                )
            ),
            ReceivedMetric(
                resource: resource,
                scope: scope,
                name: "exponential",
                data: .exponentialHistogram(
                    [
                        .init(
                            attributes: attributes,
                            startTimeUnixNano: F.base - F.second,
                            timeUnixNano: F.base,
                            count: 10,
                            sum: 30,
                            scale: -2,
                            zeroCount: 1,
                            positive: .init(offset: -3, bucketCounts: [1, 2, 3]),
                            negative: .init(offset: 4, bucketCounts: [3]),
                            flags: 0,
                            exemplars: [exemplar],
                            min: -5,
                            max: 20,
                            zeroThreshold: 0.001
                        )
                    ],
                    temporality: .delta
                )
            ),
            ReceivedMetric(
                resource: resource,
                scope: scope,
                name: "summary",
                data: .summary([
                    .init(
                        attributes: attributes,
                        startTimeUnixNano: 1,
                        timeUnixNano: F.base,
                        count: 4,
                        sum: 8,
                        quantiles: [.init(quantile: 0.5, value: 1), .init(quantile: 0.99, value: 3)],
                        flags: 1
                    )
                ])
            ),
        ]
        try await store.submit(ReceivedBatch(metrics: metrics))
        await store.flush()
        #expect(store.statistics.written == 7)
        for metric in metrics {
            let series = try await store.metricSeries(name: metric.name)
            try #require(series.count == 1)
            #expect(series[0].attributes == attributes)
            #expect(series[0].resource == resource)
            let stored = try await store.metricPoints(seriesID: series[0].id, startUnixNano: 0, endUnixNano: .max)
            #expect(stored == metric)
        }
        let descriptors = try await store.metricDescriptors()
        #expect(descriptors.map(\.name) == ["exponential", "gauge", "histogram", "sum", "summary"])
        #expect(descriptors.first { $0.name == "sum" } == MetricDescriptor(name: "sum", kind: .sum, unit: "By", description: "", seriesCount: 1))
        await store.close()
    }

    @Test func logRecordWithEveryFieldRoundTrips() async throws {
        let store = try TelemetryStore.inMemory()
        let record = ReceivedLogRecord(
            resource: F.fullSpan.resource,
            scope: F.fullSpan.scope,
            timeUnixNano: F.base + 5,
            observedTimeUnixNano: F.base + 6,
            severityNumber: 17,
            severityText: "ERROR",
            body: .keyValueList([KeyValue("message", .string("boom"))]),
            attributes: F.everyValue,
            droppedAttributesCount: 2,
            flags: 1,
            traceID: F.fullSpan.traceID,
            spanID: F.fullSpan.spanID,
            eventName: "app.crash"
        )
        let bare = ReceivedLogRecord(observedTimeUnixNano: F.base + 1, body: .string("bare"), spanID: SpanID(5))
        try await store.submit(ReceivedBatch(logRecords: [record, bare]))
        await store.flush()
        #expect(try await store.logs(traceID: F.fullSpan.traceID) == [record])
        #expect(try await store.searchLogs(LogQuery()) == [record, bare])
        await store.close()
    }

    @Test func aBatchLargerThanTheQueueIsRefusedAsOverloaded() async throws {
        let store = try TelemetryStore.inMemory(configuration: StoreConfiguration(queueCapacity: 3))
        let spans = (1...4).map { F.span(trace: 1, id: $0, start: F.base) }
        await #expect(throws: IngestError.overloaded) { try await store.submit(ReceivedBatch(spans: spans)) }
        try await store.submit(ReceivedBatch(spans: Array(spans.prefix(3))))
        await store.flush()
        #expect(store.statistics.rejectedOverloaded == 4)
        #expect(store.statistics.accepted == 3)
        #expect(store.statistics.written == 3)
        await store.close()
    }

    @Test func theQueueRefusesWhatWouldExceedItsCapacityUntilTheWriterCatchesUp() throws {
        let queue = IngestQueue(capacity: 10)
        try queue.reserve(8)
        #expect(throws: IngestError.overloaded) { try queue.reserve(3) }
        try queue.reserve(2)
        #expect(throws: IngestError.overloaded) { try queue.reserve(1) }
        queue.finished(written: 8, failed: 0)
        try queue.reserve(8)
        #expect(queue.statistics.rejectedOverloaded == 4)
        #expect(queue.statistics.queued == 10)
        queue.close()
        #expect(throws: IngestError.closed) { try queue.reserve(1) }
        #expect(queue.statistics.rejectedClosed == 1)
    }

    @Test func underConcurrentOverloadEveryItemIsEitherWrittenOrCountedAsRefused() async throws {
        let store = try TelemetryStore.inMemory(configuration: StoreConfiguration(queueCapacity: 1_000))
        let submitters = 8
        let batches = 40
        let accepted = try await withThrowingTaskGroup(of: Int.self) { group in
            for submitter in 0..<submitters {
                group.addTask {
                    var accepted = 0
                    for batch in 0..<batches {
                        let first = UInt64((submitter * batches + batch) * 100)
                        let spans = (0..<100).map { F.span(trace: first / 10 + 1, id: first + UInt64($0) + 1, start: F.base + first) }
                        do {
                            try await store.submit(ReceivedBatch(spans: spans))
                            accepted += spans.count
                        } catch IngestError.overloaded {
                            continue
                        }
                    }
                    return accepted
                }
            }
            var total = 0
            for try await accepted in group { total += accepted }
            return total
        }
        await store.close()
        let statistics = store.statistics
        #expect(statistics.accepted == Int64(accepted))
        #expect(statistics.written == Int64(accepted))
        #expect(statistics.accepted + statistics.rejectedOverloaded == Int64(submitters * batches * 100))
        let stored = try await store.database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM spans") }
        #expect(stored == accepted)
    }

    @Test func closeWritesEverythingAcknowledgedAndThenRefuses() async throws {
        let directory = try TemporaryDirectory()
        let store = try TelemetryStore(path: directory.databasePath)
        var expected = 0
        for batch in 0..<40 {
            let spans = (0..<250).map { F.span(trace: UInt64(batch * 1000 + $0 / 5), id: UInt64(batch * 1000 + $0 + 1), start: F.base + UInt64($0)) }
            try await store.submit(ReceivedBatch(spans: spans))
            expected += spans.count
        }
        await store.close()
        #expect(store.statistics.written == Int64(expected))
        #expect(store.statistics.queued == 0)
        await #expect(throws: IngestError.closed) { try await store.submit(ReceivedBatch(spans: [F.span(trace: 1, id: 1, start: 0)])) }

        let reopened = try TelemetryStore(path: directory.databasePath)
        let count = try await reopened.database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM spans") }
        #expect(count == expected)
        #expect(try await reopened.trace(id: F.traceID(39_049))?.spans.count == 5)
        await reopened.close()
    }

    @Test func aFileThatIsNotADatabaseIsAnErrorNotACrash() throws {
        let directory = try TemporaryDirectory()
        try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: directory.databasePath))
        #expect(throws: (any Error).self) { try TelemetryStore(path: directory.databasePath) }
    }

    @Test func theFileUsesWALAndIncrementalVacuum() async throws {
        let directory = try TemporaryDirectory()
        let store = try TelemetryStore(path: directory.databasePath)
        let (journal, vacuum) = try await store.database.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA auto_vacuum"))
        }
        #expect(journal == "wal")
        #expect(vacuum == 2)
        await store.close()
    }

    @Test func retentionByAgeDeletesOlderDataOfEverySignal() async throws {
        let store = try TelemetryStore.inMemory(configuration: StoreConfiguration(maximumAge: .seconds(3600), maximumSizeBytes: nil))
        let old = F.base
        let recent = F.base + 7200 * F.second
        try await store.submit(
            ReceivedBatch(
                spans: [
                    F.span(service: "gone", trace: 1, id: 1, name: "old", start: old),
                    F.span(service: "kept", trace: 2, id: 2, name: "new", start: recent),
                ],
                metrics: [
                    ReceivedMetric(name: "old.metric", data: .gauge([.init(timeUnixNano: old, value: .int(1))])),
                    ReceivedMetric(name: "new.metric", data: .gauge([.init(timeUnixNano: recent, value: .int(2))])),
                ],
                logRecords: [
                    ReceivedLogRecord(timeUnixNano: old, body: .string("old")),
                    ReceivedLogRecord(timeUnixNano: recent, body: .string("new")),
                ]
            )
        )
        await store.flush()
        let deleted = try await store.enforceRetention(now: recent + 60 * F.second)
        #expect(deleted == 3)
        #expect(store.statistics.deletedByRetention == 3)
        #expect(try await store.trace(id: F.traceID(1)) == nil)
        #expect(try await store.trace(id: F.traceID(2)) != nil)
        #expect(try await store.services() == ["kept"])
        #expect(try await store.metricDescriptors().map(\.name) == ["new.metric"])
        #expect(try await store.searchLogs(LogQuery()).map(\.body) == [.string("new")])

        // The store keeps working after retention dropped its cached operations and series.
        try await store.submit(ReceivedBatch(spans: [F.span(service: "gone", trace: 3, id: 3, name: "old", start: recent)]))
        await store.flush()
        #expect(try await store.services() == ["gone", "kept"])
        await store.close()
    }

    @Test func retentionDeletesResourcesAndScopesNothingUsesAnyMore() async throws {
        let directory = try TemporaryDirectory()
        let configuration = StoreConfiguration(maximumAge: .seconds(3600), maximumSizeBytes: nil)
        let old = F.base
        let recent = F.base + 7200 * F.second
        // Five old processes, each with a resource and a scope of its own, as a new service.instance.id per start
        // gives; and one recent span.
        var spans = (1...5).map { index -> ReceivedSpan in
            var span = F.span(
                service: "gone", trace: UInt64(index), id: UInt64(index), start: old,
                resourceAttributes: [KeyValue("service.instance.id", .string("instance-\(index)"))])
            span.scope = ReceivedScope(name: "scope-\(index)")
            return span
        }
        spans.append(F.span(service: "kept", trace: 9, id: 9, start: recent))
        let store = try TelemetryStore(path: directory.databasePath, configuration: configuration)
        try await store.submit(ReceivedBatch(spans: spans))
        await store.flush()
        #expect(try await store.enforceRetention(now: recent + 60 * F.second) == 5)
        // A resource and a scope retention deleted come back when they are used again: the writer forgot their ids.
        try await store.submit(ReceivedBatch(spans: [spans[0].with(start: recent, trace: 10)]))
        await store.flush()
        await store.close()

        let database = try DatabaseQueue(path: directory.databasePath)
        let (resources, scopes, orphans) = try await database.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM resources") ?? -1,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM scopes") ?? -1,
                try Int.fetchOne(
                    db,
                    sql: "SELECT count(*) FROM spans WHERE resource_id NOT IN (SELECT id FROM resources) OR scope_id NOT IN (SELECT id FROM scopes)"
                ) ?? -1
            )
        }
        #expect(resources == 2)
        #expect(scopes == 2)
        #expect(orphans == 0)
        let reopened = try TelemetryStore(path: directory.databasePath, configuration: configuration)
        let trace = try #require(try await reopened.trace(id: F.traceID(10)))
        #expect(trace.spans.first?.resource.attributes[key: "service.instance.id"] == .string("instance-1"))
        #expect(trace.spans.first?.scope.name == "scope-1")
        await reopened.close()
    }

    @Test func retentionBySizeDeletesTheOldestUntilTheFileIsSmallEnough() async throws {
        let directory = try TemporaryDirectory()
        let limit: Int64 = 1 << 20
        let store = try TelemetryStore(path: directory.databasePath, configuration: StoreConfiguration(maximumAge: nil, maximumSizeBytes: limit))
        let padding = String(repeating: "x", count: 400)
        for batch in 0..<20 {
            let spans = (0..<500).map { index in
                let n = UInt64(batch * 500 + index)
                return F.span(trace: n / 4 + 1, id: n + 1, start: F.base + n * F.second, attributes: [KeyValue("padding", .string(padding))])
            }
            try await store.submit(ReceivedBatch(spans: spans))
        }
        await store.flush()
        let before = try await store.databaseSize()
        #expect(before > 4 * limit)
        let deleted = try await store.enforceRetention(now: F.base)
        let after = try await store.databaseSize()
        #expect(after <= limit)
        #expect(deleted > 0)
        #expect(store.statistics.deletedByRetention == Int64(deleted))
        // Oldest first: the newest trace survives, the oldest does not.
        #expect(try await store.trace(id: F.traceID(2_500)) != nil)
        #expect(try await store.trace(id: F.traceID(1)) == nil)
        await store.close()
        let fileSize = try FileManager.default.attributesOfItem(atPath: directory.databasePath)[.size] as? Int64
        #expect((fileSize ?? .max) <= limit)
    }

    @Test func anAbsurdMaximumAgeKeepsEverything() async throws {
        let store = try TelemetryStore.inMemory(configuration: StoreConfiguration(maximumAge: .seconds(Int64.max)))
        try await store.submit(ReceivedBatch(spans: [F.span(trace: 1, id: 1, start: 1)]))
        await store.flush()
        #expect(try await store.enforceRetention(now: .max) == 0)
        #expect(try await store.trace(id: F.traceID(1)) != nil)
        await store.close()
    }

    @Test func damagedStoredBytesThrowInsteadOfCrashing() throws {
        var reader = ByteReader([0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
        #expect(throws: StoredDataError.self) { try reader.readValue() }
        var truncated = ByteReader([0x01, 0x05, 0x61])
        #expect(throws: StoredDataError.self) { try truncated.readValue() }
        var deep = ByteReader([UInt8](repeating: 0x07, count: 200).flatMap { [$0, 0x01] })
        #expect(throws: StoredDataError.self) { try deep.readValue() }
        let columns = SpanAttributeColumns.encode([KeyValue("key", .int(5))])
        #expect(try SpanAttributeColumns.decode(tags: columns.tags, layout: columns.layout) == [KeyValue("key", .int(5))])
        #expect(throws: StoredDataError.self) { try SpanAttributeColumns.decode(tags: "\nke=5\n", layout: columns.layout) }
        #expect(throws: StoredDataError.self) { try SpanAttributeColumns.decode(tags: "\nkey=five\n", layout: columns.layout) }
        #expect(throws: StoredDataError.self) { try SpanAttributeColumns.decode(tags: "\nkey=5", layout: columns.layout) }
        #expect(throws: StoredDataError.self) { try SpanAttributeColumns.decode(tags: "", layout: columns.layout) }
    }
}

@Suite struct StorageServiceTests {
    @Test func runClosesTheStoreWhenCancelled() async throws {
        let store = try TelemetryStore.inMemory(configuration: StoreConfiguration(retentionInterval: .seconds(3600)))
        try await store.submit(ReceivedBatch(spans: [StorageFixtures.span(trace: 1, id: 1, start: StorageFixtures.base)]))
        let running = Task { try await store.run() }
        running.cancel()
        try await running.value
        #expect(store.statistics.written == 1)
        await #expect(throws: IngestError.closed) {
            try await store.submit(ReceivedBatch(spans: [StorageFixtures.span(trace: 2, id: 2, start: StorageFixtures.base)]))
        }
    }
}

/// A clock whose first sleep returns at once and whose later sleeps last until cancelled, announcing each sleep,
/// so a test knows exactly when one round of the store's periodic work is done.
final class SteppingClock: Clock, Sendable {
    typealias Duration = Swift.Duration
    typealias Instant = ContinuousClock.Instant

    private let sleeps: AsyncStream<Int>.Continuation
    let sleepStarted: AsyncStream<Int>
    private let count = Mutex(0)

    init() {
        (sleepStarted, sleeps) = AsyncStream.makeStream(of: Int.self)
    }

    var now: Instant { ContinuousClock().now }
    var minimumResolution: Duration { .nanoseconds(1) }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let number = count.withLock { count in
            count += 1
            return count
        }
        sleeps.yield(number)
        guard number > 1 else { return }
        // A stream nothing is ever sent on ends only when the task is cancelled.
        let (never, continuation) = AsyncStream.makeStream(of: Void.self)
        for await _ in never {}
        withExtendedLifetime(continuation) {}
        throw CancellationError()
    }
}

extension StorageServiceTests {
    @Test func runEnforcesRetentionOnItsClock() async throws {
        let clock = SteppingClock()
        let store = try TelemetryStore.inMemory(
            configuration: StoreConfiguration(maximumAge: .seconds(3600), maximumSizeBytes: nil, retentionInterval: .seconds(60)),
            clock: clock
        )
        let now = UInt64(Date().timeIntervalSince1970) * StorageFixtures.second
        try await store.submit(
            ReceivedBatch(spans: [
                StorageFixtures.span(trace: 1, id: 1, start: now - 3 * 3600 * StorageFixtures.second),
                StorageFixtures.span(trace: 2, id: 2, start: now),
            ])
        )
        await store.flush()
        let running = Task { try await store.run() }
        var sleeps = clock.sleepStarted.makeAsyncIterator()
        #expect(await sleeps.next() == 1)
        // The second sleep starts only after the first round of retention finished.
        #expect(await sleeps.next() == 2)
        #expect(store.statistics.deletedByRetention == 1)
        #expect(try await store.trace(id: StorageFixtures.traceID(1)) == nil)
        #expect(try await store.trace(id: StorageFixtures.traceID(2)) != nil)
        running.cancel()
        try await running.value
    }
}
