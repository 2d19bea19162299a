import BenchmarkSink
import BenchmarkSupport
import Foundation
import Hummingbird
import Logging
import OTel
import ServiceLifecycle
import Telemetry
import TelemetryHummingbird
import TelemetryOTLP

// A Hummingbird "hello" server on 127.0.0.1, for ../compare-http to load with wrk:
//
//     HTTPServerOverhead <none|telemetry|swift-otel|telemetry-traces|telemetry-metrics|telemetry-discard|body-wrap> [port]
//     HTTPServerOverhead sink [port]
//
// - none:       no middleware at all.
// - telemetry:  `TelemetrySystem.bootstrap(.otlp(…))` and our `TelemetryMiddleware(meterProvider:)`, as the README
//               says: a server span per request and the HTTP server metrics.
// - swift-otel: `OTel.bootstrap` (swift-otel 1.6.0) and Hummingbird's own `TracingMiddleware` and
//               `MetricsMiddleware`, which is how a swift-otel user instruments Hummingbird.
//
// Both SDKs sample every request (the default `parentbased_always_on`: wrk sends no traceparent), keep their default
// batch settings, and export traces and metrics over OTLP/HTTP protobuf to the benchmark sink, which runs in this
// process on another port in every mode (idle in `none`), or, when the environment names one in `SINK_URL`, in another
// process (`sink` mode), as a collector would be: then the server's CPU time is the SDK's alone, without what receiving
// its exports costs. Both export metrics every second instead of every 60 s, so that collecting and exporting them
// happens during a 10 s load.
//
// It prints `listening port=…` once it serves, and on SIGTERM or SIGINT it shuts down gracefully (which flushes each
// SDK) and prints `result mode=… sink_requests=… sink_items=…`: the export requests the sink received and the spans
// and metrics in them.

enum Mode: String {
    case none
    case telemetry
    case swiftOTel = "swift-otel"
    // Diagnostic breakdowns of `telemetry`, not run by default (MODES="…" ./compare-http):
    /// Our spans only: the middleware without a meter provider.
    case telemetryTraces = "telemetry-traces"
    /// Our metrics only: the SDK is not installed in `InstrumentationSystem`, so the middleware's tracer is
    /// swift-distributed-tracing's `NoOpTracer`.
    case telemetryMetrics = "telemetry-metrics"
    /// Spans and metrics, with spans batched into an exporter that discards them: no OTLP encoding or sending.
    case telemetryDiscard = "telemetry-discard"
    /// No telemetry, but a middleware that wraps the response body in a closure, as both SDKs' middleware do to end
    /// the span once the body is written. Hummingbird writes a `ByteBuffer` body with its head in one batched write,
    /// and a closure-backed body as three writes (head, body, end).
    case bodyWrap = "body-wrap"
    /// Only the benchmark sink, for the servers' `SINK_URL`: it prints `sink_result sink_requests=… sink_items=…`
    /// on SIGTERM.
    case sink
}

/// Wraps the response body in a closure that writes it, and does nothing else.
struct BodyWrapMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        let body = response.body
        response.body = ResponseBody(contentLength: body.contentLength) { writer in try await body.write(writer) }
        return response
    }
}

let arguments = CommandLine.arguments
guard (2...3).contains(arguments.count), let mode = Mode(rawValue: arguments[1]),
    let port = arguments.count == 3 ? Int(arguments[2]) : 8080
else {
    print("usage: HTTPServerOverhead <none|telemetry|swift-otel|telemetry-traces|telemetry-metrics|telemetry-discard|body-wrap|sink> [port]")
    exit(64)
}

if mode == .sink { try await ServerOverhead.runSink(port: port) }

var logger = Logger(label: "HTTPServerOverhead")
logger.logLevel = .warning

let sink = Sink()
let sinkPort = try await sink.start(.http)
let sinkURL = ProcessInfo.processInfo.environment["SINK_URL"] ?? "http://127.0.0.1:\(sinkPort)"

let router = Router()
var services: [any Service] = []

switch mode {
case .none, .sink:
    break
case .bodyWrap:
    router.add(middleware: BodyWrapMiddleware())
case .telemetry, .telemetryTraces, .telemetryMetrics, .telemetryDiscard:
    var configuration = ServerOverhead.telemetryConfiguration(sinkURL: sinkURL)
    if mode == .telemetryDiscard {
        configuration.traces.exporters = [DiscardingSpanExporter()]
    }
    let telemetry =
        mode == .telemetryMetrics
        ? try TelemetrySystem.makeService(configuration, environment: [:])
        : try TelemetrySystem.bootstrap(configuration, environment: [:])
    services.append(telemetry)
    router.add(middleware: TelemetryMiddleware(meterProvider: mode == .telemetryTraces ? nil : telemetry.meterProvider))
case .swiftOTel:
    let service = try OTel.bootstrap(
        configuration: ServerOverhead.swiftOTelConfiguration(sinkURL: sinkURL), environment: [:])
    services.append(service)
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: TracingMiddleware())
}

router.get("hello") { _, _ in "Hello, world!" }

let app = Application(
    router: router,
    configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "HTTPServerOverhead"),
    onServerRunning: { _ in
        print("listening port=\(port) mode=\(mode.rawValue)")
        fflush(nil)
    },
    logger: logger
)
// The application last: a service group shuts its services down in reverse order, so the server stops serving before
// the SDKs flush.
let group = ServiceGroup(
    configuration: .init(
        services: (services + [app]).map { .init(service: $0) },
        gracefulShutdownSignals: [.sigterm, .sigint],
        logger: logger
    )
)
try await group.run()
// The server's own CPU time (every thread, the in-process sink's included), which, per request served, varies far less
// between runs than throughput does when wrk shares the cores.
let cpuSeconds = ServerOverhead.processCPUSeconds()
print("result mode=\(mode.rawValue) sink_requests=\(sink.requestCount) sink_items=\(sink.items) cpu_seconds=\(cpuSeconds)")
exit(0)
