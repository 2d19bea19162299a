/// Changes what the SDK makes of the instruments it selects: their name, description, attributes, aggregation and
/// cardinality limit, or dropping them.
///
/// Every view that selects an instrument makes a stream of it; an instrument no view selects gets its default
/// stream. See the specification's [View](https://opentelemetry.io/docs/specs/otel/metrics/sdk/#view).
///
/// ```swift
/// let provider = MeterProvider(readers: [reader], views: [
///     View(.init(name: "http.server.duration"), aggregation: .explicitBucketHistogram(boundaries: [5, 10, 25, 50, 100])),
///     View(.init(name: "debug.*"), aggregation: .drop),
///     View(.init(name: "http.server.requests"), attributeKeys: ["method", "status"]),
/// ])
/// ```
public struct View: Sendable {
    /// Which instruments a view applies to. Every criterion left `nil` matches everything.
    public struct Selector: Sendable, Hashable {
        /// The instrument's name, compared without case; `*` matches any run of characters and `?` any one.
        public var name: String?
        /// The instrument's kind.
        public var kind: InstrumentKind?
        /// The instrument's unit, exactly.
        public var unit: String?
        /// The meter's name, exactly.
        public var meterName: String?
        /// The meter's version, exactly.
        public var meterVersion: String?
        /// The meter's schema URL, exactly.
        public var meterSchemaURL: String?

        /// Creates a selector.
        public init(
            name: String? = nil,
            kind: InstrumentKind? = nil,
            unit: String? = nil,
            meterName: String? = nil,
            meterVersion: String? = nil,
            meterSchemaURL: String? = nil
        ) {
            self.name = name
            self.kind = kind
            self.unit = unit
            self.meterName = meterName
            self.meterVersion = meterVersion
            self.meterSchemaURL = meterSchemaURL
        }

        /// Whether the selector selects the instrument `descriptor` of a meter with `scope`.
        public func matches(_ descriptor: InstrumentDescriptor, scope: InstrumentationScope) -> Bool {
            if let name, !Self.glob(name.lowercased(), matches: descriptor.name.lowercased()) { return false }
            if let kind, kind != descriptor.kind { return false }
            if let unit, unit != descriptor.unit { return false }
            if let meterName, meterName != scope.name { return false }
            if let meterVersion, meterVersion != scope.version { return false }
            if let meterSchemaURL, meterSchemaURL != scope.schemaURL { return false }
            return true
        }

        /// Whether `pattern`, with `*` and `?` wildcards, matches all of `text`.
        static func glob(_ pattern: String, matches text: String) -> Bool {
            let pattern = Array(pattern.unicodeScalars)
            let text = Array(text.unicodeScalars)
            var p = 0
            var t = 0
            // Where the last `*` was, and the text position it is currently matched up to: backtracking to it
            // is enough, so matching is linear in practice and never exponential.
            var star: Int?
            var starText = 0
            while t < text.count {
                if p < pattern.count, pattern[p] == "?" || pattern[p] == text[t] {
                    p += 1
                    t += 1
                } else if p < pattern.count, pattern[p] == "*" {
                    star = p
                    starText = t
                    p += 1
                } else if let starPosition = star {
                    p = starPosition + 1
                    starText += 1
                    t = starText
                } else {
                    return false
                }
            }
            while p < pattern.count, pattern[p] == "*" { p += 1 }
            return p == pattern.count
        }
    }

    /// How a view's stream aggregates measurements.
    public enum Aggregation: Sendable, Hashable {
        /// The instrument kind's default: a sum for counters, the last value for gauges, a histogram for histograms.
        case `default`
        /// No stream at all: the instrument's measurements are dropped.
        case drop
        /// A sum, monotonic for counters.
        case sum
        /// The last value.
        case lastValue
        /// A histogram with these boundaries (the instrument's advice or the specification's defaults when `nil`),
        /// with or without min and max.
        case explicitBucketHistogram(boundaries: [Double]? = nil, recordsMinMax: Bool = true)
        /// A base-2 exponential histogram.
        case base2ExponentialBucketHistogram(maxSize: Int = 160, maxScale: Int = 20, recordsMinMax: Bool = true)
    }

    /// Which instruments the view applies to.
    public var selector: Selector
    /// The stream's name instead of the instrument's. Give it only to a view that selects one instrument.
    public var name: String?
    /// The stream's description instead of the instrument's.
    public var description: String?
    /// The only attribute keys the stream keeps; `nil` keeps them all.
    public var attributeKeys: Set<String>?
    /// The aggregation.
    public var aggregation: Aggregation
    /// The most series the stream keeps, the overflow series included; `nil` for the reader's or provider's.
    public var cardinalityLimit: Int?

    /// Creates a view.
    public init(
        _ selector: Selector,
        name: String? = nil,
        description: String? = nil,
        attributeKeys: Set<String>? = nil,
        aggregation: Aggregation = .default,
        cardinalityLimit: Int? = nil
    ) {
        self.selector = selector
        self.name = name
        self.description = description
        self.attributeKeys = attributeKeys
        self.aggregation = aggregation
        self.cardinalityLimit = cardinalityLimit
    }
}
