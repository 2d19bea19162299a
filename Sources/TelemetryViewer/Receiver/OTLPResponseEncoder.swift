/// Encodes what the receiver answers: the `Export*ServiceResponse` messages and `google.rpc.Status`, in protobuf or
/// in OTLP/JSON, following the opentelemetry-proto and googleapis definitions.
enum OTLPResponseEncoder {
    /// `Export{Trace,Metrics,Logs}ServiceResponse`: `partial_success` (field 1) holds the rejected count (field 1,
    /// int64) and the message (field 2). Left empty when nothing was rejected and there is nothing to say, as the
    /// specification asks of a fully accepted request.
    static func exportResponse(signal: Signal, rejected: Int64, message: String, encoding: OTLPEncoding) -> [UInt8] {
        let hasPartialSuccess = rejected != 0 || !message.isEmpty
        switch encoding {
        case .protobuf:
            guard hasPartialSuccess else { return [] }
            var partialSuccess = ResponseProtobufWriter()
            partialSuccess.int64(1, rejected)
            partialSuccess.string(2, message)
            var response = ResponseProtobufWriter()
            response.bytesField(1, partialSuccess.bytes)
            return response.bytes
        case .json:
            guard hasPartialSuccess else { return Array("{}".utf8) }
            var members: [String] = []
            // proto3's JSON mapping writes 64-bit integers as strings.
            if rejected != 0 { members.append("\"\(rejectedFieldJSONName(signal))\":\"\(rejected)\"") }
            if !message.isEmpty { members.append("\"errorMessage\":\(ResponseJSONString.quoted(message))") }
            return Array("{\"partialSuccess\":{\(members.joined(separator: ","))}}".utf8)
        }
    }

    /// `google.rpc.Status`: `code` (field 1, int32), `message` (field 2) and `details` (field 3, `Any`), the body
    /// of every OTLP/HTTP error response.
    static func status(
        code: OTLPStatusCode,
        message: String,
        details: [OTLPStatusDetail] = [],
        encoding: OTLPEncoding
    ) -> [UInt8] {
        switch encoding {
        case .protobuf:
            var status = ResponseProtobufWriter()
            status.int64(1, Int64(code.rawValue))
            status.string(2, message)
            for detail in details {
                status.bytesField(3, detail.encodedAny)
            }
            return status.bytes
        case .json:
            var members = ["\"code\":\(code.rawValue)"]
            if !message.isEmpty { members.append("\"message\":\(ResponseJSONString.quoted(message))") }
            if !details.isEmpty { members.append("\"details\":[\(details.map(\.json).joined(separator: ","))]") }
            return Array("{\(members.joined(separator: ","))}".utf8)
        }
    }

    private static func rejectedFieldJSONName(_ signal: Signal) -> String {
        switch signal {
        case .traces: "rejectedSpans"
        case .metrics: "rejectedDataPoints"
        case .logs: "rejectedLogRecords"
        }
    }
}

/// The gRPC status codes the receiver answers with, numbered as in google/rpc/code.proto.
enum OTLPStatusCode: Int32, Sendable {
    case invalidArgument = 3
    case deadlineExceeded = 4
    case notFound = 5
    case resourceExhausted = 8
    case unimplemented = 12
    case unavailable = 14
}

/// One entry of `google.rpc.Status.details`. Only `RetryInfo` is needed: it tells a sender when to retry.
enum OTLPStatusDetail: Sendable, Hashable {
    /// `google.rpc.RetryInfo { google.protobuf.Duration retry_delay = 1; }`.
    case retryInfo(delaySeconds: Int64)

    static let retryInfoTypeURL = "type.googleapis.com/google.rpc.RetryInfo"

    /// The detail packed in `google.protobuf.Any` (`type_url` = 1, `value` = 2).
    var encodedAny: [UInt8] {
        switch self {
        case .retryInfo(let seconds):
            var duration = ResponseProtobufWriter()
            duration.int64(1, seconds)
            var retryInfo = ResponseProtobufWriter()
            retryInfo.bytesField(1, duration.bytes)
            var any = ResponseProtobufWriter()
            any.string(1, Self.retryInfoTypeURL)
            any.bytesField(2, retryInfo.bytes)
            return any.bytes
        }
    }

    /// The JSON mapping of `Any` inlines the message's fields next to `@type`; a `Duration` is a string in seconds.
    var json: String {
        switch self {
        case .retryInfo(let seconds):
            "{\"@type\":\"\(Self.retryInfoTypeURL)\",\"retryDelay\":\"\(seconds)s\"}"
        }
    }
}

/// JSON string literals, escaped as RFC 8259 requires.
enum ResponseJSONString {
    static func quoted(_ value: String) -> String {
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
