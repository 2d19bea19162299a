import Foundation
import Logging
import Synchronization
import Telemetry
import Testing

@testable import TelemetryViewer

/// A child process whose output arrives as lines and whose exit is awaited, never blocking a test's thread.
final class ViewerChildProcess: Sendable {
    let process: Process
    let lines: AsyncStream<String>
    private let exit: AsyncStream<Int32>

    init(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let (lines, lineContinuation) = AsyncStream<String>.makeStream()
        let (exit, exitContinuation) = AsyncStream<Int32>.makeStream()
        let pending = Mutex("")
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                lineContinuation.finish()
                return
            }
            let complete = pending.withLock { buffer -> [String] in
                buffer += String(decoding: data, as: UTF8.self)
                var parts = buffer.components(separatedBy: "\n")
                buffer = parts.removeLast()
                return parts
            }
            for line in complete { lineContinuation.yield(line) }
        }
        process.terminationHandler = { process in
            exitContinuation.yield(process.terminationStatus)
            exitContinuation.finish()
        }
        try process.run()
        self.process = process
        self.lines = lines
        self.exit = exit
    }

    /// The exit status, once the process ended.
    func status() async -> Int32 {
        for await status in exit { return status }
        return process.terminationStatus
    }

    func terminate() {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
    }
}

/// Runs `telemetrygen` with `arguments` and returns its exit status.
func runTelemetrygen(_ arguments: [String]) async throws -> Int32 {
    let child = try ViewerChildProcess(try ViewerExecutables.path("telemetrygen"), arguments)
    for await _ in child.lines {}
    return await child.status()
}

