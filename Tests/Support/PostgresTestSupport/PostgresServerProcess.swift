import Foundation
import Logging
import PostgresNIO

#if canImport(Glibc)
import Glibc
#endif

/// A real PostgreSQL server (Debian's `postgresql` package, which scripts/test installs), initialised in a temporary
/// directory and run on 127.0.0.1 on a free port, with trust authentication for the user `postgres`.
///
/// PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user the package creates, through
/// `runuser`, in a directory that user owns.
final class PostgresServerProcess: @unchecked Sendable {
    /// The newest installed version's binaries: Debian puts them in `/usr/lib/postgresql/<major>/bin`.
    static let binaries: String = {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        let newest = versions.compactMap(Int.init).max().map(String.init) ?? "15"
        return "/usr/lib/postgresql/\(newest)/bin"
    }()
    static let missing =
        "/usr/lib/postgresql/<version>/bin/initdb and postgres are not installed; install them with `apt-get install -y --no-install-recommends postgresql`"

    /// Whether initdb and postgres are there.
    static var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: "\(binaries)/initdb")
            && FileManager.default.isExecutableFile(atPath: "\(binaries)/postgres")
    }

    let directory: URL
    let port: Int
    private let process: Process
    private let dataDirectory: String
    private let logPath: String

    /// Initialises a cluster and starts the server; ``waitUntilReady(logger:)`` tells when it accepts connections.
    init() throws {
        let directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("postgres-\(UUID().uuidString)")
        let dataDirectory = directory.appendingPathComponent("data").path
        let logPath = directory.appendingPathComponent("server.log").path
        self.directory = directory
        self.dataDirectory = dataDirectory
        self.logPath = logPath
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if getuid() == 0 {
            try FileManager.default.setAttributes([.ownerAccountName: "postgres"], ofItemAtPath: directory.path)
        }
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        if getuid() == 0 {
            try FileManager.default.setAttributes([.ownerAccountName: "postgres"], ofItemAtPath: logPath)
        }
        let initdb = try Self.run(
            ["\(Self.binaries)/initdb", "-D", dataDirectory, "-U", "postgres", "--auth=trust", "--no-sync"],
            logPath: logPath)
        initdb.waitUntilExit()
        guard initdb.terminationStatus == 0 else {
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(at: directory)
            throw Failure(description: "initdb failed (\(initdb.terminationStatus)): \(log)")
        }
        port = try Self.freePort()
        process = try Self.run(
            [
                "\(Self.binaries)/postgres", "-D", dataDirectory, "-k", directory.path, "-h", "127.0.0.1", "-p",
                String(port), "-c", "fsync=off",
            ], logPath: logPath)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Starts `arguments`, as the `postgres` user when running as root, with output going to the log.
    private static func run(_ arguments: [String], logPath: String) throws -> Process {
        let process = Process()
        if getuid() == 0 {
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
            process.arguments = ["-u", "postgres", "--"] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: arguments[0])
            process.arguments = Array(arguments.dropFirst())
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// The server's log, for a failure message.
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Polls until a connection succeeds, at most 150 times 200 ms apart. The server's start-up is an external
    /// process's, so a bounded poll is the only way to wait for it.
    func waitUntilReady(logger: Logger) async throws -> Bool {
        let configuration = PostgresConnection.Configuration(
            host: "127.0.0.1", port: port, username: "postgres", password: nil, database: "postgres", tls: .disable)
        for attempt in 0..<150 {
            guard process.isRunning else { return false }
            if let connection = try? await PostgresConnection.connect(
                configuration: configuration, id: attempt, logger: logger)
            {
                try? await connection.close()
                return true
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    /// Stops the server with `pg_ctl stop -m fast`, which waits for it (at most a minute), and deletes its directory.
    func stop() {
        if process.isRunning {
            // pg_ctl signals the server itself, whichever user runs it; runuser's forwarding of signals is not relied on.
            let stopper = try? Self.run(
                ["\(Self.binaries)/pg_ctl", "stop", "-D", dataDirectory, "-m", "fast", "-w"], logPath: logPath)
            stopper?.waitUntilExit()
            if stopper?.terminationStatus != 0 { process.terminate() }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// A port nobody listens on now: the kernel's pick for a socket bound to port 0.
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket failed: \(errno)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
            }
        }
        guard bound else { throw Failure(description: "bind failed: \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
