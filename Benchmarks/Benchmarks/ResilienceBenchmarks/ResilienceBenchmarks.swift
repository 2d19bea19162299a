import Benchmark
import Telemetry
import TelemetryResilience
import Tracing

// The per-call overhead of each resilience pattern on its fast path, against the bare call it wraps:
// - retry whose first attempt succeeds (two spans: the call's and the attempt's);
// - circuit breaker, closed (one span, two lock round trips);
// - worker pool, submit and await (one span, a queue hand-off and two child tasks).
// Each runs twice: on swift-distributed-tracing's NoOpTracer (the pattern's own cost) and on this SDK's tracer with
// every span sampled and a metrics reader attached (what a service pays), where the span cost is included.
// The operation is an async function that returns a number; it is not inlined into the loop.

@inline(never)
func operation(_ value: Int) async throws -> Int {
    value &+ 1
}

struct Pipeline {
    let name: String
    let tracer: any Tracer
    let meter: Meter?

    static let all = [
        Pipeline(name: "resilience (NoOpTracer)", tracer: NoOpTracer(), meter: nil),
        Pipeline(
            name: "resilience (telemetry, sampled)",
            tracer: TracerProvider(resource: Resource(attributes: ["service.name": "bench"]), sampler: AlwaysOnSampler()),
            meter: MeterProvider(resource: Resource(attributes: ["service.name": "bench"]), readers: [ManualMetricReader()])
                .meter(name: "bench")),
    ]
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .instructions, .mallocCountTotal, .throughput],
        timeUnits: .nanoseconds,
        warmupIterations: 1_000,
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 1_000_000
    )

    Benchmark("resilience: bare call") { benchmark in
        var total = 0
        for index in benchmark.scaledIterations {
            total &+= try await operation(index)
        }
        blackHole(total)
    }

    for pipeline in Pipeline.all {
        Benchmark("\(pipeline.name): retry, success on the first attempt") { benchmark in
            let retry = try Retry(
                "inventory.fetch",
                policy: RetryPolicy(backoff: .fixed([.milliseconds(100), .milliseconds(500), .seconds(1)])),
                tracer: pipeline.tracer, meter: pipeline.meter)
            var total = 0
            for index in benchmark.scaledIterations {
                total &+= try await retry.run { _ in try await operation(index) }
            }
            blackHole(total)
        }

        Benchmark("\(pipeline.name): circuit breaker, closed") { benchmark in
            let breaker = try CircuitBreaker(name: "payments", tracer: pipeline.tracer, meter: pipeline.meter)
            var total = 0
            for index in benchmark.scaledIterations {
                total &+= try await breaker.run { try await operation(index) }
            }
            blackHole(total)
        }

        Benchmark("\(pipeline.name): worker pool, submit and await") { benchmark in
            let pool = try WorkerPool(
                name: "bench", maxConcurrency: 4, queueLimit: 1_000, tracer: pipeline.tracer, meter: pipeline.meter)
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await pool.run() }
                var total = 0
                for index in benchmark.scaledIterations {
                    total &+= try await pool.submit { try await operation(index) }
                }
                blackHole(total)
                pool.shutdown()
            }
        }
    }
}
