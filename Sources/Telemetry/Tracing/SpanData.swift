import Tracing

/// A finished span as processors and exporters read it: an immutable value.
///
/// Get one from ``RecordingSpan/spanData``. Exporters receive batches of them.
public struct SpanData: Sendable {
    /// The span's name.
    public var name: String
    /// The span's kind.
    public var kind: SpanKind
    /// The span's own context.
    public var spanContext: SpanContext
    /// The parent's span id, or `nil` for a root span.
    public var parentSpanID: SpanID?
    /// Whether the parent came from another process.
    public var parentIsRemote: Bool
    /// When the span started, in nanoseconds since the Unix epoch.
    public var startTime: UInt64
    /// When the span ended, in nanoseconds since the Unix epoch; 0 while it has not ended.
    public var endTime: UInt64
    /// The span's attributes, after limits.
    ///
    /// The span keeps them in a compact form and builds this value on each read: an exporter that looks at several
    /// attributes should read it once into a local.
    public var attributes: SpanAttributes {
        get { attributeStorage.spanAttributes }
        set { attributeStorage = SpanAttributeStorage(newValue) }
    }
    /// The attributes as the span kept them, which exporters in this package read without building `attributes`.
    package var attributeStorage: SpanAttributeStorage
    /// How many attributes the limits dropped.
    public var droppedAttributeCount: Int
    /// The span's events, oldest first.
    public var events: [Event]
    /// How many events the limit dropped.
    public var droppedEventCount: Int
    /// The span's links.
    public var links: [Link]
    /// How many links the limit dropped.
    public var droppedLinkCount: Int
    /// The status, or `nil` when it is unset.
    public var status: SpanStatus?
    /// The resource of the provider that made the span.
    public var resource: Resource
    /// The instrumentation scope of the tracer that made the span.
    public var instrumentationScope: InstrumentationScope

    /// Something that happened during a span, with a time.
    public struct Event: Sendable, Equatable {
        /// The event's name, for example `exception`.
        public var name: String
        /// When it happened, in nanoseconds since the Unix epoch.
        public var time: UInt64
        /// The event's attributes, after limits.
        public var attributes: SpanAttributes
        /// How many attributes the limit dropped.
        public var droppedAttributeCount: Int

        /// Creates an event.
        public init(name: String, time: UInt64, attributes: SpanAttributes = [:], droppedAttributeCount: Int = 0) {
            self.name = name
            self.time = time
            self.attributes = attributes
            self.droppedAttributeCount = droppedAttributeCount
        }
    }

    /// A reference from a span to another span, in this trace or another.
    public struct Link: Sendable, Equatable {
        /// The linked span's context.
        public var spanContext: SpanContext
        /// The link's attributes, after limits.
        public var attributes: SpanAttributes
        /// How many attributes the limit dropped.
        public var droppedAttributeCount: Int

        /// Creates a link.
        public init(spanContext: SpanContext, attributes: SpanAttributes = [:], droppedAttributeCount: Int = 0) {
            self.spanContext = spanContext
            self.attributes = attributes
            self.droppedAttributeCount = droppedAttributeCount
        }
    }
}

extension SpanAttributes {
    /// Keeps at most `limit` attributes and returns how many it removed. Only keys for which `isNew` is true are
    /// removed, so that at the limit the attributes a span already holds win over new ones, as the specification
    /// says; when fewer keys are new than must go, the rest are taken from the others.
    mutating func trim(toCount limit: Int, isNew: (String) -> Bool = { _ in true }) -> Int {
        let excess = count - limit
        guard excess > 0 else { return 0 }
        var victims: [String] = []
        victims.reserveCapacity(excess)
        forEach { key, _ in
            if victims.count < excess, isNew(key) { victims.append(key) }
        }
        if victims.count < excess {
            forEach { key, _ in
                if victims.count < excess, !isNew(key) { victims.append(key) }
            }
        }
        for key in victims { set(key, value: nil) }
        return excess
    }

    /// Shortens every string value to `limit` characters, when there is a limit.
    mutating func truncateStrings(to limit: Int?) {
        guard let limit else { return }
        var needsChange = false
        forEach { _, value in
            if !needsChange, value.exceeds(limit) { needsChange = true }
        }
        guard needsChange else { return }
        var result = SpanAttributes()
        forEach { key, value in
            result.set(key, value: value.truncatingStrings(to: limit))
        }
        self = result
    }
}

extension SpanAttribute {
    /// Whether truncating to `limit` would change the value. A `stringConvertible` value always counts, since it
    /// becomes a plain string that can no longer change.
    func exceeds(_ limit: Int) -> Bool {
        switch self {
        case .string(let value): return value.utf8.count > limit && value.count > limit
        case .stringArray(let values): return values.contains { $0.utf8.count > limit && $0.count > limit }
        case .stringConvertible, .stringConvertibleArray: return true
        default: return false
        }
    }

    func truncatingStrings(to limit: Int) -> SpanAttribute {
        func cut(_ string: String) -> String { string.count > limit ? String(string.prefix(limit)) : string }
        switch self {
        case .string(let value): return .string(cut(value))
        case .stringArray(let values): return .stringArray(values.map(cut))
        case .stringConvertible(let value): return .string(cut(value.description))
        case .stringConvertibleArray(let values): return .stringArray(values.map { cut($0.description) })
        default: return self
        }
    }
}
