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
        // Scanned as bytes: the delimiters are ASCII, and this runs for every request.
        let utf8 = authority.utf8
        var hostStart = utf8.startIndex
        var hostEnd = utf8.endIndex
        var digits: Substring.UTF8View?
        if utf8.first == UInt8(ascii: "[") {
            // An IPv6 literal: the port, if any, follows the closing bracket.
            guard let close = utf8.firstIndex(of: UInt8(ascii: "]")) else { return }
            hostStart = utf8.index(after: hostStart)
            hostEnd = close
            let rest = utf8.index(after: close)
            if rest != utf8.endIndex {
                guard utf8[rest] == UInt8(ascii: ":") else { return }
                digits = authority[utf8.index(after: rest)...].utf8
            }
        } else if let colon = utf8.lastIndex(of: UInt8(ascii: ":")) {
            hostEnd = colon
            digits = authority[utf8.index(after: colon)...].utf8
        }
        var port: Int?
        if let digits {
            guard let parsed = Self.port(digits) else { return }
            port = parsed
        }
        guard hostStart < hostEnd else { return }
        serverAddress = String(authority[hostStart..<hostEnd])
        serverPort = port ?? Self.defaultPort(scheme: scheme)
    }

    /// A port number: decimal digits (RFC 3986 allows leading zeros) of a value up to 65535.
    private static func port(_ digits: Substring.UTF8View) -> Int? {
        guard !digits.isEmpty else { return nil }
        let significant = digits.drop { $0 == UInt8(ascii: "0") }
        guard significant.count <= 5 else { return nil }
        var value = 0
        for byte in significant {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value <= 65535 ? value : nil
    }

    static func defaultPort(scheme: String) -> Int? {
        switch scheme {
        case "http": return 80
        case "https": return 443
        default: return nil
        }
    }
}
