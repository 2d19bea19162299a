import GRPCCore
import Tracing

/// The RPC semantic conventions, as they apply to gRPC: names, attributes and status rules shared by the client and
/// server interceptors.
///
/// Attribute names follow the conventions' long-standing gRPC set (`rpc.system`, `rpc.service`, `rpc.method`,
/// `rpc.grpc.status_code`), which backends and dashboards query today. The release-candidate conventions rename
/// some of them; of those, `rpc.system.name` and the textual `rpc.response.status_code` are emitted too, as they do
/// not collide with the older names. The metrics use the current names, `rpc.server.call.duration` and
/// `rpc.client.call.duration`, in seconds (the older `rpc.server.duration` was in milliseconds).
enum GRPCSemantics {
    /// Boundaries for the call duration histograms, in seconds: those the HTTP conventions advise for
    /// `http.server.request.duration`, so that RPC and HTTP latencies share buckets.
    static let durationBucketBoundaries: [Double] = [
        0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
    ]

    /// `{rpc.service}/{rpc.method}`, the conventions' span name.
    static func spanName(_ method: MethodDescriptor) -> String {
        method.fullyQualifiedMethod
    }

    /// The attributes every gRPC span and measurement carries.
    static func methodAttributes(_ method: MethodDescriptor) -> [(String, String)] {
        [
            ("rpc.system", "grpc"),
            ("rpc.system.name", "grpc"),
            ("rpc.service", method.service.fullyQualifiedService),
            ("rpc.method", method.method),
        ]
    }

    /// The numeric gRPC status of a call that ended with `error`, or OK (0) without one.
    ///
    /// An error that is not an `RPCError` is what grpc-swift sends as UNKNOWN, unless it says otherwise through
    /// `RPCErrorConvertible`.
    static func statusCode(of error: (any Error)?) -> Int {
        guard let error else { return 0 }
        if let rpcError = error as? RPCError { return rpcError.code.rawValue }
        if let convertible = error as? any RPCErrorConvertible { return convertible.rpcErrorCode.rawValue }
        return RPCError.Code.unknown.rawValue
    }

    /// The status names of the gRPC specification, by number.
    private static let statusNames = [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
        "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    ]

    /// The status's name, such as `NOT_FOUND`; a number outside the specification stays a number.
    static func statusName(_ code: Int) -> String {
        statusNames.indices.contains(code) ? statusNames[code] : String(code)
    }

    /// Whether a status marks the span as an error.
    ///
    /// A client sees every non-OK status as a failed call. A server marks only the codes that say it failed:
    /// UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE and DATA_LOSS; the others (NOT_FOUND,
    /// INVALID_ARGUMENT, …) are the server correctly answering a caller's mistake.
    static func isError(_ code: Int, kind: SpanKind) -> Bool {
        guard code != 0 else { return false }
        guard kind == .server else { return true }
        return [2, 4, 12, 13, 14, 15].contains(code)
    }

    /// The address and port of a grpc-swift peer description.
    ///
    /// The NIO transports describe peers as `ipv4:127.0.0.1:50051`, `ipv6:[::1]:50051` or `unix:/path`; the
    /// in-process transport as `in-process:<pid>`, which names no address. Anything unrecognised gives nothing.
    struct Peer: Equatable {
        var address: String
        var port: Int?
        var type: String?
        var transport: String
    }

    static func peer(_ description: String) -> Peer? {
        if description.hasPrefix("ipv4:") {
            let rest = description.dropFirst("ipv4:".count)
            guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]) else {
                return nil
            }
            return Peer(address: String(rest[..<colon]), port: port, type: "ipv4", transport: "tcp")
        }
        if description.hasPrefix("ipv6:") {
            let rest = description.dropFirst("ipv6:".count)
            guard rest.first == "[", let close = rest.lastIndex(of: "]") else { return nil }
            let address = rest[rest.index(after: rest.startIndex)..<close]
            let afterClose = rest[rest.index(after: close)...]
            guard afterClose.first == ":", let port = Int(afterClose.dropFirst()) else { return nil }
            return Peer(address: String(address), port: port, type: "ipv6", transport: "tcp")
        }
        if description.hasPrefix("unix:") {
            let path = description.dropFirst("unix:".count)
            guard !path.isEmpty else { return nil }
            return Peer(address: String(path), port: nil, type: nil, transport: "unix")
        }
        return nil
    }

    /// `network.peer.*`, `network.type` and `network.transport` for `peer`.
    static func peerAttributes(_ peer: Peer) -> [(String, SpanAttribute)] {
        var attributes: [(String, SpanAttribute)] = [
            ("network.peer.address", .string(peer.address)),
            ("network.transport", .string(peer.transport)),
        ]
        if let port = peer.port { attributes.append(("network.peer.port", .int64(Int64(port)))) }
        if let type = peer.type { attributes.append(("network.type", .string(type))) }
        return attributes
    }
}
