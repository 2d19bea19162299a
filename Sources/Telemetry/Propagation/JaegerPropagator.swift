import Tracing

/// Propagates the span context and baggage in Jaeger's format: `uber-trace-id` and `uberctx-<name>` headers.
///
/// `uber-trace-id` is `{trace-id}:{span-id}:{parent-span-id}:{flags}` in hex, where flag 0x01 means sampled and
/// 0x02 (debug) is read as sampled; a URL-encoded value is accepted. Baggage is read only when the extractor is a
/// ``KeyListingExtractor``, because the header names are not fixed. Baggage read or written is bounded as
/// ``W3CBaggagePropagator`` bounds its header: at most 180 members, each at most 4096 bytes as `name=value`, and
/// 8192 bytes in all.
/// See [Jaeger propagation](https://www.jaegertracing.io/docs/latest/client-libraries/#propagation-format).
public struct JaegerPropagator: TextMapPropagator {
    static let baggagePrefix = "uberctx-"

    /// Creates the propagator.
    public init() {}

    public var fields: [String] { ["uber-trace-id"] }

    public func inject<Carrier, Inject: Injector>(_ context: ServiceContext, into carrier: inout Carrier, using injector: Inject)
    where Inject.Carrier == Carrier {
        if let spanContext = context.spanContext, spanContext.isValid {
            let flags = spanContext.isSampled ? "01" : "00"
            let value = "\(spanContext.traceID.hexString):\(spanContext.spanID.hexString):0:\(flags)"
            injector.inject(value, forKey: "uber-trace-id", into: &carrier)
        }
        if let baggage = context.baggage {
            var budget = BaggageBudget()
            members: for entry in baggage.entries where W3CBaggagePropagator.isToken(Array(entry.name.utf8)[...]) {
                let value = PercentEncoding.encode(entry.value)
                switch budget.admit(name: entry.name, encodedValueLength: value.utf8.count) {
                case .admit: injector.inject(value, forKey: Self.baggagePrefix + entry.name, into: &carrier)
                case .skip: continue members
                case .stop: break members
                }
            }
        }
    }

    public func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout ServiceContext, using extractor: Extract)
    where Extract.Carrier == Carrier {
        if let header = extractor.extract(key: "uber-trace-id", from: carrier),
            let spanContext = Self.parse(header)
        {
            context.spanContext = spanContext
        }
        guard let listing = extractor as? any KeyListingExtractor else { return }
        let keys = Self.keys(of: carrier, using: listing)
        var baggage = context.baggage ?? Baggage()
        var budget = BaggageBudget()
        members: for key in keys where key.lowercased().hasPrefix(Self.baggagePrefix) {
            let name = String(key.dropFirst(Self.baggagePrefix.count))
            guard !name.isEmpty, let raw = extractor.extract(key: key, from: carrier) else { continue }
            let encoded = raw.trimmedOWSBytes
            // Values are decoded as W3C Baggage decodes them, so one service's baggage reads the same in either format.
            guard let value = PercentEncoding.decode(encoded, invalidUTF8: .replace) else { continue }
            switch budget.admit(name: name, encodedValueLength: encoded.count) {
            case .admit: baggage.setValue(value, forName: name)
            case .skip: continue members
            case .stop: break members
            }
        }
        context.baggage = baggage
    }

    private static func keys<Listing: KeyListingExtractor>(of carrier: Any, using extractor: Listing) -> [String] {
        guard let carrier = carrier as? Listing.Carrier else { return [] }
        return extractor.keys(in: carrier)
    }

    /// Counts `uberctx-` members against W3C Baggage's limits. Jaeger spends one header per member, so without a
    /// budget a peer could make us read, or make us write, any number of them.
    struct BaggageBudget {
        enum Admission {
            /// The member fits; it has been counted.
            case admit
            /// The member alone is too long; later ones may still fit.
            case skip
            /// The members or bytes are used up; read or write no more.
            case stop
        }

        private var members = 0
        private var bytes = 0

        /// Counts a member as W3C Baggage would write it, `name=value`, with a comma before all but the first.
        mutating func admit(name: String, encodedValueLength: Int) -> Admission {
            let length = name.utf8.count + 1 + encodedValueLength
            guard length <= W3CBaggagePropagator.maximumMemberLength else { return .skip }
            let total = bytes + (members == 0 ? 0 : 1) + length
            guard members < W3CBaggagePropagator.maximumMembers, total <= W3CBaggagePropagator.maximumHeaderLength else {
                return .stop
            }
            members += 1
            bytes = total
            return .admit
        }
    }

    static func parse(_ header: String) -> SpanContext? {
        guard let decoded = PercentEncoding.decode(header.trimmedOWSBytes) else { return nil }
        let fields = Array(decoded.utf8).split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard fields.count == 4,
            fields[0].count <= 32, let traceID = TraceID(lenientHex: Array(fields[0])), traceID.isValid,
            fields[1].count <= 16, let spanID = SpanID(lenientHex: fields[1]), spanID.isValid,
            Hex.parseUInt64(fields[2], allowUppercase: true) != nil,
            let flags = Hex.parseUInt64(fields[3], allowUppercase: true)
        else { return nil }
        let sampled = flags & 0x03 != 0
        return SpanContext(traceID: traceID, spanID: spanID, traceFlags: sampled ? .sampled : [], isRemote: true)
    }
}
