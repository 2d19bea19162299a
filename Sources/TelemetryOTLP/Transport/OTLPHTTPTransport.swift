import AsyncHTTPClient
import CompressNIO
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization
import Telemetry

/// OTLP/HTTP on AsyncHTTPClient, for `http/protobuf` and `http/json`.
///
/// The client's own tracing is off, so exports never trace themselves.
final class OTLPHTTPTransport: OTLPTransport {
    private let client: HTTPClient
    private let url: String
    private let headers: HTTPHeaders
    private let gzip: Bool
    private let redactor: OTLPRedactor
    /// The buffer the last request's body was copied into, for the next one; see ``EncodingBuffers`` for why.
    private let bodyBuffer = Mutex<ByteBuffer?>(nil)
    /// The most of a success response's body that is read, for a partial success; the rest is skipped.
    static let maximumResponseSize = 4 * 1024 * 1024
    /// The most of an error response's body that is read, to show in the error.
    static let errorTextSize = 256

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
        self.redactor = OTLPRedactor(headers: configuration.headers)
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

    /// Whether AsyncHTTPClient traces this transport's requests; never, which tests check.
    var tracesRequests: Bool { client.tracer != nil }

    deinit {
        // An HTTPClient must be shut down before it is released; the exporter normally did so already.
        client.shutdown { _ in }
    }

    func run() async throws {}

    func send(_ body: [UInt8], timeout: Duration?) async -> OTLPSendResult {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers = headers
        var plain = bodyBuffer.withLock { stored in
            defer { stored = nil }
            return stored
        } ?? ByteBuffer()
        // Copies first if a send still holds the buffer.
        plain.clear()
        plain.writeBytes(body)
        defer { if plain.capacity <= EncodingBuffers.largestKeptBody { bodyBuffer.withLock { $0 = plain } } }
        var buffer = plain
        if gzip {
            do {
                buffer = try plain.compress(with: .gzip())
            } catch {
                return .rejected(reason: "gzip compression failed: \(OTLPFailureDescription.describe(error, redactor: redactor))")
            }
        }
        request.body = .bytes(buffer)
        let response: HTTPClientResponse
        do {
            // AsyncHTTPClient takes a deadline; for no limit, one so far away that it never fires.
            let limit = timeout ?? .longestConfigurable
            response = try await client.execute(request, timeout: .nanoseconds(limit.saturatingNanoseconds))
        } catch {
            let reason = "HTTP request failed: \(OTLPFailureDescription.describe(error, redactor: redactor))"
            if error is CancellationError || OTLPFailureDescription.isPermanent(error) { return .rejected(reason: reason) }
            return .retryable(reason: reason, retryAfter: nil)
        }
        let status = response.status.code
        // The status decides; the body only adds detail. A body that fails to arrive, or is larger than the cap,
        // changes nothing: a 2xx means the collector has the spans, so retrying would duplicate them.
        let success = (200..<300).contains(status)
        let responseBody = await Self.prefix(of: response.body, upTo: success ? Self.maximumResponseSize : Self.errorTextSize)
        switch status {
        case 200..<300:
            return .accepted(responseBody)
        case 429, 502, 503, 504:
            let retryAfter = response.headers.first(name: "retry-after").flatMap { RetryAfter.parse($0) }
            return .retryable(reason: "HTTP \(status)", retryAfter: retryAfter)
        default:
            let text = redactor.redact(String(decoding: responseBody, as: UTF8.self))
            return .rejected(reason: "HTTP \(status)\(text.isEmpty ? "" : ": \(text)")")
        }
    }

    /// The first `limit` bytes of `body`. Iteration stops there, which makes AsyncHTTPClient drop the rest with the
    /// connection, so that a huge or endless body costs neither memory nor time.
    static func prefix(of body: HTTPClientResponse.Body, upTo limit: Int) async -> [UInt8] {
        var bytes: [UInt8] = []
        do {
            for try await chunk in body {
                let room = limit - bytes.count
                bytes.append(contentsOf: chunk.readableBytesView.prefix(room))
                if chunk.readableBytes >= room { break }
            }
        } catch {
            // What arrived is all there is; the status has already decided the outcome.
        }
        return bytes
    }

    func shutdown() async {
        bodyBuffer.withLock { $0 = nil }
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
                // Saturated: a date centuries away must not trap on conversion.
                let milliseconds = min(max(0, date.timeIntervalSince(now)) * 1000, Double(Int64.max / 2))
                return .milliseconds(Int64(milliseconds))
            }
        }
        return nil
    }
}

