import BenchmarkSink
import BenchmarkSupport
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import Metrics
import OTel
import ServiceLifecycle
import Synchronization
import Telemetry
import TelemetryGRPC
import TelemetryOTLP
import Tracing

// The overhead of gRPC server telemetry on unary calls, for ../compare-grpc:
//
//     GRPCServerOverhead <none|telemetry|swift-otel> [port]    a server with one unary method, bench.Echo/Get
//     GRPCServerOverhead load <port> <seconds> <concurrency>    calls it from `concurrency` tasks for `seconds`
//     GRPCServerOverhead sink [port]                           the benchmark sink alone, for the servers' SINK_URL
//
// - none:       no interceptor.
// - telemetry:  `TelemetrySystem.bootstrap(.otlp(…))` and our `TelemetryServerInterceptor(meterProvider:)`, as the
//               README says: a server span per call and `rpc.server.call.duration`.
// - swift-otel: `OTel.bootstrap` (swift-otel 1.6.0) and ``DistributedTracingServerInterceptor`` below: swift-otel
//               has no gRPC integration of its own (grpc-swift-extras, which has one, is not available here), so this
//               is what a swift-otel user writes with swift-distributed-tracing and swift-metrics: extract, a server
//               span with the RPC attributes, and a duration timer.
//
// Both SDKs sample every call and export traces and metrics over OTLP/HTTP protobuf to the sink named by `SINK_URL`
// (or one inside this process), metrics every second. The server prints `listening port=…`, and on SIGTERM shuts down
// gracefully (flushing each SDK) and prints `result mode=… cpu_seconds=…`. The load generator prints its figures in
// wrk's words (`Requests/sec:`, `N requests in`, latency percentiles), so that ../summarize-http.py reads them.

enum Mode: String {
    case none
    case telemetry
    case swiftOTel = "swift-otel"
    case load
    case sink
}

/// `bench.Echo/Get`: answers each request with its own bytes.
struct EchoService: RegistrableRPCService {
    static let get = MethodDescriptor(fullyQualifiedService: "bench.Echo", method: "Get", type: .unary)

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        router.registerHandler(forMethod: Self.get, deserializer: BytesCoder(), serializer: BytesCoder()) { request, _ in
            let single = try await ServerRequest(stream: request)
            return StreamingServerResponse(single: ServerResponse(message: single.message))
        }
    }
}

struct BytesCoder: MessageSerializer, MessageDeserializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes { Bytes(message) }
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> [UInt8] {
        serializedMessageBytes.withUnsafeBytes { Array($0) }
    }
}

/// A server span per call through swift-distributed-tracing, with the RPC conventions' attributes, and the call's
/// duration through swift-metrics.
struct DistributedTracingServerInterceptor: ServerInterceptor {
    struct MetadataExtractor: Extractor {
        func extract(key: String, from carrier: Metadata) -> String? {
            carrier[stringValues: key].first { _ in true }
        }
    }

    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        let start = ContinuousClock.now
        var serviceContext = ServiceContext.current ?? .topLevel
        InstrumentationSystem.instrument.extract(request.metadata, into: &serviceContext, using: MetadataExtractor())
        let service = context.descriptor.service.fullyQualifiedService
        let method = context.descriptor.method
        let span = InstrumentationSystem.tracer.startSpan("\(service)/\(method)", context: serviceContext, ofKind: .server)
        span.attributes["rpc.system"] = "grpc"
        span.attributes["rpc.service"] = service
        span.attributes["rpc.method"] = method
        do {
            let response = try await ServiceContext.withValue(span.context) { try await next(request, context) }
            span.attributes["rpc.grpc.status_code"] = 0
            span.end()
            let elapsed = ContinuousClock.now - start
            Metrics.Timer(label: "rpc.server.call.duration", dimensions: [("rpc.service", service), ("rpc.method", method)])
                .recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
            return response
        } catch {
            span.recordError(error)
            span.setStatus(SpanStatus(code: .error))
            span.end()
            throw error
        }
    }
}

let arguments = CommandLine.arguments
guard arguments.count >= 2, let mode = Mode(rawValue: arguments[1]) else {
    print("usage: GRPCServerOverhead <none|telemetry|swift-otel|sink> [port] | load <port> <seconds> <concurrency>")
    exit(64)
}

switch mode {
case .load:
    guard arguments.count == 5, let port = Int(arguments[2]), let seconds = Double(arguments[3]),
        let concurrency = Int(arguments[4])
    else {
        print("usage: GRPCServerOverhead load <port> <seconds> <concurrency>")
        exit(64)
    }
    try await runLoad(port: port, seconds: seconds, concurrency: concurrency)
    exit(0)
case .sink:
    try await ServerOverhead.runSink(port: arguments.count >= 3 ? Int(arguments[2]) ?? 0 : 0)
case .none, .telemetry, .swiftOTel:
    try await runServer(mode: mode, port: arguments.count >= 3 ? Int(arguments[2]) ?? 50051 : 50051)
}

