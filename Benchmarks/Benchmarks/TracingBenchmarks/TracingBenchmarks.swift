import Benchmark
import BenchmarkSupport
import OTLPSwiftProtobuf
import OTel
import ServiceLifecycle
import Telemetry
import TelemetryOTLP
import Tracing
import W3CTraceContext

// Each comparable benchmark exists twice, "telemetry:" (ours) and "swift-otel:", doing the same work through
// swift-distributed-tracing's API on a tracer whose background service runs, as in production.
// ./compare pairs them up and prints the ratios.

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .instructions, .mallocCountTotal, .throughput],
        timeUnits: .nanoseconds,
        warmupIterations: 1_000,
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 1_000_000
    )

    // The span benchmarks also run on swift-distributed-tracing's NoOpTracer: what `withSpan` and `span.attributes`
    // cost with no SDK at all, the floor under both SDKs' figures.
    let spanSides = Side.allCases.map { ($0.rawValue, $0.tracers) } + [("NoOpTracer", Tracers.noop)]

    for (name, tracers) in spanSides {
        Benchmark("\(name): sampled span, no attributes") { benchmark in
            for _ in benchmark.scaledIterations {
                tracers.sampled.withSpan("GET /orders") { span in blackHole(span) }
            }
        }
    }

    for (name, tracers) in spanSides {
        Benchmark("\(name): sampled span, 3 attributes") { benchmark in
            for _ in benchmark.scaledIterations {
                tracers.sampled.withSpan("GET /orders") { span in
                    span.attributes["http.response.status_code"] = 200
                    span.attributes["http.request.method"] = "GET"
                    span.attributes["cache.hit"] = true
                }
            }
        }
    }

    for (name, tracers) in spanSides {
        Benchmark("\(name): sampled span, 3 attributes and an event") { benchmark in
            for _ in benchmark.scaledIterations {
                tracers.sampled.withSpan("GET /orders") { span in
                    span.attributes["http.response.status_code"] = 200
                    span.attributes["http.request.method"] = "GET"
                    span.attributes["cache.hit"] = true
                    span.addEvent("cache.miss")
                }
            }
        }
    }

    for (name, tracers) in spanSides {
        Benchmark("\(name): parent with 3 children") { benchmark in
            for _ in benchmark.scaledIterations {
                tracers.sampled.withSpan("parent") { _ in
                    tracers.sampled.withSpan("child 1") { span in blackHole(span) }
                    tracers.sampled.withSpan("child 2") { span in blackHole(span) }
                    tracers.sampled.withSpan("child 3") { span in blackHole(span) }
                }
            }
        }
    }

    for (name, tracers) in spanSides {
        Benchmark("\(name): unsampled span, AlwaysOff") { benchmark in
            for _ in benchmark.scaledIterations {
                tracers.alwaysOff.withSpan("GET /orders") { span in blackHole(span) }
            }
        }
    }

    for (name, tracers) in spanSides {
        Benchmark("\(name): unsampled span, ParentBased under an unsampled parent") { benchmark in
            let parent = tracers.parentBasedOff.startSpan("parent")
            defer { parent.end() }
            ServiceContext.withValue(parent.context) {
                for _ in benchmark.scaledIterations {
                    tracers.parentBasedOff.withSpan("child") { span in blackHole(span) }
                }
            }
        }
    }

    for side in Side.allCases {
        let tracers = side.tracers
        Benchmark("\(side.rawValue): inject traceparent and tracestate") { benchmark in
            let span = tracers.sampled.startSpan("client")
            defer { span.end() }
            let context = span.context
            for _ in benchmark.scaledIterations {
                var headers: [String: String] = [:]
                tracers.sampled.inject(context, into: &headers, using: DictionaryInjector())
                blackHole(headers)
            }
        }
    }

    for side in Side.allCases {
        let tracers = side.tracers
        Benchmark("\(side.rawValue): extract traceparent and tracestate") { benchmark in
            for _ in benchmark.scaledIterations {
                var context = ServiceContext.topLevel
                tracers.sampled.extract(sampleHeaders, into: &context, using: DictionaryExtractor())
                blackHole(context)
            }
        }
    }

    Benchmark("w3c-trace-context: extract traceparent and tracestate") { benchmark in
        for _ in benchmark.scaledIterations {
            let context = try? TraceContext(
                traceParentHeaderValue: sampleHeaders["traceparent"]!,
                traceStateHeaderValue: sampleHeaders["tracestate"]
            )
            blackHole(context)
        }
    }

    Benchmark("w3c-trace-context: inject traceparent and tracestate") { benchmark in
        let context = try! TraceContext(
            traceParentHeaderValue: sampleHeaders["traceparent"]!,
            traceStateHeaderValue: sampleHeaders["tracestate"]
        )
        for _ in benchmark.scaledIterations {
            var headers: [String: String] = [:]
            headers["traceparent"] = context.traceParentHeaderValue
            headers["tracestate"] = context.traceStateHeaderValue
            blackHole(headers)
        }
    }

    Benchmark(
        "telemetry: OTLP protobuf encoding of 512 spans",
        configuration: .init(metrics: [.wallClock, .instructions, .mallocCountTotal, .throughput], scalingFactor: .one)
    ) { benchmark in
        let batch = realisticBatch
        var bytes = 0
        for _ in benchmark.scaledIterations {
            let encoded = OTLPTraceEncoder.protobuf(batch)
            bytes += encoded.count
            blackHole(encoded)
        }
        blackHole(bytes)
    }

    Benchmark(
        "swift-protobuf: OTLP protobuf encoding of 512 spans",
        configuration: .init(metrics: [.wallClock, .instructions, .mallocCountTotal, .throughput], scalingFactor: .one)
    ) { benchmark in
        // The same request through SwiftProtobuf's generated messages; the bytes are identical to ours.
        let batch = realisticBatch
        for _ in benchmark.scaledIterations {
            blackHole(try? SwiftProtobufTraceEncoder.encode(batch))
        }
    }

    Benchmark(
        "telemetry: OTLP JSON encoding of 512 spans",
        configuration: .init(metrics: [.wallClock, .instructions, .mallocCountTotal, .throughput], scalingFactor: .one)
    ) { benchmark in
        let batch = realisticBatch
        for _ in benchmark.scaledIterations {
            blackHole(OTLPTraceEncoder.json(batch))
        }
    }
}
