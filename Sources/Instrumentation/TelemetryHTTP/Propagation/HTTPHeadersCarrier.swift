import NIOHTTP1
import Tracing

/// Reads propagation headers from SwiftNIO's `HTTPHeaders`, the header type of Vapor 4 and of AsyncHTTPClient's
/// original API.
///
/// It serves both this SDK's ``TextMapPropagator`` and swift-distributed-tracing's `Tracer.extract`. Lookup ignores
/// case. A header sent several times is returned as every value in the order received, joined with `","`, which is
/// the ``TextMapPropagator`` carrier contract.
public struct HTTPHeadersExtractor: KeyListingExtractor {
    /// Creates an extractor.
    public init() {}

    /// Every value of the header `key`, joined with `","`, or `nil` when it is absent.
    public func extract(key: String, from carrier: HTTPHeaders) -> String? {
        let values = carrier[key]
        return values.isEmpty ? nil : values.joined(separator: ",")
    }

    /// The names of the headers present, lowercase, each once.
    public func keys(in carrier: HTTPHeaders) -> [String] {
        var seen = Set<String>()
        var names: [String] = []
        for (name, _) in carrier {
            let lowercased = name.lowercased()
            if seen.insert(lowercased).inserted { names.append(lowercased) }
        }
        return names
    }
}

/// Writes propagation headers into SwiftNIO's `HTTPHeaders`.
///
/// A header the propagator writes replaces any earlier value of that header, whatever its case.
public struct HTTPHeadersInjector: Injector {
    /// Creates an injector.
    public init() {}

    /// Sets the header `key` to `value`, replacing earlier values.
    public func inject(_ value: String, forKey key: String, into carrier: inout HTTPHeaders) {
        // NIO writes whatever it is given onto the wire; a name or value with a line break would split the header
        // block, so such a pair is dropped rather than sent.
        guard Self.isSafe(key), Self.isSafe(value), !key.isEmpty else { return }
        carrier.replaceOrAdd(name: key, value: value)
    }

    private static func isSafe(_ text: String) -> Bool {
        !text.utf8.contains { $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") || $0 == 0 }
    }
}
