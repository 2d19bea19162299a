import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Builds the API's answers: Jaeger's envelope (`data`, `total`, `limit`, `offset`, `errors`) for successes and
/// failures alike, so that Jaeger clients read both.
enum APIResponse {
    /// `data` in Jaeger's envelope; `total` is the number of items when `data` is an array.
    static func data(_ data: JSONValue) -> Response {
        var total: Int64 = 0
        if case .array(let items) = data { total = Int64(items.count) }
        return json(
            .object([
                ("data", data),
                ("total", .int(total)),
                ("limit", .int(0)),
                ("offset", .int(0)),
                ("errors", .null),
            ]),
            status: .ok
        )
    }

    /// An error in Jaeger's envelope: `data` null and one entry in `errors` with the status code and a message.
    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        json(
            .object([
                ("data", .null),
                ("total", .int(0)),
                ("limit", .int(0)),
                ("offset", .int(0)),
                ("errors", .array([.object([("code", .int(Int64(status.code))), ("msg", .string(message))])])),
            ]),
            status: status
        )
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: value.serialized()))
        )
    }
}

/// The clock pages and searches measure "now" by: Unix nanoseconds. Tests pass a fixed one.
public typealias WallClock = @Sendable () -> UInt64

/// The system clock in Unix nanoseconds.
public let systemWallClock: WallClock = {
    UInt64(max(0, Date().timeIntervalSince1970 * 1e9))
}

extension Request {
    /// The request's query string, form-decoded.
    var queryParameters: QueryParameters { QueryParameters(uri.query) }
}

/// A path parameter, percent-decoded (Hummingbird hands them over as sent).
func pathParameter(_ context: some RequestContext, _ name: String) -> String? {
    guard let raw = context.parameters.get(name) else { return nil }
    return raw.removingPercentEncoding ?? raw
}