func runServer(mode: Mode, port: Int) async throws {
    var logger = Logger(label: "GRPCServerOverhead")
    logger.logLevel = .warning
    let sink = Sink()
    let sinkPort = try await sink.start(.http)
    let sinkURL = ProcessInfo.processInfo.environment["SINK_URL"] ?? "http://127.0.0.1:\(sinkPort)"
    var services: [any Service] = []
    var interceptors: [any ServerInterceptor] = []
    switch mode {
    case .telemetry:
        let telemetry = try TelemetrySystem.bootstrap(
            ServerOverhead.telemetryConfiguration(sinkURL: sinkURL), environment: [:])
        services.append(telemetry)
        interceptors.append(TelemetryServerInterceptor(meterProvider: telemetry.meterProvider))
    case .swiftOTel:
        services.append(
            try OTel.bootstrap(configuration: ServerOverhead.swiftOTelConfiguration(sinkURL: sinkURL), environment: [:]))
        interceptors.append(DistributedTracingServerInterceptor())
    case .none, .load, .sink:
        break
    }
    let transport = HTTP2ServerTransport.Posix(
        address: .ipv4(host: "127.0.0.1", port: port), transportSecurity: .plaintext, config: .defaults)
    let server = GRPCServer(transport: transport, services: [EchoService()], interceptors: interceptors)
    let announce = Task {
        if let address = try await transport.listeningAddress.ipv4 {
            print("listening port=\(address.port) mode=\(mode.rawValue)")
            fflush(nil)
        }
    }
    // The server last: a service group shuts its services down in reverse order, so calls stop before the SDKs flush.
    let group = ServiceGroup(
        configuration: .init(
            services: (services + [GRPCServerService(server: server)]).map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
    )
    try await group.run()
    announce.cancel()
    let cpuSeconds = ServerOverhead.processCPUSeconds()
    print("result mode=\(mode.rawValue) sink_requests=\(sink.requestCount) sink_items=\(sink.items) cpu_seconds=\(cpuSeconds)")
}

/// Runs a gRPC server as a service: serves until the group shuts down, then drains the calls under way.
struct GRPCServerService: Service {
    let server: GRPCServer<HTTP2ServerTransport.Posix>

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await server.serve()
        } onGracefulShutdown: {
            server.beginGracefulShutdown()
        }
    }
}

/// Calls bench.Echo/Get from `concurrency` tasks over one connection for `seconds`, then prints the rate and the
/// latency percentiles in wrk's format.
func runLoad(port: Int, seconds: Double, concurrency: Int) async throws {
    let transport = try HTTP2ClientTransport.Posix(
        target: .dns(host: "127.0.0.1", port: port), transportSecurity: .plaintext, config: .defaults)
    let client = GRPCClient(transport: transport)
    let payload = [UInt8](repeating: 0x61, count: 16)
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: .milliseconds(Int(seconds * 1000)))
    let started = clock.now
    let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
        group.addTask {
            try await client.runConnections()
            return []
        }
        var callers: [Task<[Duration], any Error>] = []
        for _ in 0..<concurrency {
            callers.append(Task {
                var own: [Duration] = []
                while clock.now < deadline {
                    let start = clock.now
                    _ = try await client.unary(
                        request: ClientRequest(message: payload), descriptor: EchoService.get,
                        serializer: BytesCoder(), deserializer: BytesCoder(), options: .defaults
                    ) { try $0.message }
                    own.append(start.duration(to: clock.now))
                }
                return own
            })
        }
        var all: [Duration] = []
        for caller in callers { all += try await caller.value }
        client.beginGracefulShutdown()
        try await group.waitForAll()
        return all
    }
    let elapsed = started.duration(to: clock.now)
    let elapsedSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let sorted = latencies.sorted()
    func milliseconds(_ quantile: Double) -> String {
        guard !sorted.isEmpty else { return "0.00ms" }
        let value = sorted[min(sorted.count - 1, Int(Double(sorted.count) * quantile))]
        let ms = Double(value.components.seconds) * 1000 + Double(value.components.attoseconds) / 1e15
        return String(format: "%.2fms", ms)
    }
    print("  \(latencies.count) requests in \(String(format: "%.2f", elapsedSeconds))s")
    print("     50%    \(milliseconds(0.50))")
    print("     99%    \(milliseconds(0.99))")
    print("Requests/sec: \(String(format: "%.2f", Double(latencies.count) / elapsedSeconds))")
}
