import Foundation

// The tests run on Linux, where the project's CI and its Prometheus live.
import Glibc

/// A minimal blocking HTTP/1.1 client on a raw socket, so that tests can send malformed requests and read exactly what
/// the server answered. Each call runs on a thread of its own, never on the concurrency pool that the server's
/// connection tasks need.
enum RawHTTP {
    struct Response {
        var status: Int
        var headers: [String: String]
        var body: String
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Sends `bytes` to 127.0.0.1:`port` and reads until the server closes the connection (at most `timeout`
    /// seconds).
    static func exchange(port: Int, _ bytes: [UInt8], timeout: Int = 10) async throws -> [UInt8] {
        let connection = try await Connection.open(port: port, timeout: timeout)
        defer { connection.close() }
        try await connection.send(bytes)
        return try await connection.readToEnd()
    }

    /// Runs blocking socket work on a thread of its own.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    /// One open connection, for tests that keep it across server events.
    final class Connection: @unchecked Sendable {
        private let fd: Int32

        private init(fd: Int32) { self.fd = fd }

        static func open(port: Int, timeout: Int = 10) async throws -> Connection {
            try await offPool { Connection(fd: try RawHTTP.connect(port: port, timeout: timeout)) }
        }

        func send(_ bytes: [UInt8]) async throws {
            let fd = fd
            try await offPool {
                var sent = 0
                while sent < bytes.count {
                    let count = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) }
                    // The server may close early on a bad request; what it answered is still to be read.
                    if count <= 0 { break }
                    sent += count
                }
            }
        }

        /// Reads until the text received contains `marker`, or the connection ends.
        func read(until marker: String) async throws -> String {
            let fd = fd
            return try await offPool {
                var received: [UInt8] = []
                while !String(decoding: received, as: UTF8.self).contains(marker) {
                    guard let chunk = RawHTTP.receive(fd) else { break }
                    received += chunk
                }
                return String(decoding: received, as: UTF8.self)
            }
        }

        func readToEnd() async throws -> [UInt8] {
            let fd = fd
            return try await offPool {
                var received: [UInt8] = []
                while let chunk = RawHTTP.receive(fd) { received += chunk }
                return received
            }
        }

        func close() {
            _ = Glibc.close(fd)
        }
    }

    private static func receive(_ fd: Int32) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return count > 0 ? Array(buffer[..<count]) : nil
    }

    /// `GET path` with `Connection: close`, parsed.
    static func get(
        port: Int, _ path: String, method: String = "GET", headers: [String: String] = [:]
    ) async throws -> Response {
        var request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        return try parse(try await exchange(port: port, Array(request.utf8)))
    }

    static func parse(_ bytes: [UInt8]) throws -> Response {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw Failure(description: "no response head: \(text)") }
        let headLines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let statusLine = headLines.first?.split(separator: " ") ?? []
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw Failure(description: "bad status line: \(text)")
        }
        var headers: [String: String] = [:]
        for line in headLines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Response(status: status, headers: headers, body: String(text[split.upperBound...]))
    }

    private static func connect(port: Int, timeout: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        var time = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            Glibc.close(fd)
            throw Failure(description: "connect to \(port): \(errno)")
        }
        return fd
    }

    /// A port that was free a moment ago, for a process that must be told its port in advance.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw Failure(description: "bind: \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
