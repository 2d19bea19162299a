// The CPU cost of TelemetryMiddleware per request, without a network: the middleware's `handle` called in a loop on
// one task, with a request and context built as Hummingbird builds them, and the response body written to a writer
// that discards it. The SDK is set up as in HTTPServerOverhead (spans and metrics exported over OTLP/HTTP to the
// in-process sink), so the figure includes what the SDK's background work costs per request.
//
//     MiddlewareCost <none|telemetry|telemetry-traces|telemetry-metrics> [requests]
//
// Prints `result mode=… ns_per_request=… cpu_ns_per_request=…`; cpu is the process's CPU time (every thread).
import BenchmarkSink
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Telemetry
import TelemetryHummingbird
import TelemetryOTLP

struct BenchSource: RequestContextSource {
    var logger: Logger
}

struct Context: RequestContext {
    typealias Source = BenchSource
    var coreContext: CoreRequestContextStorage
    init(source: BenchSource) { coreContext = .init(source: source) }
}

struct DiscardingWriter: ResponseBodyWriter {
    mutating func write(_ buffer: ByteBuffer) async throws {}
    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

let arguments = CommandLine.arguments
guard (2...3).contains(arguments.count), ["none", "telemetry", "telemetry-traces", "telemetry-metrics"].contains(arguments[1])
else {
    print("usage: MiddlewareCost <none|telemetry|telemetry-traces|telemetry-metrics> [requests]")
    exit(64)
}
let mode = arguments[1]
let requests = arguments.count == 3 ? Int(arguments[2]) ?? 200_000 : 200_000

var logger = Logger(label: "MiddlewareCost")
logger.logLevel = .warning
let sink = Sink()
let sinkPort = try await sink.start(.http)

func setUp() throws -> (TelemetryMiddleware<Context>?, (any Service)?) {
    guard mode != "none" else { return (nil, nil) }
    var otlp = OTLPExporterConfiguration()
    otlp.protocol = .httpProtobuf
    otlp.baseEndpoint = "http://127.0.0.1:\(sinkPort)"
    var configuration = TelemetryConfiguration.otlp(otlp)
    configuration.serviceName = "benchmark"
    configuration.logLevel = .error
    configuration.metrics.periodicReader = .init(interval: .seconds(1))
    let telemetry =
        mode == "telemetry-metrics"
        ? try TelemetrySystem.makeService(configuration, environment: [:])
        : try TelemetrySystem.bootstrap(configuration, environment: [:])
    return (TelemetryMiddleware(meterProvider: mode == "telemetry-traces" ? nil : telemetry.meterProvider), telemetry)
}
let (middleware, service) = try setUp()

let hello = ByteBuffer(string: "Hello, world!")
let head = HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1:8080", path: "/hello")
let source = BenchSource(logger: logger)

@inline(never)
func serve() async throws {
    let request = Request(head: head, body: RequestBody(buffer: ByteBuffer()))
    let context = Context(source: source)
    context.coreContext.endpointPath.value = "/hello"
    let route: @Sendable (Request, Context) async throws -> Response = { _, _ in
        Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: ResponseBody(byteBuffer: hello))
    }
    let response =
        if let middleware {
            try await middleware.handle(request, context: context, next: route)
        } else {
            try await route(request, context)
        }
    try await response.body.write(DiscardingWriter())
}

func cpuNanoseconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return (Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e6
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec)) * 1e3
}

let group = service.map {
    ServiceGroup(configuration: .init(services: [$0], gracefulShutdownSignals: [], logger: logger))
}
let running = Task { try await group?.run() }
// Off the main actor, where top-level code runs: each call into the nonisolated middleware would hop threads.
let (elapsed, cpu) = try await Task.detached {
    for _ in 0..<(requests / 10) { try await serve() }
    let clock = ContinuousClock()
    let cpuStart = cpuNanoseconds()
    let elapsed = try await clock.measure {
        for _ in 0..<requests { try await serve() }
    }
    return (elapsed, cpuNanoseconds() - cpuStart)
}.value
await group?.triggerGracefulShutdown()
try await running.value
let wall = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
print(
    "result mode=\(mode) ns_per_request=\(Int(wall / Double(requests))) cpu_ns_per_request=\(Int(cpu / Double(requests)))"
        + " sink_items=\(sink.items)")
