import Tracing

/// Moves span context and baggage in and out of a carrier, such as HTTP headers or gRPC metadata.
///
/// It has the shape of swift-distributed-tracing's `Instrument`, so any carrier with an `Injector` and an
/// `Extractor` works. ``extract(_:into:using:)`` never fails: a missing or malformed header leaves the context as it
/// was, so the next span starts a new trace. See the specification's
/// [Propagators API](https://opentelemetry.io/docs/specs/otel/context/api-propagators/).
///
/// ## The carrier contract
///
/// When a header appears more than once, the `Extractor` must return every value, in the order received, joined
/// with `","`: the one combination HTTP allows ([RFC 9110 §5.3](https://www.rfc-editor.org/rfc/rfc9110#section-5.3)).
/// Propagators rely on it. Several `tracestate` or `baggage` fields then read as one list, as the W3C specifications
/// ask. A repeated `traceparent` joins into a value that is not a `traceparent`, so it is ignored and the next span
/// starts a new trace: with two parents on offer, guessing one would be worse. An extractor that returns only the
/// first or the last value would hide the conflict and drop list members.
public protocol TextMapPropagator: Sendable {
    /// The header names this propagator writes, lowercase.
    var fields: [String] { get }

    /// Writes what `context` carries into `carrier`.
    func inject<Carrier, Inject: Injector>(_ context: ServiceContext, into carrier: inout Carrier, using injector: Inject)
    where Inject.Carrier == Carrier

    /// Reads `carrier` and adds what it finds to `context`.
    func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout ServiceContext, using extractor: Extract)
    where Extract.Carrier == Carrier
}

/// An `Extractor` that can also list the keys in its carrier.
///
/// Propagators whose header names have a common prefix, such as Jaeger's `uberctx-` baggage, need the list; with an
/// extractor that cannot give it, they read only their fixed headers.
public protocol KeyListingExtractor: Extractor {
    /// Every key in the carrier.
    func keys(in carrier: Carrier) -> [String]
}

/// Runs several propagators in order: each injects its own headers, and on extraction later ones add to or override
/// what earlier ones found.
public struct CompositePropagator: TextMapPropagator {
    /// The propagators, in order.
    public var propagators: [any TextMapPropagator]

    /// Creates a composite of `propagators`.
    public init(_ propagators: [any TextMapPropagator]) {
        self.propagators = propagators
    }

    public var fields: [String] { propagators.flatMap(\.fields) }

    public func inject<Carrier, Inject: Injector>(_ context: ServiceContext, into carrier: inout Carrier, using injector: Inject)
    where Inject.Carrier == Carrier {
        for propagator in propagators {
            propagator.inject(context, into: &carrier, using: injector)
        }
    }

    public func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout ServiceContext, using extractor: Extract)
    where Extract.Carrier == Carrier {
        for propagator in propagators {
            propagator.extract(carrier, into: &context, using: extractor)
        }
    }
}

extension String {
    /// The string's bytes with optional white space (spaces and tabs) removed at both ends.
    var trimmedOWSBytes: ArraySlice<UInt8> { Array(utf8)[...].trimmingOWS() }
}
