import Tracing

/// The entity that produces telemetry, such as one instance of a service, described by attributes.
///
/// Every span, metric and log record of a provider carries the same resource. Build one with
/// ``Resource/detected(serviceName:)`` or let ``TelemetrySystem`` assemble it from code and `OTEL_*` variables.
public struct Resource: Sendable, Equatable {
    /// The attributes, such as `service.name` and `host.name`.
    public var attributes: SpanAttributes
    /// The schema URL of the semantic conventions the attributes follow, if any.
    public var schemaURL: String?

    /// Creates a resource.
    public init(attributes: SpanAttributes = [:], schemaURL: String? = nil) {
        self.attributes = attributes
        self.schemaURL = schemaURL
    }

    /// Returns this resource updated by `other`: an attribute set in both takes `other`'s value.
    ///
    /// The schema URL follows the specification: an empty one yields to the other, and two different ones leave
    /// the result without a schema URL.
    public func merging(_ other: Resource) -> Resource {
        var attributes = self.attributes
        attributes.merge(other.attributes)
        let schemaURL: String?
        switch (self.schemaURL, other.schemaURL) {
        case (nil, let url), (let url, nil): schemaURL = url
        case (let lhs?, let rhs?): schemaURL = lhs == rhs ? lhs : nil
        }
        return Resource(attributes: attributes, schemaURL: schemaURL)
    }

    /// The `service.name` attribute, if it is a string.
    public var serviceName: String? {
        if case .string(let name)? = attributes.get("service.name") { return name }
        return nil
    }
}
