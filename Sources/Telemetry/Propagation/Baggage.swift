import Tracing

/// Name–value pairs that travel with a request across services, as W3C Baggage.
///
/// Read and change it through `ServiceContext.baggage`. Names are unique; setting a name again replaces its value.
public struct Baggage: Sendable, Hashable {
    /// One baggage member.
    public struct Entry: Sendable, Hashable {
        /// The member's name.
        public var name: String
        /// The member's value.
        public var value: String
        /// Opaque properties that follow the value after `;`, if any.
        public var metadata: String?

        /// Creates an entry.
        public init(name: String, value: String, metadata: String? = nil) {
            self.name = name
            self.value = value
            self.metadata = metadata
        }
    }

    /// The members, in the order they were first set.
    public private(set) var entries: [Entry] = []

    /// Empty baggage.
    public init() {}

    /// Baggage with `entries`; a later entry replaces an earlier one with the same name.
    public init(_ entries: [Entry]) {
        for entry in entries { setValue(entry.value, forName: entry.name, metadata: entry.metadata) }
    }

    /// Whether there are no members.
    public var isEmpty: Bool { entries.isEmpty }

    /// The value for `name`, or `nil`. Setting `nil` removes the member.
    public subscript(name: String) -> String? {
        get { entries.first { $0.name == name }?.value }
        set {
            if let newValue {
                setValue(newValue, forName: name)
            } else {
                entries.removeAll { $0.name == name }
            }
        }
    }

    /// Sets `name` to `value`, with optional metadata.
    public mutating func setValue(_ value: String, forName name: String, metadata: String? = nil) {
        let entry = Entry(name: name, value: value, metadata: metadata)
        if let index = entries.firstIndex(where: { $0.name == name }) {
            entries[index] = entry
        } else {
            entries.append(entry)
        }
    }
}

enum BaggageKey: ServiceContextKey {
    typealias Value = Baggage
    static var nameOverride: String? { "otel-baggage" }
}

extension ServiceContext {
    /// The baggage carried by this context, or `nil` when there is none.
    public var baggage: Baggage? {
        get { self[BaggageKey.self] }
        set { self[BaggageKey.self] = newValue?.isEmpty == true ? nil : newValue }
    }
}
