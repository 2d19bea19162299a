import GRPCCore
import GRPCNIOTransportHTTP2
import Telemetry

/// OTLP/gRPC on grpc-swift 2 with the HTTP/2 NIO transport, sending the encoded bytes as they are.
///
/// One client keeps one long-lived HTTP/2 connection and reconnects by itself, with backoff, when the collector goes
/// away. Calls fail fast while disconnected, so the exporter's retry policy decides how long to keep trying.
final class OTLPGRPCTransport: OTLPTransport {
    private let client: GRPCClient<HTTP2ClientTransport.Posix>
    private let descriptor: MethodDescriptor
    private let metadata: Metadata
    private let compression: CompressionAlgorithm?
    private let redactor: OTLPRedactor

    init(configuration: OTLPResolvedConfiguration, service: String) throws {
        let endpoint = configuration.endpoint
        let security: HTTP2ClientTransport.Posix.TransportSecurity
        if endpoint.usesTLS {
            security = .tls { tls in
                if let certificateFile = configuration.certificateFile {
                    tls.trustRoots = .certificates([.file(path: certificateFile, format: .pem)])
                }
                if let chain = configuration.clientCertificateFile, let key = configuration.clientKeyFile {
                    tls.certificateChain = [.file(path: chain, format: .pem)]
                    tls.privateKey = .file(path: key, format: .pem)
                }
            }
        } else {
            security = .plaintext
        }
        let gzip = configuration.compression == .gzip
        let transport = try HTTP2ClientTransport.Posix(
            target: .dns(host: endpoint.host, port: endpoint.port),
            transportSecurity: security,
            config: .defaults { config in
                config.backoff = .init(initial: .milliseconds(250), max: .seconds(5), multiplier: 1.6, jitter: 0.2)
                if gzip { config.compression = .init(algorithm: .gzip, enabledAlgorithms: [.gzip]) }
            }
        )
        self.client = GRPCClient(transport: transport)
        self.descriptor = MethodDescriptor(fullyQualifiedService: service, method: "Export")
        var metadata = Metadata()
        for (name, value) in configuration.headers { metadata.addString(value, forKey: name) }
        self.metadata = metadata
        self.compression = gzip ? .gzip : nil
        self.redactor = OTLPRedactor(headers: configuration.headers)
    }

    func run() async throws {
        try await client.runConnections()
    }

    func send(_ body: [UInt8], timeout: Duration?) async -> OTLPSendResult {
        var options = CallOptions.defaults
        // Whole nanoseconds, saturated, and at least one: grpc-swift's wire encoding of a timeout traps on some
        // negative durations. `nil` is no deadline.
        options.timeout = timeout.map { .nanoseconds(max(1, $0.saturatingNanoseconds)) }
        options.waitForReady = false
        options.compression = compression
        do {
            let response = try await client.unary(
                request: ClientRequest(message: body, metadata: metadata),
                descriptor: descriptor,
                serializer: RawBytesSerializer(),
                deserializer: RawBytesDeserializer(),
                options: options
            ) { response in try response.message }
            return .accepted(response)
        } catch let error as RPCError {
            return Self.classify(error, redactor: redactor)
        } catch {
            let reason = "gRPC call failed: \(OTLPFailureDescription.describe(error, redactor: redactor))"
            if error is CancellationError || OTLPFailureDescription.isPermanent(error) { return .rejected(reason: reason) }
            return .retryable(reason: reason, retryAfter: nil)
        }
    }

    func shutdown() async {
        client.beginGracefulShutdown()
    }

    /// The specification's retryable codes; RESOURCE_EXHAUSTED only when the server says when to retry. A TLS
    /// certificate failure, which grpc-swift reports as UNAVAILABLE, is not retried.
    static func classify(_ error: RPCError, redactor: OTLPRedactor) -> OTLPSendResult {
        let reason = OTLPFailureDescription.describe(error, redactor: redactor)
        if OTLPFailureDescription.isCertificateFailure(error) { return .rejected(reason: reason) }
        switch error.code {
        case .unavailable, .deadlineExceeded, .aborted, .outOfRange, .dataLoss, .cancelled:
            return .retryable(reason: reason, retryAfter: retryDelay(in: error.metadata))
        case .resourceExhausted:
            guard let delay = retryDelay(in: error.metadata) else { return .rejected(reason: reason) }
            return .retryable(reason: reason, retryAfter: delay)
        default:
            return .rejected(reason: reason)
        }
    }

    /// The `RetryInfo.retry_delay` in a `grpc-status-details-bin` trailer, if any.
    static func retryDelay(in metadata: Metadata) -> Duration? {
        for details in metadata[binaryValues: "grpc-status-details-bin"] {
            if let delay = GoogleRPCStatus.retryDelay(in: details) { return delay }
        }
        return nil
    }
}

/// Passes the already-encoded request through unchanged.
struct RawBytesSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes {
        Bytes(message)
    }
}

/// Hands back the response bytes for the exporter to decode.
struct RawBytesDeserializer: MessageDeserializer {
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> [UInt8] {
        serializedMessageBytes.withUnsafeBytes { Array($0) }
    }
}

/// Reads `google.rpc.Status` (code 1, message 2, details 3) and the `google.rpc.RetryInfo` among its details.
enum GoogleRPCStatus {
    static let retryInfoType = "type.googleapis.com/google.rpc.RetryInfo"

    static func retryDelay(in status: [UInt8]) -> Duration? {
        var reader = ProtoReader(status)
        while let field = reader.next() {
            guard field.number == 3, case .bytes(let any) = field.value else { continue }
            var typeURL: String?
            var payload: ArraySlice<UInt8>?
            var anyReader = ProtoReader(any)
            while let anyField = anyReader.next() {
                if anyField.number == 1, case .bytes(let bytes) = anyField.value {
                    typeURL = String(decoding: bytes, as: UTF8.self)
                } else if anyField.number == 2, case .bytes(let bytes) = anyField.value {
                    payload = bytes
                }
            }
            guard typeURL == retryInfoType, let payload else { continue }
            // RetryInfo { google.protobuf.Duration retry_delay = 1; } and Duration { int64 seconds = 1; int32 nanos = 2; }
            var retryReader = ProtoReader(payload)
            while let retryField = retryReader.next() {
                guard retryField.number == 1, case .bytes(let duration) = retryField.value else { continue }
                var seconds: Int64 = 0
                var nanos: Int64 = 0
                var durationReader = ProtoReader(duration)
                while let part = durationReader.next() {
                    guard case .varint(let value) = part.value else { continue }
                    if part.number == 1 { seconds = Int64(bitPattern: value) }
                    if part.number == 2 { nanos = Int64(Int32(truncatingIfNeeded: value)) }
                }
                guard seconds >= 0, nanos >= 0 else { return nil }
                return .seconds(seconds) + .nanoseconds(nanos)
            }
        }
        return nil
    }
}