@Suite("App: the assembled viewer")
struct AppTests {
    @Test("telemetrygen's traces and logs arrive over gRPC and HTTP and show in the API and the UI")
    func endToEnd() async throws {
        let app = try TelemetryViewerApp(
            configuration: .init(uiPort: 0, grpcPort: 0, httpPort: 0, storage: .inMemory),
            stopsOnSignals: false,
            logger: Logger(label: "app-test")
        )
        let running = Task { try await app.run() }
        do {
            let endpoints = try await app.endpoints
            #expect(try await runTelemetrygen(["traces", "--otlp-endpoint", "127.0.0.1:\(endpoints.grpcPort)", "--otlp-insecure", "--traces", "5"]) == 0)
            #expect(
                try await runTelemetrygen([
                    "logs", "--otlp-endpoint", "127.0.0.1:\(endpoints.httpPort)", "--otlp-http", "--otlp-insecure", "--logs", "3",
                ]) == 0
            )
            // A 200 or OK means the store took the batch; flushing makes it readable.
            await app.store.flush()
            let port = endpoints.uiPort
            #expect(try await viewerGET(port, "/api/services").json()["data"] as? [String] == ["telemetrygen"])
            let traces = try await viewerGET(port, "/api/traces?service=telemetrygen&limit=100").dataArray()
            #expect(traces.count == 5)
            #expect(traces.allSatisfy { ($0["spans"] as? [Any])?.count == 2 })
            let operations = try await viewerGET(port, "/api/services/telemetrygen/operations").json()["data"] as? [String]
            #expect(operations == ["lets-go", "okey-dokey-0"])
            #expect(try await viewerGET(port, "/api/v1/logs?service=telemetrygen").dataArray().count == 3)

            let search = try await viewerGET(port, "/search?service=telemetrygen&lookback=1h")
            #expect(search.status == 200)
            #expect(search.text.components(separatedBy: "class=\"trace-row\"").count - 1 == 5)
            #expect(search.text.contains("lets-go"))
            let id = try #require(traces.first?["traceID"] as? String)
            let trace = try await viewerGET(port, "/trace/\(id)")
            #expect(trace.text.contains("okey-dokey-0") && trace.text.contains("data-depth=\"1\""))
            let services = try await viewerGET(port, "/")
            #expect(services.text.contains(">telemetrygen</a>"))
        } catch {
            await app.shutdown()
            _ = try? await running.value
            throw error
        }
        await app.shutdown()
        try await running.value
    }

    @Test(
        "telemetry-viewer announces its endpoints, stops on SIGTERM with everything acknowledged written",
        .timeLimit(.minutes(2)))
    func executable() async throws {
        let directory = NSTemporaryDirectory() + "telemetry-viewer-app-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = directory + "/nested/viewer.sqlite"
        let viewer = try ViewerChildProcess(
            try ViewerExecutables.path("telemetry-viewer"),
            ["--storage", database, "--port", "0", "--grpc-port", "0", "--otlp-http-port", "0"]
        )
        // Whatever happens below, the child does not outlive the test.
        defer { viewer.terminate() }
        // A viewer that never announces is caught by the test's time limit: cancellation ends the wait on its
        // output, and the deferred terminate stops it.
        var announcement: [String] = []
        for await line in viewer.lines {
            announcement.append(line)
            if line.contains("Listening on") || line.contains("WARNING") { break }
        }
        let text = announcement.joined(separator: "\n")
        #expect(text.contains("Listening on 127.0.0.1 only"), "\(text)")
        #expect(text.contains("Storage: \(database)"))
        func port(after label: String) -> Int? {
            guard let line = announcement.first(where: { $0.contains(label) }),
                let range = line.range(of: "127.0.0.1:")
            else { return nil }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        let grpc = try #require(port(after: "OTLP/gRPC"), "\(text)")
        let ui = try #require(port(after: "Web UI"), "\(text)")
        #expect(try await viewerGET(ui, "/api/services").status == 200)
        #expect(try await runTelemetrygen(["traces", "--otlp-endpoint", "127.0.0.1:\(grpc)", "--otlp-insecure", "--traces", "50"]) == 0)
        // No flush and no wait: SIGTERM right after the last acknowledged export.
        viewer.terminate()
        #expect(await viewer.status() == 0)

        let reopened = try TelemetryStore(path: database)
        let stored = try await reopened.searchTraces(TraceQuery(service: "telemetrygen", limit: 1000))
        #expect(stored.count == 50)
        #expect(stored.reduce(0) { $0 + $1.spans.count } == 100)
        await reopened.close()
    }

    @Test("only loopback hosts count as private; the announcement warns otherwise")
    func loopback() {
        #expect(TelemetryViewerApp.Configuration(host: "127.0.0.1").isLoopbackOnly)
        #expect(TelemetryViewerApp.Configuration(host: "::1").isLoopbackOnly)
        #expect(!TelemetryViewerApp.Configuration(host: "0.0.0.0").isLoopbackOnly)
        let endpoints = TelemetryViewerApp.Endpoints(host: "0.0.0.0", uiPort: 16686, grpcPort: 4317, httpPort: 4318)
        let lines = endpoints.announcement(storage: .inMemory, loopbackOnly: false)
        #expect(lines.contains { $0.contains("WARNING") && $0.contains("0.0.0.0") })
        #expect(lines.contains { $0.contains("http://0.0.0.0:16686/") })
        let v6 = TelemetryViewerApp.Endpoints(host: "::1", uiPort: 1, grpcPort: 2, httpPort: 3)
        #expect(v6.uiURL == "http://[::1]:1/")
    }

    @Test("loopback is 127.0.0.0/8, ::1 or localhost as literals; names that merely start with 127. are not")
    func loopbackLiterals() {
        for host in ["127.0.0.1", "127.1.2.3", "::1", "0:0:0:0:0:0:0:1", "[::1]", "LOCALHOST", "0::1"] {
            #expect(TelemetryViewerApp.Configuration(host: host).isLoopbackOnly, "\(host)")
        }
        for host in ["127.example.com", "127.0.0.1.evil.net", "128.0.0.1", "0.0.0.0", "::", "::2", "1::1", "127.0.0", "127.0.0.256", "localhost.evil"] {
            #expect(!TelemetryViewerApp.Configuration(host: host).isLoopbackOnly, "\(host)")
        }
    }

    @Test("a port in use: run() throws, and the store still stops in order with what it took written")
    func portInUse() async throws {
        let first = try TelemetryViewerApp(
            configuration: .init(uiPort: 0, grpcPort: 0, httpPort: 0, storage: .inMemory),
            stopsOnSignals: false,
            logger: Logger(label: "app-test")
        )
        let firstRunning = Task { try await first.run() }
        defer { firstRunning.cancel() }
        let taken = try await first.endpoints.grpcPort

        let directory = NSTemporaryDirectory() + "telemetry-viewer-port-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = directory + "/viewer.sqlite"
        let second = try TelemetryViewerApp(
            configuration: .init(uiPort: 0, grpcPort: taken, httpPort: 0, storage: .file(database)),
            stopsOnSignals: false,
            logger: Logger(label: "app-test")
        )
        let span = ReceivedSpan(traceID: TraceID(high: 7, low: 7), spanID: SpanID(7), name: "kept", startTimeUnixNano: 1, endTimeUnixNano: 2)
        // Acknowledged before the group runs: an orderly stop writes it, a cancelled store might not.
        try await second.store.submit(ReceivedBatch(spans: [span]))
        await #expect(throws: (any Error).self) { try await second.run() }
        // The store was closed (it refuses new work) and wrote what it had taken.
        await #expect(throws: IngestError.self) { try await second.store.submit(ReceivedBatch(spans: [span])) }
        let reopened = try TelemetryStore(path: database)
        #expect(try await reopened.trace(id: TraceID(high: 7, low: 7))?.spans.count == 1)
        await reopened.close()

        await first.shutdown()
        try await firstRunning.value
    }

    @Test("telemetry-viewer refuses sizes and retentions that would overflow, with a usage error instead of a trap")
    func overflowingOptions() async throws {
        for arguments in [["--max-size-mb", "\(Int.max)"], ["--retention-hours", "1e300"]] {
            let viewer = try ViewerChildProcess(try ViewerExecutables.path("telemetry-viewer"), ["--in-memory", "--port", "0", "--grpc-port", "0", "--otlp-http-port", "0"] + arguments)
            defer { viewer.terminate() }
            for await _ in viewer.lines {}
            // ArgumentParser's validation failure exits with EX_USAGE (64); a trap would end the process by a signal.
            #expect(await viewer.status() == 64, "\(arguments)")
            #expect(viewer.process.terminationReason == .exit)
        }
    }
}
