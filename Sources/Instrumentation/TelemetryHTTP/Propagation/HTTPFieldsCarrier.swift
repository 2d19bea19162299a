import HTTPTypes
import Tracing

/// Reads propagation headers from swift-http-types' `HTTPFields`, the header type of Hummingbird 2 and of
/// AsyncHTTPClient's new API.
///
/// It serves both this SDK's ``TextMapPropagator`` and swift-distributed-tracing's `Tracer.extract`, which share the
/// `Extractor` protocol. Lookup ignores case, as HTTP does. A header sent several times is returned as every value in
/// the order received, joined with `","`, which is the ``TextMapPropagator`` carrier contract. A key that is not a
/// valid header name finds nothing.
public struct HTTPFieldsExtractor: KeyListingExtractor {
    /// Creates an extractor.
    public init() {}

    /// Every value of the header `key`, joined with `","`, or `nil` when it is absent or `key` is not a header name.
    public func extract(key: String, from carrier: HTTPFields) -> String? {
        guard let name = HTTPField.Name(key) else { return nil }
        // `HTTPFields`' own subscript joins with ", " (and with "; " for cookies); the contract asks for ",", which
        // the propagators then split and trim.
        var joined: String?
        for field in carrier where field.name == name {
            if let earlier = joined {
                joined = earlier + "," + field.value
            } else {
                joined = field.value
            }
        }
        return joined
    }

    /// The names of the headers present, lowercase, each once.
    public func keys(in carrier: HTTPFields) -> [String] {
        var seen = Set<String>()
        var names: [String] = []
        for field in carrier where seen.insert(field.name.canonicalName).inserted {
            names.append(field.name.canonicalName)
        }
        return names
    }
}

/// Writes propagation headers into swift-http-types' `HTTPFields`.
///
/// It serves both this SDK's ``TextMapPropagator`` and swift-distributed-tracing's `Tracer.inject`. A header the
/// propagator writes replaces any earlier value of that header, so a forwarded request never carries two
/// `traceparent`s. A key that is not a valid header name is skipped.
public struct HTTPFieldsInjector: Injector {
    /// Creates an injector.
    public init() {}

    /// Sets the header `key` to `value`, replacing earlier values.
    public func inject(_ value: String, forKey key: String, into carrier: inout HTTPFields) {
        guard let name = HTTPField.Name(key) else { return }
        carrier[name] = value
    }
}
