// Measures the viewer's store in release mode: ingest of deterministic spans in batches of 512 (as an OTLP exporter
// sends them), then the latency of the searches the Jaeger API and the UI run, over everything ingested.
//
// Usage: viewer-storage-bench [spans (default 1000000)] [database path (default /tmp/viewer-storage-bench.sqlite)]

import Foundation
import Telemetry
import ViewerStorageCore

#if canImport(Glibc)
import Glibc
#endif

/// SplitMix64: deterministic, so every run stores the same data.
struct Random {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

let arguments = CommandLine.arguments
let spanCount = arguments.count > 1 ? Int(arguments[1]) ?? 1_000_000 : 1_000_000
let path = arguments.count > 2 ? arguments[2] : "/tmp/viewer-storage-bench.sqlite"
let batchSize = 512
let spansPerTrace = 8
let services = ["frontend", "orders", "payments", "inventory", "shipping"]
let operationsPerService = 10
let windowNanoseconds: UInt64 = 2 * 3600 * 1_000_000_000
let end: UInt64 = 1_764_000_000 * 1_000_000_000
let start = end - windowNanoseconds
let resources = services.map { service in
    ReceivedResource(attributes: [
        KeyValue("service.name", .string(service)),
        KeyValue("service.version", .string("1.4.2")),
        KeyValue("host.name", .string("host-\(service)")),
        KeyValue("telemetry.sdk.name", .string("opentelemetry")),
        KeyValue("telemetry.sdk.language", .string("swift")),
    ])
}
let scope = ReceivedScope(name: "io.opentelemetry.http", version: "1.0.0")
let methods = ["GET", "POST", "PUT", "DELETE"]

func operation(_ service: Int, _ index: Int) -> String { "\(methods[index % 4]) /api/\(services[service])/\(index)" }

/// Span `index` (0-based) of the data set: trace `index / 8`, 10 attributes, ~2% with status code 500 (errors),
/// ~1% longer than a second.
func makeSpan(_ index: Int) -> ReceivedSpan {
    var random = Random(state: UInt64(index) &* 0x2545_F491_4F6C_DD1D)
    let trace = index / spansPerTrace
    let position = index % spansPerTrace
    var traceRandom = Random(state: UInt64(trace) &+ 77)
    let rootService = traceRandom.below(services.count)
    let service = position == 0 ? rootService : (rootService + position) % services.count
    let operationIndex = random.below(operationsPerService)
    let roll = random.below(1000)
    let status = roll < 20 ? 500 : (roll < 50 ? 404 : 200)
    let slow = random.below(100) == 0
    let duration: UInt64 = slow
        ? 1_000_000_000 + UInt64(random.below(2_000_000_000))
        : UInt64(200_000 + Int(random.unit() * random.unit() * 300_000_000))
    let traceStart = start + UInt64(trace) * (windowNanoseconds / UInt64(max(1, spanCount / spansPerTrace)))
    let kinds: [ReceivedSpan.Kind] = [.server, .client, .server, .internal, .client, .server, .internal, .producer]
    return ReceivedSpan(
        resource: resources[service],
        scope: scope,
        traceID: TraceID(high: 0x5EED_0000_0000_0000 | UInt64(trace >> 20), low: UInt64(trace) &* 0x9E37_79B9_7F4A_7C15 | 1),
        spanID: SpanID(UInt64(index + 1)),
        parentSpanID: position == 0 ? .invalid : SpanID(UInt64(index - position + 1)),
        flags: 1,
        name: operation(service, operationIndex),
        kind: kinds[position],
        startTimeUnixNano: traceStart + UInt64(position) * 1_000,
        endTimeUnixNano: traceStart + UInt64(position) * 1_000 + duration,
        attributes: [
            KeyValue("http.request.method", .string(methods[operationIndex % 4])),
            KeyValue("http.route", .string("/api/\(services[service])/\(operationIndex)")),
            KeyValue("http.status_code", .int(Int64(status))),
            KeyValue("url.path", .string("/api/\(services[service])/\(operationIndex)/\(random.below(100_000))")),
            KeyValue("server.address", .string("\(services[service]).internal")),
            KeyValue("server.port", .int(8080)),
            KeyValue("user.id", .string("user-\(random.below(10_000))")),
            KeyValue("http.request.body.size", .int(Int64(random.below(65_536)))),
            KeyValue("thread.name", .string("worker-\(random.below(16))")),
            KeyValue("cache.hit", .bool(random.below(2) == 0)),
        ],
        statusCode: status == 500 ? .error : .unset
    )
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

func peakResidentMegabytes() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
let store = try TelemetryStore(path: path, configuration: StoreConfiguration(maximumAge: nil, maximumSizeBytes: nil))

// Generating spans costs as much as decoding them would; measure it alone first so it can be told apart.
let generationClock = ContinuousClock()
let generationSample = min(spanCount, 100_000)
let generationStart = generationClock.now
var checksum = 0
for index in 0..<generationSample { checksum &+= makeSpan(index).attributes.count }
let generationSeconds = seconds(generationClock.now - generationStart) * Double(spanCount) / Double(generationSample)

let batchCount = (spanCount + batchSize - 1) / batchSize
let producers = 2
let clock = ContinuousClock()
let cpuBefore = cpuSeconds()
let ingestStart = clock.now
let retries = try await withThrowingTaskGroup(of: Int.self) { group in
    for producer in 0..<producers {
        group.addTask {
            var retries = 0
            var batch = producer
            while batch < batchCount {
                let spans = (batch * batchSize..<min(spanCount, (batch + 1) * batchSize)).map(makeSpan)
                while true {
                    do {
                        try await store.submit(ReceivedBatch(spans: spans))
                        break
                    } catch IngestError.overloaded {
                        retries += 1
                        await store.flush()
                    }
                }
                batch += producers
            }
            return retries
        }
    }
    var total = 0
    for try await retries in group { total += retries }
    return total
}
let acknowledged = clock.now
await store.flush()
let ingestSeconds = seconds(clock.now - ingestStart)
let ingestCPU = cpuSeconds() - cpuBefore
let size = try await store.databaseSize()
let statistics = store.statistics
print("ingest: \(spanCount) spans in \(batchCount) batches of \(batchSize) from \(producers) producers")
print(String(format: "  wall %.2f s (acknowledged after %.2f s) -> %.0f spans/s", ingestSeconds, seconds(acknowledged - ingestStart), Double(spanCount) / ingestSeconds))
print(String(format: "  generating the spans alone: ~%.2f s of one core (included above)", generationSeconds))
print(String(format: "  CPU %.2f s (%.0f%% of one core), peak RSS %.0f MB", ingestCPU, 100 * ingestCPU / ingestSeconds, peakResidentMegabytes()))
print("  overloaded answers (retried after flush): \(retries); written \(statistics.written); database \(size / 1_048_576) MiB; checksum \(checksum)")

func measure(_ name: String, iterations: Int = 50, _ body: (Int) async throws -> Int) async throws {
    var latencies: [Double] = []
    var results = 0
    for iteration in 0..<iterations {
        let began = clock.now
        results += try await body(iteration)
        latencies.append(seconds(clock.now - began) * 1000)
    }
    latencies.sort()
    let p50 = latencies[latencies.count / 2]
    let p95 = latencies[min(latencies.count - 1, Int((0.95 * Double(latencies.count)).rounded(.up)) - 1)]
    print(
        String(
            format: "  %@ p50 %.1f ms, p95 %.1f ms, max %.1f ms (%.1f results per query)",
            name.padding(toLength: 44, withPad: " ", startingAt: 0),
            p50,
            p95,
            latencies.last ?? 0,
            Double(results) / Double(iterations)
        )
    )
}

let lastHour = (minimum: end - 3600 * 1_000_000_000, maximum: end)
print("search over \(spanCount) spans (limit 20 traces; whole range unless 'last hour'):")
try await measure("service") { i in
    try await store.searchTraces(TraceQuery(service: services[i % 5])).count
}
try await measure("service, last hour") { i in
    try await store.searchTraces(
        TraceQuery(service: services[i % 5], startTimeMinimumUnixNano: lastHour.minimum, startTimeMaximumUnixNano: lastHour.maximum)
    ).count
}
try await measure("service + operation") { i in
    try await store.searchTraces(TraceQuery(service: services[i % 5], operation: operation(i % 5, i % operationsPerService))).count
}
try await measure("service + http.status_code=500") { i in
    try await store.searchTraces(TraceQuery(service: services[i % 5], tags: ["http.status_code": "500"])).count
}
try await measure("http.status_code=500 (no service)") { _ in
    try await store.searchTraces(TraceQuery(tags: ["http.status_code": "500"])).count
}
try await measure("service + error=true") { i in
    try await store.searchTraces(TraceQuery(service: services[i % 5], tags: ["error": "true"])).count
}
try await measure("service + min duration 1s") { i in
    try await store.searchTraces(TraceQuery(service: services[i % 5], minimumDurationNanoseconds: 1_000_000_000)).count
}
try await measure("service + op + status 500 + min 1s, last hour") { i in
    try await store.searchTraces(
        TraceQuery(
            service: services[i % 5],
            operation: operation(i % 5, i % operationsPerService),
            tags: ["http.status_code": "500"],
            minimumDurationNanoseconds: 1_000_000_000,
            startTimeMinimumUnixNano: lastHour.minimum,
            startTimeMaximumUnixNano: lastHour.maximum
        )
    ).count
}
try await measure("trace by id", iterations: 200) { i in
    var random = Random(state: UInt64(i))
    let trace = random.below(max(1, spanCount / spansPerTrace))
    let id = TraceID(high: 0x5EED_0000_0000_0000 | UInt64(trace >> 20), low: UInt64(trace) &* 0x9E37_79B9_7F4A_7C15 | 1)
    return try await store.trace(id: id)?.spans.count ?? 0
}
print("worst cases (nothing matches, so every span of the service in the range is examined):")
try await measure("service + tag matching nothing", iterations: 10) { i in
    try await store.searchTraces(TraceQuery(service: services[i % 5], tags: ["http.status_code": "418"])).count
}
try await measure("service + tag matching nothing, last hour", iterations: 10) { i in
    try await store.searchTraces(
        TraceQuery(
            service: services[i % 5],
            tags: ["http.status_code": "418"],
            startTimeMinimumUnixNano: lastHour.minimum,
            startTimeMaximumUnixNano: lastHour.maximum
        )
    ).count
}
print("overview:")
try await measure("services overview, last hour", iterations: 10) { _ in
    try await store.serviceSummaries(startUnixNano: lastHour.minimum, endUnixNano: lastHour.maximum).count
}
try await measure("services overview, last 5 minutes", iterations: 10) { _ in
    try await store.serviceSummaries(startUnixNano: end - 300 * 1_000_000_000, endUnixNano: end).count
}
await store.close()
print(String(format: "total CPU %.1f s, peak RSS %.0f MB", cpuSeconds(), peakResidentMegabytes()))

// Retention: reopen with a 90-minute age limit, which removes the oldest quarter of the two hours stored, then
// with a size limit of half the remaining file.
let retentionClock = ContinuousClock()
let aged = try TelemetryStore(path: path, configuration: StoreConfiguration(maximumAge: .seconds(90 * 60), maximumSizeBytes: nil))
let sizeBefore = try await aged.databaseSize()
var began = retentionClock.now
let deletedByAge = try await aged.enforceRetention(now: end)
let sizeAfterAge = try await aged.databaseSize()
print(
    String(
        format: "retention by age: deleted %d spans in %.2f s; database %d -> %d MiB",
        deletedByAge,
        seconds(retentionClock.now - began),
        sizeBefore / 1_048_576,
        sizeAfterAge / 1_048_576
    )
)
await aged.close()
let sized = try TelemetryStore(path: path, configuration: StoreConfiguration(maximumAge: nil, maximumSizeBytes: sizeAfterAge / 2))
began = retentionClock.now
let deletedBySize = try await sized.enforceRetention(now: end)
let sizeAfterSize = try await sized.databaseSize()
print(
    String(
        format: "retention by size (limit %d MiB): deleted %d spans in %.2f s; database %d MiB",
        sizeAfterAge / 2 / 1_048_576,
        deletedBySize,
        seconds(retentionClock.now - began),
        sizeAfterSize / 1_048_576
    )
)
await sized.close()
