import Foundation


/// A real Prometheus server (Debian's `prometheus` package, which scripts/test installs), run on 127.0.0.1 with a
/// temporary configuration and data directory, and queried through its HTTP API.
final class PrometheusServerProcess: @unchecked Sendable {
    static let missing =
        "/usr/bin/prometheus is not installed; install it with `apt-get install -y --no-install-recommends prometheus`"

    /// `$TELEMETRY_TEST_PROMETHEUS`, or `/usr/bin/prometheus`.
    static let path: String? = {
        let configured = ProcessInfo.processInfo.environment["TELEMETRY_TEST_PROMETHEUS"] ?? ""
        let path = configured.isEmpty ? "/usr/bin/prometheus" : configured
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }()

    let directory: URL
    let port: Int
    private let process: Process

    struct Sample {
        var labels: [String: String]
        var value: Double
    }

    /// Starts Prometheus scraping each of `targets` (job name → port on 127.0.0.1) every second.
    init(targets: [(job: String, port: Int)]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("prometheus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var config = """
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              evaluation_interval: 1s
            scrape_configs:

            """
        for target in targets {
            config += """
                  - job_name: \(target.job)
                    static_configs:
                      - targets: ["127.0.0.1:\(target.port)"]

                """
        }
        try Data(config.utf8).write(to: directory.appendingPathComponent("prometheus.yml"))
        port = try RawHTTP.freePort()
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.path ?? "/usr/bin/prometheus")
        process.arguments = [
            "--config.file=\(directory.appendingPathComponent("prometheus.yml").path)",
            "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
            "--web.listen-address=127.0.0.1:\(port)",
            "--log.level=warn",
        ]
        let log = directory.appendingPathComponent("prometheus.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    /// Prometheus' own log, for a failure message.
    var log: String {
        (try? String(contentsOf: directory.appendingPathComponent("prometheus.log"), encoding: .utf8)) ?? ""
    }

    /// Kills the server and deletes its directory.
    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Whether `/-/ready` answers 200.
    func isReady() async -> Bool {
        (try? await RawHTTP.get(port: port, "/-/ready").status) == 200
    }

    /// The instant vector `query` evaluates to now.
    func query(_ query: String) async throws -> [Sample] {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = query.addingPercentEncoding(withAllowedCharacters: allowed) ?? query
        let response = try await RawHTTP.get(port: port, "/api/v1/query?query=\(encoded)")
        guard response.status == 200,
            let json = try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any],
            let data = json["data"] as? [String: Any], let result = data["result"] as? [[String: Any]]
        else {
            throw RawHTTP.Failure(description: "query \(query): \(response.status) \(response.body)")
        }
        return result.compactMap { item in
            guard let labels = item["metric"] as? [String: String], let pair = item["value"] as? [Any],
                pair.count == 2, let text = pair[1] as? String, let value = Double(text)
            else { return nil }
            return Sample(labels: labels, value: value)
        }
    }

    /// Polls `condition` every 200 ms until it holds or `seconds` have passed. An external server's scrape is the
    /// signal here, so a bounded poll is the only way to wait for it.
    func waitUntil(seconds: Double = 30, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? await condition()) == true { return true }
            guard process.isRunning else { return false }
            try await Task.sleep(for: .milliseconds(200))
        }
        return false
    }
}
