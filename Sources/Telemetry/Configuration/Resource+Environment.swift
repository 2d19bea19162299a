import Tracing

extension Resource {
    /// The resource for a configuration: detected attributes, then `OTEL_RESOURCE_ATTRIBUTES`, then
    /// `OTEL_SERVICE_NAME`, `OTEL_SERVICE_VERSION` and `OTEL_DEPLOYMENT_ENVIRONMENT`, then what was set in code; each
    /// step wins over the ones before it.
    static func resolve(_ configuration: TelemetryConfiguration, environment: Environment) throws -> Resource {
        var fromEnvironment = SpanAttributes()
        if let raw = environment.string("OTEL_RESOURCE_ATTRIBUTES") {
            do {
                fromEnvironment = try parseAttributes(raw, variable: "OTEL_RESOURCE_ATTRIBUTES")
            } catch let error as TelemetryConfigurationError {
                // The specification discards the whole variable when any of it is malformed.
                try environment.reject("OTEL_RESOURCE_ATTRIBUTES", value: raw, reason: error.reason + "; it is ignored")
            }
        }
        var namedFromEnvironment = SpanAttributes()
        var namedInCode = SpanAttributes()
        let named: [(variable: String, attribute: String, code: String?)] = [
            ("OTEL_SERVICE_NAME", "service.name", configuration.serviceName),
            ("OTEL_SERVICE_VERSION", "service.version", configuration.serviceVersion),
            ("OTEL_DEPLOYMENT_ENVIRONMENT", "deployment.environment.name", configuration.deploymentEnvironment),
        ]
        for (variable, attribute, code) in named {
            if let value = environment.string(variable) { namedFromEnvironment.set(attribute, value: .string(value)) }
            if let code { namedInCode.set(attribute, value: .string(code)) }
        }
        return Resource.detected()
            .merging(Resource(attributes: fromEnvironment))
            .merging(Resource(attributes: namedFromEnvironment))
            .merging(Resource(attributes: configuration.resourceAttributes))
            .merging(Resource(attributes: namedInCode))
    }

    /// Parses `key=value,key=value` with percent-encoded values, as `OTEL_RESOURCE_ATTRIBUTES` holds them.
    static func parseAttributes(_ raw: String, variable: String) throws -> SpanAttributes {
        var attributes = SpanAttributes()
        for member in raw.split(separator: ",", omittingEmptySubsequences: true) {
            guard let equals = member.firstIndex(of: "=") else {
                throw TelemetryConfigurationError(
                    variable: variable,
                    value: raw,
                    reason: "\"\(member)\" is not a key=value pair"
                )
            }
            let key = member[member.startIndex..<equals].trimmingWhitespace()
            let encoded = member[member.index(after: equals)...].trimmingWhitespace()
            guard !key.isEmpty else {
                throw TelemetryConfigurationError(variable: variable, value: raw, reason: "a key is empty")
            }
            guard let value = PercentEncoding.decode(Array(encoded.utf8)) else {
                throw TelemetryConfigurationError(
                    variable: variable,
                    value: raw,
                    reason: "the value of \"\(key)\" has a malformed percent-encoding"
                )
            }
            attributes.set(key, value: .string(value))
        }
        return attributes
    }
}
