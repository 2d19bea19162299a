import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Answers OTLP/HTTP export requests as the specification describes: `POST /v1/{traces,metrics,logs}` with a
/// protobuf or JSON body, optionally gzip-compressed, answered in the request's own encoding.
struct OTLPHTTPResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let handler: OTLPExportHandler
    let maxBodyBytes: Int
    let retryAfterSeconds: Int
    let readTimeout: Duration
    let logger: Logger

    static let paths: [String: Signal] = ["/v1/traces": .traces, "/v1/metrics": .metrics, "/v1/logs": .logs]

    func respond(to request: Request, context: Context) async throws -> Response {
        let encoding = OTLPHTTPRequestHeaders.encoding(contentType: request.headers[.contentType])
        // Error bodies follow the request's encoding when it has a usable one, and are protobuf otherwise.
        let errorEncoding = encoding ?? .protobuf
        guard let signal = Self.paths[request.uri.path] else {
            let message = "no OTLP endpoint at this path; use /v1/traces, /v1/metrics or /v1/logs"
            return error(.notFound, code: .notFound, message, errorEncoding)
        }
        guard request.method == .post else {
            var response = error(.methodNotAllowed, code: .unimplemented, "OTLP exports use POST", errorEncoding)
            response.headers[.allow] = "POST"
            return response
        }
        guard let encoding else {
            let message = "Content-Type must be application/x-protobuf or application/json"
            return error(.unsupportedMediaType, code: .invalidArgument, message, errorEncoding)
        }
        guard let coding = OTLPHTTPRequestHeaders.contentCoding(request.headers[values: .contentEncoding]) else {
            let message = "Content-Encoding must be gzip or identity"
            var response = error(.unsupportedMediaType, code: .invalidArgument, message, encoding)
            response.headers[.acceptEncoding] = "gzip, identity"
            return response
        }
        let declaredLength = OTLPHTTPRequestHeaders.contentLength(request.headers[.contentLength])
        if let declaredLength, declaredLength > maxBodyBytes {
            return tooLarge(encoding)
        }
        let response = try await handler.withAdmission {
            try await export(request.body, signal: signal, encoding: encoding, coding: coding)
        }
        return response ?? unavailable(OTLPExportHandler.busyReason, encoding)
    }

    private func export(
        _ requestBody: RequestBody,
        signal: Signal,
        encoding: OTLPEncoding,
        coding: OTLPHTTPRequestHeaders.ContentCoding
    ) async throws -> Response {
        let maxBodyBytes = maxBodyBytes
        let read = try await withDeadline(readTimeout) { () async throws -> ByteBuffer? in
            var body = ByteBuffer()
            for try await chunk in requestBody {
                guard body.readableBytes + chunk.readableBytes <= maxBodyBytes else { return nil }
                var chunk = chunk
                body.writeBuffer(&chunk)
            }
            return body
        }
        guard let read else {
            handler.counters.countTimedOut()
            logger.debug(
                "OTLP/HTTP export abandoned: the body did not arrive in time",
                metadata: ["signal": "\(signal)"]
            )
            let message = "the request body did not arrive within \(readTimeout)"
            let status = OTLPResponseEncoder.status(code: .deadlineExceeded, message: message, encoding: encoding)
            var response = Self.response(.requestTimeout, status, encoding)
            // The rest of the body may never come: the connection cannot carry another request.
            response.headers[.connection] = "close"
            return response
        }
        // Read in time, but cut off at the size limit.
        guard var body = read else { return tooLarge(encoding) }
        if coding == .gzip {
            do {
                body = try GzipBody.inflate(body, limit: maxBodyBytes)
            } catch .tooLarge {
                return tooLarge(encoding)
            } catch .malformed(let reason) {
                return error(.badRequest, code: .invalidArgument, reason, encoding)
            }
        }
        switch await handler.export(body, signal: signal, encoding: encoding) {
        case .accepted(let rejected, let reason):
            if rejected > 0 {
                logger.debug(
                    "OTLP/HTTP export partly rejected",
                    metadata: ["signal": "\(signal)", "rejected": "\(rejected)"]
                )
            }
            let response = OTLPResponseEncoder.exportResponse(
                signal: signal,
                rejected: rejected,
                message: reason,
                encoding: encoding
            )
            return Self.response(.ok, response, encoding)
        case .invalid(let reason):
            logger.debug(
                "OTLP/HTTP export refused as undecodable",
                metadata: ["signal": "\(signal)", "reason": "\(reason)"]
            )
            let status = OTLPResponseEncoder.status(code: .invalidArgument, message: reason, encoding: encoding)
            return Self.response(.badRequest, status, encoding)
        case .unavailable(let reason):
            return unavailable(reason, encoding)
        }
    }

    /// 503 is one of OTLP/HTTP's retryable statuses; Retry-After tells the exporter how long to back off.
    private func unavailable(_ reason: String, _ encoding: OTLPEncoding) -> Response {
        let status = OTLPResponseEncoder.status(
            code: .unavailable,
            message: reason,
            details: [.retryInfo(delaySeconds: Int64(retryAfterSeconds))],
            encoding: encoding
        )
        var response = Self.response(.serviceUnavailable, status, encoding)
        response.headers[.retryAfter] = String(retryAfterSeconds)
        return response
    }

    private func tooLarge(_ encoding: OTLPEncoding) -> Response {
        error(.contentTooLarge, code: .invalidArgument, "the request body exceeds \(maxBodyBytes) bytes", encoding)
    }

    /// A refusal decided here rather than by the decoder, counted as an invalid request.
    private func error(
        _ status: HTTPResponse.Status,
        code: OTLPStatusCode,
        _ message: String,
        _ encoding: OTLPEncoding
    ) -> Response {
        handler.counters.countInvalid()
        let body = OTLPResponseEncoder.status(code: code, message: message, encoding: encoding)
        return Self.response(status, body, encoding)
    }

    private static func response(_ status: HTTPResponse.Status, _ body: [UInt8], _ encoding: OTLPEncoding) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = encoding == .json ? "application/json" : "application/x-protobuf"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
