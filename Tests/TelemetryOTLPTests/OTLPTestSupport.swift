import Foundation
import Logging
import Synchronization
import Telemetry
@testable import TelemetryOTLP
import Tracing

/// A provider whose batch processor exports through `exporter`, with its worker running.
struct Pipeline {
    let provider: TracerProvider
    let processor: BatchSpanProcessor
    let exporter: OTLPSpanExporter
    let worker: Task<Void, any Error>

    init(
        _ configuration: OTLPExporterConfiguration,
        resource: Resource = Resource(attributes: ["service.name": "otlp-test"]),
        limits: SpanLimits = SpanLimits(),
        batch: BatchSpanProcessor.Configuration = .init(scheduleDelay: .seconds(3600)),
        logger: Logger = TelemetryDiagnostics.logger,
        exporterClock: any TelemetryClock = SystemClock()
    ) throws {
        // The exporter's real transports, with the clock its retry waits and export timeout are measured by.
        let resolved = try OTLPResolvedConfiguration(configuration, environment: Environment([:], logger: logger))
        let transport: any OTLPTransport =
            resolved.protocol == .grpc
            ? try OTLPGRPCTransport(configuration: resolved, service: OTLPSpanExporter.traceService)
            : try OTLPHTTPTransport(configuration: resolved)
        exporter = OTLPSpanExporter(configuration: resolved, transport: transport, logger: logger, clock: exporterClock)
        processor = try BatchSpanProcessor(exporter: exporter, configuration: batch)
        provider = TracerProvider(resource: resource, processors: [processor], limits: limits)
        let processor = self.processor
        worker = Task { try await processor.run() }
    }

    /// Shuts the provider down, then stops the worker as `TelemetryService` does: by cancellation, which also
    /// skips the TLS close-notify wait of a graceful connection close.
    func shutdown() async throws {
        try await provider.shutdown()
        worker.cancel()
        try await worker.value
    }
}

/// The system clock, which tells a test when a task first goes to sleep on it: the signal that an export failed
/// and is waiting to retry, without polling.
final class SleepSignallingClock: TelemetryClock {
    private let system = SystemClock()
    private let state = Mutex<(sleeps: Int, waiters: [CheckedContinuation<Void, Never>])>((0, []))

    var now: ContinuousClock.Instant { system.now }

    func sleep(until deadline: ContinuousClock.Instant) async throws {
        state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.sleeps += 1
            defer { state.waiters.removeAll() }
            return state.waiters
        }.forEach { $0.resume() }
        try await system.sleep(until: deadline)
    }

    /// Returns once any task has gone to sleep on this clock.
    func waitForFirstSleep() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.sleeps > 0 { return true }
                state.waiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }
}

extension OTLPExporterConfiguration {
    static func receiver(_ receiver: OTLPReceiver, _ protocol: OTLPProtocol) -> OTLPExporterConfiguration {
        var configuration = OTLPExporterConfiguration()
        configuration.protocol = `protocol`
        switch `protocol` {
        case .grpc: configuration.endpoint = "http://127.0.0.1:\(receiver.grpcPort)"
        case .httpProtobuf, .httpJSON: configuration.endpoint = "http://127.0.0.1:\(receiver.httpPort)/v1/traces"
        }
        return configuration
    }
}

/// Turns the receiver's `[{"key": k, "value": {...}}]` into `[k: AnyValue dict]`.
func attributeMap(_ value: Any?) -> [String: [String: Any]] {
    var result: [String: [String: Any]] = [:]
    for pair in value as? [[String: Any]] ?? [] {
        if let key = pair["key"] as? String { result[key] = pair["value"] as? [String: Any] ?? [:] }
    }
    return result
}

/// A free port on 127.0.0.1, for a receiver that starts later.
func freePort() throws -> Int {
    let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socketFD) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, length) == 0 && getsockname(socketFD, $0, &length) == 0 }
    }
    guard bound else { throw OTLPReceiver.Failure(description: "no free port") }
    return Int(UInt16(bigEndian: address.sin_port))
}
