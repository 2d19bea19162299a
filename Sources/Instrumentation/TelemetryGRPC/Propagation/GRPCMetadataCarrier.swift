import GRPCCore
import Tracing

/// Reads propagation fields from grpc-swift-2's `Metadata`, the request and response metadata of every call.
///
/// It serves both this SDK's ``TextMapPropagator`` and swift-distributed-tracing's `Tracer.extract`, which share the
/// `Extractor` protocol. Lookup ignores case, as gRPC metadata does. A key sent several times is returned as every
/// string value in the order received, joined with `","`, which is the ``TextMapPropagator`` carrier contract. Binary
/// values (keys ending in `-bin`) are skipped: no text propagator reads them, and decoding them as text would only
/// produce garbage for the propagator to reject.
public struct GRPCMetadataExtractor: KeyListingExtractor {
    /// Creates an extractor.
    public init() {}

    /// Every string value of `key`, joined with `","`, or `nil` when there is none.
    public func extract(key: String, from carrier: Metadata) -> String? {
        var joined: String?
        for value in carrier[stringValues: key] {
            if let earlier = joined {
                joined = earlier + "," + value
            } else {
                joined = value
            }
        }
        return joined
    }

    /// The keys that carry string values, lowercase, each once.
    public func keys(in carrier: Metadata) -> [String] {
        var seen = Set<String>()
        var keys: [String] = []
        for (key, value) in carrier {
            guard case .string = value else { continue }
            let lowercased = key.lowercased()
            if seen.insert(lowercased).inserted { keys.append(lowercased) }
        }
        return keys
    }
}

/// Writes propagation fields into grpc-swift-2's `Metadata`.
///
/// It serves both this SDK's ``TextMapPropagator`` and swift-distributed-tracing's `Tracer.inject`. A field the
/// propagator writes replaces every earlier value of that key, so a call forwarded with its incoming metadata never
/// carries two `traceparent`s. A key ending in `-bin`, which gRPC reserves for binary values, is skipped: a string
/// there would be sent base64-decoded by the peer's transport and arrive corrupted.
public struct GRPCMetadataInjector: Injector {
    /// Creates an injector.
    public init() {}

    /// Sets `key` to `value`, replacing earlier values.
    public func inject(_ value: String, forKey key: String, into carrier: inout Metadata) {
        guard !key.lowercased().hasSuffix("-bin") else { return }
        carrier.replaceOrAddString(value, forKey: key)
    }
}
