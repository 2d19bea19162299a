import Foundation
import Logging
import Synchronization
import Telemetry
import TelemetryTesting
import Testing
import Tracing

@Suite("Cross-language: Python SDK → Hummingbird → AsyncHTTPClient → Python SDK", .serialized)
struct CrossLanguageTests {
    let logger = Logger(label: "CrossLanguageTests")

    @Test(
        "spans of both languages form one trace, and tracestate and baggage cross every hop",
        .timeLimit(.minutes(2)))
    func oneTraceAcrossLanguages() async throws {
        let peer = try PythonServicesPeer()
        defer { peer.terminate() }
        let backendPort = try await peer.readyPort()

        let processor = CollectingSpanProcessor()
        let provider = TracerProvider(
            resource: Resource(attributes: ["service.name": "swift-frontend"]), sampler: AlwaysOnSampler(),
            processors: [processor])
        let seen = Mutex<[Baggage?]>([])
        let answer = try await withFrontend(
            backendPort: backendPort, tracerProvider: provider, logger: logger,
            observe: { context in seen.withLock { $0.append(context.baggage) } }
        ) { port in
            try await peer.call(url: "http://127.0.0.1:\(port)/orders/python")
        }
        #expect(answer.status == 200, "\(answer.body)")
        #expect(answer.body == "python")

        // Hop 1, Python → Swift: the handler runs with the client's baggage, and our server span continues the
        // client's trace under its span, with its trace state.
        let handled = seen.withLock { $0 }
        try #require(handled.count == 1)
        #expect(handled[0]?["user.id"] == "42")
        #expect(handled[0]?["tenant"] == "café/ü")

        let python = answer.spans
        let client = try #require(python.first { $0.service == "python-client" }, "\(python)")
        let backend = try #require(python.first { $0.service == "python-backend" }, "\(python)")
        #expect(client.parentSpanID.isEmpty, "the Python client span is the root")
        #expect(client.traceState == "python=client-a")

        let ours = processor.spans
        let server = try #require(ours.first { $0.kind == .server }, "\(ours.map(\.name))")
        let outgoing = try #require(ours.first { $0.kind == .client }, "\(ours.map(\.name))")
        #expect(ours.count == 2)
        #expect(server.name == "GET /orders/{name}")
        #expect(server.spanContext.traceID.hexString == client.traceID)
        #expect(server.parentSpanID?.hexString == client.spanID)
        #expect(server.parentIsRemote)
        // The flags travel too: the Python SDK sets W3C Level 2's random flag beside sampled.
        #expect(client.traceFlags == 0x03)
        #expect(server.spanContext.traceFlags.rawValue == client.traceFlags)
        #expect(outgoing.spanContext.traceFlags.rawValue == client.traceFlags)
        #expect(server.spanContext.traceState.header == "python=client-a")
        #expect(outgoing.spanContext.traceID == server.spanContext.traceID)
        #expect(outgoing.parentSpanID == server.spanContext.spanID)

        // Hop 2, Swift → Python: the backend saw our client span as its parent, the same trace state, and the
        // baggage the Python client set, which our service carried without being told to.
        try #require(answer.backendSaw.count == 1, "\(answer.backendSaw)")
        let received = answer.backendSaw[0]
        #expect(received.traceparent == "00-\(client.traceID)-\(outgoing.spanContext.spanID.hexString)-03")
        #expect(received.tracestate == "python=client-a")
        #expect(received.baggage == ["user.id": "42", "tenant": "café/ü"] as [String: String], "header: \(received.baggageHeader)")
        #expect(backend.traceID == client.traceID)
        #expect(backend.parentSpanID == outgoing.spanContext.spanID.hexString)
        #expect(backend.traceState == "python=client-a")

        // One trace, four spans, one chain: Python client → Swift server → Swift client → Python server.
        let traceIDs = Set(python.map(\.traceID) + ours.map { $0.spanContext.traceID.hexString })
        #expect(traceIDs == [client.traceID])
        #expect(python.count == 2)
        withExtendedLifetime(provider) {}
    }
}

/// Runs `Tests/Peers/cross_language_peer.py`: a client and a backend service built on the official Python SDK.
final class PythonServicesPeer: Sendable {
    struct Span: Decodable {
        var service: String
        var name: String
        var kind: String
        var traceID: String
        var spanID: String
        var parentSpanID: String
        var traceState: String
        var traceFlags: UInt8

        enum CodingKeys: String, CodingKey {
            case service, name, kind
            case traceFlags = "trace_flags"
            case traceID = "trace_id", spanID = "span_id", parentSpanID = "parent_span_id"
            case traceState = "trace_state"
        }
    }

    struct Received: Decodable {
        var traceparent: String?
        var tracestate: String?
        var baggageHeader: String?
        var baggage: [String: String]

        enum CodingKeys: String, CodingKey {
            case traceparent, tracestate, baggage
            case baggageHeader = "baggage_header"
        }
    }

    struct Answer: Decodable {
        var status: Int
        var body: String
        var spans: [Span]
        var backendSaw: [Received]

        enum CodingKeys: String, CodingKey {
            case status, body, spans
            case backendSaw = "backend_saw"
        }
    }

    private struct Ready: Decodable {
        var port: Int
    }

    private let process: Process
    private let input: Pipe
    private let output: Pipe

    init() throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: try OTLPDecodePeer.python)
        process.arguments = [OTLPDecodePeer.packageRoot.appendingPathComponent("Tests/Peers/cross_language_peer.py").path]
        input = Pipe()
        output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
    }

    /// The backend's port, once the peer listens.
    func readyPort() async throws -> Int {
        try JSONDecoder().decode(Ready.self, from: await readLine()).port
    }

    /// Has the Python client call `url`, and returns what both Python services recorded.
    func call(url: String) async throws -> Answer {
        input.fileHandleForWriting.write(Data("{\"url\": \"\(url)\"}\n".utf8))
        return try JSONDecoder().decode(Answer.self, from: await readLine())
    }

    func terminate() {
        if process.isRunning { process.terminate() }
    }

    /// One line of the peer's output, read on a thread of its own so that no task of the pool blocks on the pipe.
    private func readLine() async throws -> Data {
        let handle = output.fileHandleForReading
        let line = await withCheckedContinuation { (continuation: CheckedContinuation<Data, Never>) in
            Thread {
                var line = Data()
                while true {
                    let byte = handle.readData(ofLength: 1)
                    if byte.isEmpty || byte.first == 0x0A { break }
                    line.append(byte)
                }
                continuation.resume(returning: line)
            }.start()
        }
        guard !line.isEmpty else { throw EndToEndFailure("cross_language_peer.py ended without answering") }
        return line
    }
}
