import Tracing

/// Names the library that produced telemetry, as OpenTelemetry's instrumentation scope.
///
/// Get a tracer for a scope with ``TracerProvider/tracer(name:version:schemaURL:attributes:)``.
public struct InstrumentationScope: Sendable, Equatable {
    /// The name of the instrumentation library, for example `"hummingbird"` or your module's name.
    public var name: String
    /// The version of the instrumentation library, if known.
    public var version: String?
    /// The schema URL of the semantic conventions the library follows, if any.
    public var schemaURL: String?
    /// Attributes that describe the scope itself.
    public var attributes: SpanAttributes

    /// Creates a scope.
    public init(name: String, version: String? = nil, schemaURL: String? = nil, attributes: SpanAttributes = [:]) {
        self.name = name
        self.version = version
        self.schemaURL = schemaURL
        self.attributes = attributes
    }
}
