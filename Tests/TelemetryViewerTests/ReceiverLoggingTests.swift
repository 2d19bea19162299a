import Logging
import Synchronization
import Testing

@testable import TelemetryViewer

/// Keeps every log message with its level and metadata.
struct ReceiverCapturingLogHandler: LogHandler {
    final class Store: Sendable {
        let entries = Mutex<[(level: Logger.Level, text: String)]>([])
    }

    let store: Store
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let text = "\(event.message) \(merged.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " "))"
        store.entries.withLock { $0.append((event.level, text)) }
    }
}

@Suite("The receivers log their address once at startup, and never a request's body or header values")
struct ReceiverLoggingTests {
    static let secret = "s3cr3t-value-never-logged"

    @Test("OTLP/HTTP: one startup line naming the address; bodies and headers stay out of the log")
    func http() async throws {
        let store = ReceiverCapturingLogHandler.Store()
        let logger = Logger(label: "receiver-log-test") { _ in ReceiverCapturingLogHandler(store: store) }
        let receiver = OTLPHTTPReceiver(configuration: .init(port: 0), sink: ReceiverCollectingSink(), logger: logger)
        let secretBody = ReceiverRequests.traces(service: Self.secret, spans: [(Self.secret, [1, 2])])
        let port = try await withRunningReceiver(receiver, port: { try await $0.port }) { port in
            let headers = [("Content-Type", "application/x-protobuf"), ("Authorization", Self.secret)]
            _ = try await receiverHTTP(port: port, headers: headers, body: secretBody)
            _ = try await receiverHTTP(port: port, headers: headers, body: Array(Self.secret.utf8))
            return port
        }
        let entries = store.entries.withLock { $0 }
        let startup = entries.filter { $0.level >= .info }
        #expect(startup.count == 1)
        #expect(startup.first?.text.contains("127.0.0.1:\(port)") == true)
        #expect(!entries.contains { $0.text.contains(Self.secret) })
    }

    @Test("OTLP/gRPC: one startup line naming the address; bodies and metadata stay out of the log")
    func grpc() async throws {
        let store = ReceiverCapturingLogHandler.Store()
        let logger = Logger(label: "receiver-log-test") { _ in ReceiverCapturingLogHandler(store: store) }
        let receiver = OTLPGRPCReceiver(configuration: .init(port: 0), sink: ReceiverCollectingSink(), logger: logger)
        let partlyRejected = ReceiverRequests.traces(service: Self.secret, spans: [(Self.secret, [1, 2])])
        let port = try await withRunningReceiver(receiver, port: { try await $0.port }) { port in
            _ = try await receiverGRPCExport(port: port, body: Array(Self.secret.utf8))
            _ = try await receiverGRPCExport(port: port, body: partlyRejected)
            return port
        }
        let entries = store.entries.withLock { $0 }
        let startup = entries.filter { $0.level >= .info }
        #expect(startup.count == 1)
        #expect(startup.first?.text.contains("127.0.0.1:\(port)") == true)
        #expect(!entries.contains { $0.text.contains(Self.secret) })
        // Like OTLP/HTTP, refusals and partial rejections are told at debug level, by signal and count or reason.
        let debug = entries.filter { $0.level == .debug }.map(\.text)
        #expect(debug.contains { $0.contains("OTLP/gRPC export refused as undecodable") && $0.contains("signal=traces") })
        #expect(debug.contains { $0.contains("OTLP/gRPC export partly rejected") && $0.contains("rejected=1") })
    }
}
