/// The entity that produced telemetry (OTLP's `Resource`), with the schema URL of the message that carried it.
public struct ReceivedResource: Sendable, Hashable {
    public var attributes: [KeyValue]
    public var droppedAttributesCount: UInt32
    public var schemaURL: String

    public init(attributes: [KeyValue] = [], droppedAttributesCount: UInt32 = 0, schemaURL: String = "") {
        self.attributes = attributes
        self.droppedAttributesCount = droppedAttributesCount
        self.schemaURL = schemaURL
    }

    /// `service.name`, or the specification's fallback `unknown_service` when the sender set none.
    public var serviceName: String {
        if case .string(let name)? = attributes[key: "service.name"], !name.isEmpty { return name }
        return "unknown_service"
    }
}

/// The instrumentation scope of a group of spans, metrics or log records (OTLP's `InstrumentationScope`).
public struct ReceivedScope: Sendable, Hashable {
    public var name: String
    public var version: String
    public var attributes: [KeyValue]
    public var droppedAttributesCount: UInt32
    public var schemaURL: String

    public init(
        name: String = "",
        version: String = "",
        attributes: [KeyValue] = [],
        droppedAttributesCount: UInt32 = 0,
        schemaURL: String = ""
    ) {
        self.name = name
        self.version = version
        self.attributes = attributes
        self.droppedAttributesCount = droppedAttributesCount
        self.schemaURL = schemaURL
    }
}
