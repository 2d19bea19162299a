import AsyncHTTPClient
import CompressNIO
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import Telemetry

/// OTLP/HTTP on AsyncHTTPClient, for `http/protobuf` and `http/json`.
///
/// The client's own tracing is off, so exports never trace themselves.
final class OTLPHTTPTransport: OTLPTransport {
    private let client: HTTPClient
    private let url: String
    private let headers: HTTPHeaders
    private let gzip: Bool
    static let maximumResponseSize = 4 * 1024 * 1024

    init(configuration: OTLPResolvedConfiguration) throws {
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.tracing.tracer = nil
        clientConfiguration.redirectConfiguration = .disallow
        // A refused connection fails the attempt at once, so the exporter's own backoff governs retries.
        clientConfiguration.connectionPool.retryConnectionEstablishment = false
        if configuration.endpoint.usesTLS {
            var tls = TLSConfiguration.makeClientConfiguration()
            if let certificateFile = configuration.certificateFile {
                tls.trustRoots = .file(certificateFile)
            }
            if let chain = configuration.clientCertificateFile, let key = configuration.clientKeyFile {
                tls.certificateChain = try NIOSSLCertificate.fromPEMFile(chain).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
            }
            clientConfiguration.tlsConfiguration = tls
        }
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        self.url = configuration.endpoint.url
        var headers = HTTPHeaders()
        for (name, value) in configuration.headers { headers.add(name: name, value: value) }
        headers.replaceOrAdd(
            name: "content-type",
            value: configuration.protocol == .httpJSON ? "application/json" : "application/x-protobuf"
        )
        headers.replaceOrAdd(name: "user-agent", value: "swift-telemetry/\(Resource.sdkVersion)")
        self.gzip = configuration.compression == .gzip
        if gzip { headers.replaceOrAdd(name: "content-encoding", value: "gzip") }
        self.headers = headers
    }

    deinit {
        // An HTTPClient must be shut down before it is released; the exporter normally did so already.
        client.shutdown { _ in }
    }

    func run() async throws {}

    func send(_ body: [UInt8], timeout: Duration) async -> OTLPSendResult {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers = headers
        var buffer = ByteBuffer(bytes: body)
        if gzip {
            do {
                buffer = try buffer.compress(with: .gzip())
            } catch {
                return .rejected(reason: "gzip compression failed: \(error)")
            }
        }
        request.body = .bytes(buffer)
        let response: HTTPClientResponse
        let responseBody: ByteBuffer
        do {
            response = try await client.execute(request, timeout: .nanoseconds(Int64(timeout.nanoseconds)))
            responseBody = try await response.body.collect(upTo: Self.maximumResponseSize)
        } catch is CancellationError {
            return .rejected(reason: "cancelled")
        } catch {
            return .retryable(reason: "HTTP request failed: \(error)", retryAfter: nil)
        }
        let status = response.status.code
        switch status {
        case 200..<300:
            return .accepted(Array(buffer: responseBody))
        case 429, 502, 503, 504:
            let retryAfter = response.headers.first(name: "retry-after").flatMap { RetryAfter.parse($0) }
            return .retryable(reason: "HTTP \(status)", retryAfter: retryAfter)
        default:
            let text = String(decoding: Array(buffer: responseBody).prefix(256), as: UTF8.self)
            return .rejected(reason: "HTTP \(status)\(text.isEmpty ? "" : ": \(text)")")
        }
    }

    func shutdown() async {
        try? await client.shutdown()
    }
}

/// Parses `Retry-After`: delay seconds, or an HTTP-date.
enum RetryAfter {
    static func parse(_ value: String, now: Date = Date()) -> Duration? {
        let trimmed = value.trimmingWhitespace()
        if let seconds = Int(trimmed) { return seconds >= 0 ? .seconds(seconds) : nil }
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: trimmed) {
                let interval = date.timeIntervalSince(now)
                return .milliseconds(Int64(max(0, interval) * 1000))
            }
        }
        return nil
    }
}

extension Duration {
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
