/// What a server instrumentation knows about one request, in the terms of the HTTP semantic conventions.
///
/// A framework integration fills it from its request type, then ``HTTPServerSemantics`` turns it into the span's name
/// and attributes and ``HTTPServerMetrics`` into the metrics' attributes. It holds no header values other than
/// `User-Agent`, which may carry secrets; the query string is recorded on spans with the values the conventions name
/// as sensitive redacted, and never on metrics.
public struct HTTPServerRequestInfo: Sendable, Hashable {
    /// The method as received, for example `GET`.
    public var method: String
    /// The path, without the query: `url.path`.
    public var path: String
    /// The query, without its leading `?`, when the request had one: `url.query`, after redaction (see
    /// ``HTTPClientSemantics/redactedQuery(_:)``, which servers share).
    public var query: String?
    /// `http` or `https`: `url.scheme`.
    public var scheme: String
    /// The matched route template, for example `/orders/{id}`, or `nil` when no route matched: `http.route`. Never the
    /// raw path, which would make one span name and one series per URL.
    public var route: String?
    /// The host the client asked for, from `Host` or `:authority`: `server.address`.
    public var serverAddress: String?
    /// The port the client asked for, or the scheme's default: `server.port`.
    public var serverPort: Int?
    /// The peer's address: `client.address`.
    public var clientAddress: String?
    /// The peer's port: `client.port`.
    public var clientPort: Int?
    /// The `User-Agent` header: `user_agent.original`.
    public var userAgent: String?
    /// The HTTP version, such as `1.1` or `2`: `network.protocol.version`.
    public var protocolVersion: String?
    /// The request body's size in bytes when known (from `Content-Length`): `http.request.body.size`.
    public var requestBodySize: Int?

    /// Creates a description of a request.
    public init(
        method: String,
        path: String,
        query: String? = nil,
        scheme: String = "http",
        route: String? = nil,
        serverAddress: String? = nil,
        serverPort: Int? = nil,
        clientAddress: String? = nil,
        clientPort: Int? = nil,
        userAgent: String? = nil,
        protocolVersion: String? = nil,
        requestBodySize: Int? = nil
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.scheme = scheme
        self.route = route
        self.serverAddress = serverAddress
        self.serverPort = serverPort
        self.clientAddress = clientAddress
        self.clientPort = clientPort
        self.userAgent = userAgent
        self.protocolVersion = protocolVersion
        self.requestBodySize = requestBodySize
    }

    /// Sets ``serverAddress`` and ``serverPort`` from a `Host` or `:authority` value such as `example.com:8080` or
    /// `[::1]:8080`; without a port, the scheme's default port applies. A malformed value sets nothing.
    public mutating func setAuthority(_ authority: String?) {
        guard let authority, !authority.isEmpty else { return }
        var host = Substring(authority)
        var port: Int?
        if host.hasPrefix("[") {
            // An IPv6 literal: the port, if any, follows the closing bracket.
            guard let close = host.firstIndex(of: "]") else { return }
            let rest = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if rest.hasPrefix(":") {
                guard let parsed = Int(rest.dropFirst()), (0...65535).contains(parsed) else { return }
                port = parsed
            } else if !rest.isEmpty {
                return
            }
        } else if let colon = host.lastIndex(of: ":") {
            guard let parsed = Int(host[host.index(after: colon)...]), (0...65535).contains(parsed) else { return }
            port = parsed
            host = host[..<colon]
        }
        guard !host.isEmpty else { return }
        serverAddress = String(host)
        serverPort = port ?? Self.defaultPort(scheme: scheme)
    }

    static func defaultPort(scheme: String) -> Int? {
        switch scheme {
        case "http": return 80
        case "https": return 443
        default: return nil
        }
    }
}
