import GRPCCore
import Logging

/// The three OTLP collector services' `Export` methods, served from raw protobuf bytes: the decoder reads the
/// request itself, so no generated code is needed.
struct OTLPGRPCService: RegistrableRPCService {
    let handler: OTLPExportHandler
    let maxMessageBytes: Int
    let retryAfterSeconds: Int
    let readTimeout: Duration
    let logger: Logger

    static let services: [(fullyQualifiedService: String, signal: Signal)] = [
        ("opentelemetry.proto.collector.trace.v1.TraceService", .traces),
        ("opentelemetry.proto.collector.metrics.v1.MetricsService", .metrics),
        ("opentelemetry.proto.collector.logs.v1.LogsService", .logs),
    ]

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        for (service, signal) in Self.services {
            let handler = handler
            let maxMessageBytes = maxMessageBytes
            let retryAfterSeconds = retryAfterSeconds
            let readTimeout = readTimeout
            let logger = logger
            router.registerHandler(
                forMethod: MethodDescriptor(fullyQualifiedService: service, method: "Export"),
                deserializer: OTLPGRPCBytesDeserializer(),
                serializer: OTLPGRPCBytesSerializer()
            ) { request, _ in
                // The slot is taken before the message is read, so that only admitted calls hold a message.
                let response = try await handler.withAdmission {
                    try await Self.receive(
                        request,
                        signal: signal,
                        handler: handler,
                        maxMessageBytes: maxMessageBytes,
                        readTimeout: readTimeout,
                        retryAfter: retryAfterSeconds,
                        logger: logger
                    )
                } ?? Self.unavailable(OTLPExportHandler.busyReason, retryAfterSeconds: retryAfterSeconds)
                return StreamingServerResponse(single: response)
            }
        }
    }

    static func receive(
        _ request: StreamingServerRequest<[UInt8]>,
        signal: Signal,
        handler: OTLPExportHandler,
        maxMessageBytes: Int,
        readTimeout: Duration,
        retryAfter retryAfterSeconds: Int,
        logger: Logger
    ) async throws -> ServerResponse<[UInt8]> {
        guard let single = try await withDeadline(readTimeout, { try await ServerRequest(stream: request) }) else {
            handler.counters.countTimedOut()
            logger.debug(
                "OTLP/gRPC export abandoned: the message did not arrive in time",
                metadata: ["signal": "\(signal)"]
            )
            let reason = "the request message did not arrive within \(readTimeout)"
            return ServerResponse(error: RPCError(code: .deadlineExceeded, message: reason))
        }
        guard single.message.count <= maxMessageBytes else {
            handler.counters.countInvalid()
            let reason = "the request message exceeds \(maxMessageBytes) bytes"
            return ServerResponse(error: RPCError(code: .resourceExhausted, message: reason))
        }
        return await export(
            single.message,
            signal: signal,
            handler: handler,
            retryAfter: retryAfterSeconds,
            logger: logger
        )
    }

    static func export(
        _ body: [UInt8],
        signal: Signal,
        handler: OTLPExportHandler,
        retryAfter retryAfterSeconds: Int,
        logger: Logger
    ) async -> ServerResponse<[UInt8]> {
        switch await handler.export(body, signal: signal, encoding: .protobuf) {
        case .accepted(let rejected, let reason):
            if rejected > 0 {
                logger.debug(
                    "OTLP/gRPC export partly rejected",
                    metadata: ["signal": "\(signal)", "rejected": "\(rejected)"]
                )
            }
            return ServerResponse(
                message: OTLPResponseEncoder.exportResponse(
                    signal: signal,
                    rejected: rejected,
                    message: reason,
                    encoding: .protobuf
                )
            )
        case .invalid(let reason):
            logger.debug(
                "OTLP/gRPC export refused as undecodable",
                metadata: ["signal": "\(signal)", "reason": "\(reason)"]
            )
            return ServerResponse(error: RPCError(code: .invalidArgument, message: reason))
        case .unavailable(let reason):
            return unavailable(reason, retryAfterSeconds: retryAfterSeconds)
        }
    }

    /// UNAVAILABLE is retryable in OTLP/gRPC without conditions; RESOURCE_EXHAUSTED would be retried only by
    /// exporters that read RetryInfo. RetryInfo still rides along for those that honour it.
    static func unavailable(_ reason: String, retryAfterSeconds: Int) -> ServerResponse<[UInt8]> {
        var metadata = Metadata()
        let status = OTLPResponseEncoder.status(
            code: .unavailable,
            message: reason,
            details: [.retryInfo(delaySeconds: Int64(retryAfterSeconds))],
            encoding: .protobuf
        )
        metadata.addBinary(status, forKey: "grpc-status-details-bin")
        return ServerResponse(error: RPCError(code: .unavailable, message: reason, metadata: metadata))
    }
}

/// Hands the request's protobuf bytes to the decoder unchanged.
struct OTLPGRPCBytesDeserializer: MessageDeserializer {
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> [UInt8] {
        serializedMessageBytes.withUnsafeBytes { Array($0) }
    }
}

/// Sends the already-encoded response unchanged.
struct OTLPGRPCBytesSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes {
        Bytes(message)
    }
}
