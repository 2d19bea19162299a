import Foundation

/// Runs a peer script of `Tests/Peers/` (by default `propagation_peer.py`) with the OpenTelemetry Python SDK that
/// `./scripts/test` installs.
///
/// The interpreter is `$TELEMETRY_TEST_PYTHON`, or `.venv/bin/python` at the package root. When neither exists the
/// test fails with instructions rather than passing silently.
enum PythonPeer {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var python: String {
        get throws {
            if let configured = ProcessInfo.processInfo.environment["TELEMETRY_TEST_PYTHON"], !configured.isEmpty {
                return configured
            }
            let local = packageRoot.appendingPathComponent(".venv/bin/python").path
            guard FileManager.default.isExecutableFile(atPath: local) else {
                throw Failure(description: "No Python peer: run ./scripts/test, which installs opentelemetry-sdk into .venv")
            }
            return local
        }
    }

    /// Sends `request` as JSON to `script` and returns the decoded JSON answer.
    static func call(_ request: [String: Any], script: String = "propagation_peer.py") throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try python)
        process.arguments = [packageRoot.appendingPathComponent("Tests/Peers/\(script)").path]
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let body = try JSONSerialization.data(withJSONObject: request)
        // Write from another thread: a large request and a large answer would otherwise fill both pipes.
        let writer = Thread {
            input.fileHandleForWriting.write(body)
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let answer = output.fileHandleForReading.readDataToEndOfFile()
        let diagnostics = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "Python peer failed: \(String(decoding: diagnostics, as: UTF8.self))")
        }
        guard let decoded = try JSONSerialization.jsonObject(with: answer) as? [String: Any] else {
            throw Failure(description: "Python peer answered something that is not a JSON object")
        }
        return decoded
    }
}
