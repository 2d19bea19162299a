import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import Testing

@testable import TelemetryViewer

/// A sink that keeps every batch, or refuses them all, as a test tells it.
final class ReceiverCollectingSink: BatchSink {
    enum Mode: Sendable {
        case accept
        case refuse(IngestError)
    }

    private let state: Mutex<(mode: Mode, batches: [ReceivedBatch])>

    init(_ mode: Mode = .accept) {
        state = Mutex((mode, []))
    }

    func submit(_ batch: ReceivedBatch) async throws(IngestError) {
        let refusal: IngestError? = state.withLock { state in
            switch state.mode {
            case .accept:
                state.batches.append(batch)
                return nil
            case .refuse(let error):
                return error
            }
        }
        if let refusal { throw refusal }
    }

    var batches: [ReceivedBatch] { state.withLock { $0.batches } }
    var spans: [ReceivedSpan] { batches.flatMap(\.spans) }
    var metrics: [ReceivedMetric] { batches.flatMap(\.metrics) }
    var logRecords: [ReceivedLogRecord] { batches.flatMap(\.logRecords) }
}

/// A sink that holds the first batch until released, to catch the receiver with a request in flight.
final class ReceiverGatedSink: BatchSink {
    private let (arrivals, arrivalContinuation) = AsyncStream<Void>.makeStream()
    private let (releases, releaseContinuation) = AsyncStream<Void>.makeStream()
    private let stored = Mutex<[ReceivedBatch]>([])

    func submit(_ batch: ReceivedBatch) async throws(IngestError) {
        arrivalContinuation.yield()
        var iterator = releases.makeAsyncIterator()
        _ = await iterator.next()
        stored.withLock { $0.append(batch) }
    }

    /// Returns once a batch is waiting in `submit`.
    func waitForArrival() async {
        var iterator = arrivals.makeAsyncIterator()
        _ = await iterator.next()
    }

    func release() {
        releaseContinuation.yield()
        releaseContinuation.finish()
    }

    var batches: [ReceivedBatch] { stored.withLock { $0 } }
}

enum ReceiverTestError: Error, CustomStringConvertible {
    case failed(String)

    var description: String {
        switch self {
        case .failed(let message): message
        }
    }
}

/// Runs a receiver in a service group for the duration of `body`, then shuts it down gracefully and waits for it.
func withRunningReceiver<Receiver: Service, Result>(
    _ receiver: Receiver,
    port: @Sendable (Receiver) async throws -> Int,
    _ body: (Int) async throws -> Result
) async throws -> Result {
    let group = ServiceGroup(services: [receiver], logger: Logger(label: "receiver-test"))
    let running = Task { try await group.run() }
    do {
        let bound = try await port(receiver)
        let result = try await body(bound)
        await group.triggerGracefulShutdown()
        try await running.value
        return result
    } catch {
        await group.triggerGracefulShutdown()
        _ = try? await running.value
        throw error
    }
}

func withHTTPReceiver<Result>(
    sink: any BatchSink,
    configuration: OTLPHTTPReceiver.Configuration = .init(port: 0),
    _ body: (Int) async throws -> Result
) async throws -> Result {
    let receiver = OTLPHTTPReceiver(configuration: configuration, sink: sink, logger: Logger(label: "receiver-test"))
    return try await withRunningReceiver(receiver, port: { try await $0.port }, body)
}

func withGRPCReceiver<Result>(
    sink: any BatchSink,
    configuration: OTLPGRPCReceiver.Configuration = .init(port: 0),
    _ body: (Int) async throws -> Result
) async throws -> Result {
    let receiver = OTLPGRPCReceiver(configuration: configuration, sink: sink, logger: Logger(label: "receiver-test"))
    return try await withRunningReceiver(receiver, port: { try await $0.port }, body)
}

/// One HTTP exchange with the receiver, through AsyncHTTPClient.
struct ReceiverHTTPExchange: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

func receiverHTTP(
    port: Int,
    path: String = "/v1/traces",
    get: Bool = false,
    headers: [(String, String)] = [],
    body: [UInt8]? = nil
) async throws -> ReceiverHTTPExchange {
    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
    request.method = get ? .GET : .POST
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    let collected = try await response.body.collect(upTo: 64 * 1024 * 1024)
    return ReceiverHTTPExchange(
        status: Int(response.status.code),
        headers: response.headers.map { ($0.name, $0.value) },
        body: Array(buffer: collected)
    )
}

/// Sends a body in `chunks` pieces with no declared length (chunked transfer encoding).
func receiverHTTPStreaming(
    port: Int,
    path: String = "/v1/traces",
    headers: [(String, String)],
    chunks: Int,
    chunkSize: Int
) async throws -> ReceiverHTTPExchange {
    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
    request.method = .POST
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    let pieces = (0..<chunks).map { _ in ByteBuffer(repeating: 0x0A, count: chunkSize) }
    request.body = .stream(pieces.async, length: .unknown)
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    let collected = try await response.body.collect(upTo: 1024 * 1024)
    return ReceiverHTTPExchange(
        status: Int(response.status.code),
        headers: response.headers.map { ($0.name, $0.value) },
        body: Array(buffer: collected)
    )
}

/// A sequence as an `AsyncSequence`, for streamed request bodies.
struct ReceiverAsyncChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let chunks: [ByteBuffer]

    struct AsyncIterator: AsyncIteratorProtocol {
        var remaining: ArraySlice<ByteBuffer>
        mutating func next() async -> ByteBuffer? { remaining.popFirst() }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(remaining: chunks[...]) }
}

extension Array where Element == ByteBuffer {
    var async: ReceiverAsyncChunks { ReceiverAsyncChunks(chunks: self) }
}

