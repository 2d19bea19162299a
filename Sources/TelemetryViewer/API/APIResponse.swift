import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Builds the API's answers: Jaeger's envelope (`data`, `total`, `limit`, `offset`, `errors`) for successes and
/// failures alike, so that Jaeger clients read both.
enum APIResponse {
    /// `data` in Jaeger's envelope; `total` is the number of items when `data` is an array. `errors` lists
    /// partial failures beside the data, as Jaeger does for trace ids it did not find.
    static func data(_ data: JSONValue, errors: [JSONValue] = []) -> Response {
        var total: Int64 = 0
        if case .array(let items) = data { total = Int64(items.count) }
        return json(
            .object([
                ("data", data),
                ("total", .int(total)),
                ("limit", .int(0)),
                ("offset", .int(0)),
                ("errors", errors.isEmpty ? .null : .array(errors)),
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
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store", .xContentTypeOptions: "nosniff"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: value.serialized()))
        )
    }
}

/// What an API handler decided, before it becomes a response.
enum APIAnswer {
    case data(JSONValue, errors: [JSONValue] = [])
    case error(HTTPResponse.Status, String)

    var response: Response {
        switch self {
        case .data(let data, let errors): APIResponse.data(data, errors: errors)
        case .error(let status, let message): APIResponse.error(status, message)
        }
    }
}

/// Route groups answering in Jaeger's envelope.
protocol APIRoutes {
    var logger: Logger { get }
}

extension APIRoutes {
    /// Runs a handler, turning a store failure into a 500 in Jaeger's envelope instead of Hummingbird's default.
    func answer(_ body: () async throws -> APIAnswer) async throws -> Response {
        do {
            return try await body().response
        } catch {
            logger.error("query failed", metadata: ["error": "\(error)"])
            return APIResponse.error(.internalServerError, "the query failed: \(error)")
        }
    }
}

/// The clock pages and searches measure "now" by: Unix nanoseconds. Tests pass a fixed one.
public typealias WallClock = @Sendable () -> UInt64

/// The system clock in Unix nanoseconds.
@usableFromInline let systemWallClock: WallClock = {
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
