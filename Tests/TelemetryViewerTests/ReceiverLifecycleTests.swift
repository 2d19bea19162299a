import Logging
import Testing

@testable import TelemetryViewer

@Suite("The receivers' lifecycle: a port already taken fails the run and is reported, not waited for")
struct ReceiverLifecycleTests {
    @Test("OTLP/HTTP on a port in use: run() throws and port throws")
    func httpPortInUse() async throws {
        let sink = ReceiverCollectingSink()
        try await withHTTPReceiver(sink: sink) { port in
            let second = OTLPHTTPReceiver(configuration: .init(port: port), sink: sink, logger: Logger(label: "receiver-test"))
            await #expect(throws: (any Error).self) { try await second.run() }
            await #expect(throws: ReceiverNotListeningError.self) { try await second.port }
        }
    }

    @Test("OTLP/gRPC on a port in use: run() throws and port throws")
    func grpcPortInUse() async throws {
        let sink = ReceiverCollectingSink()
        try await withGRPCReceiver(sink: sink) { port in
            let second = OTLPGRPCReceiver(configuration: .init(port: port), sink: sink, logger: Logger(label: "receiver-test"))
            await #expect(throws: (any Error).self) { try await second.run() }
            await #expect(throws: ReceiverNotListeningError.self) { try await second.port }
        }
    }

    @Test("Waiting for the port of a receiver that never runs ends when the waiting task is cancelled")
    func cancelledWait() async throws {
        let receiver = OTLPHTTPReceiver(configuration: .init(port: 0), sink: ReceiverCollectingSink(), logger: Logger(label: "t"))
        let waiting = Task { try await receiver.port }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
    }
}