/// Reads the top-level fields of a protobuf message: enough to check the receiver's answers by their field
/// numbers, independently of how the receiver wrote them.
enum ReceiverProtobufFields {
    enum Value: Equatable {
        case varint(UInt64)
        case bytes([UInt8])
    }

    static func parse(_ bytes: [UInt8]) throws -> [(number: Int, value: Value)] {
        var fields: [(number: Int, value: Value)] = []
        var index = 0
        func varint() throws -> UInt64 {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                result |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return result }
                shift += 7
            }
            throw ReceiverTestError.failed("truncated varint")
        }
        while index < bytes.count {
            let key = try varint()
            switch key & 7 {
            case 0:
                fields.append((Int(key >> 3), .varint(try varint())))
            case 2:
                let length = Int(try varint())
                guard index + length <= bytes.count else { throw ReceiverTestError.failed("truncated field") }
                fields.append((Int(key >> 3), .bytes(Array(bytes[index..<index + length]))))
                index += length
            default:
                throw ReceiverTestError.failed("unexpected wire type \(key & 7)")
            }
        }
        return fields
    }

    /// `google.rpc.Status`'s code and message.
    static func status(_ bytes: [UInt8]) throws -> (code: Int, message: String) {
        var code = 0
        var message = ""
        for field in try parse(bytes) {
            switch (field.number, field.value) {
            case (1, .varint(let value)): code = Int(value)
            case (2, .bytes(let value)): message = String(decoding: value, as: UTF8.self)
            default: break
            }
        }
        return (code, message)
    }

    /// `Export*ServiceResponse.partial_success`'s rejected count and message, or `nil` when it is absent.
    static func partialSuccess(_ bytes: [UInt8]) throws -> (rejected: Int64, message: String)? {
        guard let field = try parse(bytes).first(where: { $0.number == 1 }), case .bytes(let inner) = field.value else {
            return nil
        }
        var rejected: Int64 = 0
        var message = ""
        for field in try parse(inner) {
            switch (field.number, field.value) {
            case (1, .varint(let value)): rejected = Int64(bitPattern: value)
            case (2, .bytes(let value)): message = String(decoding: value, as: UTF8.self)
            default: break
            }
        }
        return (rejected, message)
    }
}

/// Hand-built OTLP requests, written with the receiver's own protobuf writer (whose output the unit tests check
/// byte by byte).
enum ReceiverRequests {
    /// An `ExportTraceServiceRequest` with one resource (`service.name`) and one span per entry in `spans`, each
    /// with the given trace id bytes.
    static func traces(service: String, spans: [(name: String, traceID: [UInt8])]) -> [UInt8] {
        var spanMessages = ResponseProtobufWriter()
        for span in spans {
            var message = ResponseProtobufWriter()
            message.bytesField(1, span.traceID)
            message.bytesField(2, [1, 2, 3, 4, 5, 6, 7, 8])
            message.string(5, span.name)
            spanMessages.bytesField(2, message.bytes)
        }
        var value = ResponseProtobufWriter()
        value.string(1, service)
        var attribute = ResponseProtobufWriter()
        attribute.string(1, "service.name")
        attribute.bytesField(2, value.bytes)
        var resource = ResponseProtobufWriter()
        resource.bytesField(1, attribute.bytes)
        var resourceSpans = ResponseProtobufWriter()
        resourceSpans.bytesField(1, resource.bytes)
        resourceSpans.bytesField(2, spanMessages.bytes)
        var request = ResponseProtobufWriter()
        request.bytesField(1, resourceSpans.bytes)
        return request.bytes
    }

    static let validTraceID: [UInt8] = Array(1...16)
}

/// Runs `Tests/Peers/viewer_sender.py`, which exports with the official Python SDK's OTLP exporters.
enum ReceiverPythonSender {
    struct Outcome {
        var exitCode: Int32
        var stdout: String
        var stderr: String
    }

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var python: String {
        get throws {
            if let configured = ProcessInfo.processInfo.environment["TELEMETRY_TEST_PYTHON"], !configured.isEmpty {
                return configured
            }
            let local = packageRoot.appendingPathComponent(".venv/bin/python").path
            guard FileManager.default.isExecutableFile(atPath: local) else {
                throw ReceiverTestError.failed("No Python peer: install Tests/Peers/requirements.txt into .venv")
            }
            return local
        }
    }

    static func send(arguments: [String]) async throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try python)
        process.arguments = [packageRoot.appendingPathComponent("Tests/Peers/viewer_sender.py").path] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let collected = Mutex<(stdout: Data, stderr: Data)>((Data(), Data()))
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            collected.withLock { $0.stdout.append(data) }
        }
        errors.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            collected.withLock { $0.stderr.append(data) }
        }
        let exitCode: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { process in continuation.resume(returning: process.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        output.fileHandleForReading.readabilityHandler = nil
        errors.fileHandleForReading.readabilityHandler = nil
        // Whatever the pipes still hold after the exit.
        let restOut = output.fileHandleForReading.readDataToEndOfFile()
        let restErr = errors.fileHandleForReading.readDataToEndOfFile()
        return collected.withLock { state in
            Outcome(
                exitCode: exitCode,
                stdout: String(decoding: state.stdout + restOut, as: UTF8.self),
                stderr: String(decoding: state.stderr + restErr, as: UTF8.self)
            )
        }
    }
}

/// A service group running one receiver, for tests that stop it at a moment of their choosing.
struct ServiceGroupHandle: Sendable {
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    init(_ service: some Service) {
        let group = ServiceGroup(services: [service], logger: Logger(label: "receiver-test"))
        self.group = group
        self.running = Task { try await group.run() }
    }

    func shutdown() async { await group.triggerGracefulShutdown() }

    func wait() async throws { try await running.value }
}

/// A small deterministic generator, so that random-input tests replay exactly.
struct ReceiverSplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
