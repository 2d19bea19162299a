import Foundation
import Synchronization

/// Runs `Tests/Peers/otlp_receiver.py`, the OTLP receiver built on the official protocol definitions, and collects
/// what it prints: one JSON object per request.
final class OTLPReceiver: Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let process: Process
    private let input: Pipe
    private let state: RecordStore
    let grpcPort: Int
    let httpPort: Int
    let grpcProxyPort: Int

    struct State {
        var buffer = Data()
        var records: [[String: Any]] = []
        var stderr = Data()
    }

    /// The receiver's output, shared with the pipe handlers. JSON objects are not Sendable, hence unchecked.
    final class RecordStore: @unchecked Sendable {
        private let lock = NSLock()
        private var state = State()
        func withLock<T>(_ body: (inout State) -> T) -> T {
            lock.lock()
            defer { lock.unlock() }
            return body(&state)
        }
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
                throw Failure(description: "No Python peer: run ./scripts/test, which installs opentelemetry-proto and grpcio into .venv")
            }
            return local
        }
    }

    /// Starts the receiver and waits until it listens.
    init(arguments: [String] = [], fault: String? = nil) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.python)
        var allArguments = [Self.packageRoot.appendingPathComponent("Tests/Peers/otlp_receiver.py").path] + arguments
        if let fault { allArguments += ["--fault", fault] }
        process.arguments = allArguments
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        self.process = process
        self.input = input
        let state = RecordStore()
        self.state = state
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            state.withLock { state in
                state.buffer.append(data)
                while let newline = state.buffer.firstIndex(of: 0x0A) {
                    let line = state.buffer[state.buffer.startIndex..<newline]
                    state.buffer.removeSubrange(state.buffer.startIndex...newline)
                    if let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] {
                        state.records.append(object)
                    }
                }
            }
        }
        errors.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            state.withLock { $0.stderr.append(data) }
        }
        try process.run()
        let ready = try await Self.waitFor(state: state, timeout: .seconds(30)) { records in
            records.first { $0["ready"] as? Bool == true }
        }
        guard let ready else {
            let diagnostics = state.withLock { String(decoding: $0.stderr, as: UTF8.self) }
            process.terminate()
            throw Failure(description: "the receiver did not start: \(diagnostics)")
        }
        self.grpcPort = ready["grpc_port"] as? Int ?? 0
        self.httpPort = ready["http_port"] as? Int ?? 0
        self.grpcProxyPort = ready["grpc_proxy_port"] as? Int ?? 0
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    /// Stops the receiver: closing its stdin ends it, and a kill follows if it lingers.
    func stop() {
        try? input.fileHandleForWriting.close()
        // Foundation's waitUntilExit spins a run loop; a short poll is cheaper and bounded.
        for _ in 0..<200 where process.isRunning {
            usleep(10_000)
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
    }

    /// Every record printed so far, except the ready line.
    var records: [[String: Any]] {
        state.withLock { $0.records.filter { $0["ready"] == nil } }
    }

    /// The decoded requests received so far.
    var requests: [[String: Any]] { records.filter { $0["request"] != nil } }

    /// Every span received so far, each with its resource and scope.
    var spans: [(span: [String: Any], scope: [String: Any], resource: [String: Any])] {
        var result: [(span: [String: Any], scope: [String: Any], resource: [String: Any])] = []
        for record in requests {
            let request = record["request"] as? [String: Any] ?? [:]
            for resourceSpans in request["resourceSpans"] as? [[String: Any]] ?? [] {
                for scopeSpans in resourceSpans["scopeSpans"] as? [[String: Any]] ?? [] {
                    for span in scopeSpans["spans"] as? [[String: Any]] ?? [] {
                        result.append((span, scopeSpans, resourceSpans))
                    }
                }
            }
        }
        return result
    }

    /// Waits until at least `count` spans have arrived: the receiver prints from another process, so what it
    /// received can reach this side a moment after the exporter saw the response.
    @discardableResult
    func waitForSpans(_ count: Int, timeout: Duration = .seconds(30)) async throws -> Bool {
        try await waitUntil(timeout: timeout) { records in records.reduce(0) { $0 + spanCount($1) } >= count }
    }

    /// Waits until `predicate` over the records holds, or `timeout` passes.
    @discardableResult
    func waitUntil(timeout: Duration = .seconds(30), _ predicate: @escaping ([[String: Any]]) -> Bool) async throws -> Bool {
        try await Self.waitFor(state: state, timeout: timeout) { predicate($0.filter { $0["ready"] == nil }) ? true : nil } ?? false
    }

    private static func waitFor<T>(
        state: RecordStore,
        timeout: Duration,
        _ check: ([[String: Any]]) -> T?
    ) async throws -> T? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if let value = state.withLock({ check($0.records) }) { return value }
            // The receiver is another process: its output arrives on its own schedule, so this polls briefly.
            try await Task.sleep(for: .milliseconds(20))
        }
        return state.withLock { check($0.records) }
    }
}

