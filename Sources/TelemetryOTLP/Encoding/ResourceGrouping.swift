import Telemetry

/// Telemetry that OTLP nests under its resource and its instrumentation scope: spans, log records.
protocol ResourceScoped {
    var resource: Resource { get }
    var instrumentationScope: InstrumentationScope { get }
}

extension SpanData: ResourceScoped {}
extension LogRecordData: ResourceScoped {}

/// The items of one instrumentation scope, as indices into the batch.
struct ScopeGroup {
    var scope: InstrumentationScope
    var indices: [Int]
}

/// The scopes of one resource.
struct ResourceGroup {
    var resource: Resource
    var scopes: [ScopeGroup]

    /// Groups item indices by resource, then by scope, in order of first appearance, as every OTLP export request
    /// nests them (`ResourceSpans` → `ScopeSpans`, `ResourceLogs` → `ScopeLogs`).
    static func group<Item: ResourceScoped>(_ items: [Item]) -> [ResourceGroup] {
        var groups: [ResourceGroup] = []
        for index in items.indices {
            // A batch usually comes from one provider and a few scopes, so the last match is searched for first.
            let resource = items[index].resource
            let resourceIndex: Int
            if let existing = groups.lastIndex(where: { $0.resource == resource }) {
                resourceIndex = existing
            } else {
                groups.append(ResourceGroup(resource: resource, scopes: []))
                resourceIndex = groups.count - 1
            }
            let scope = items[index].instrumentationScope
            if let scopeIndex = groups[resourceIndex].scopes.lastIndex(where: { $0.scope == scope }) {
                groups[resourceIndex].scopes[scopeIndex].indices.append(index)
            } else {
                groups[resourceIndex].scopes.append(ScopeGroup(scope: scope, indices: [index]))
            }
        }
        return groups
    }
}

/// The fields of one signal's request that nest items under resources and scopes. The numbers are the same for every
/// signal; the JSON names differ (`resourceSpans` and `scopeSpans`, `resourceLogs` and `scopeLogs`).
struct ResourceScopeFields {
    /// `Export…ServiceRequest.resource_…`
    var resourceGroups: ProtoField
    /// `Resource….resource`
    var resource: ProtoField
    /// `Resource….scope_…`
    var scopeGroups: ProtoField
    /// `Resource….schema_url`
    var resourceSchemaURL: ProtoField
    /// `Scope….scope`
    var scope: ProtoField
    /// `Scope….spans` or `Scope….log_records`
    var items: ProtoField
    /// `Scope….schema_url`
    var scopeSchemaURL: ProtoField
}

extension OTLPWriter {
    /// Writes a request's resources and scopes; `item` writes the fields of the item at an index of the batch.
    mutating func writeResourceGroups(
        _ groups: [ResourceGroup],
        _ fields: ResourceScopeFields,
        item: (inout Self, Int) -> Void
    ) {
        serializeRepeated(fields.resourceGroups, groups) { writer, resourceGroup in
            writer.writeMessage(fields.resource) { writer in
                writer.serializeAttributes(OTLPFields.Resource.attributes, resourceGroup.resource.attributes)
            }
            writer.writeRepeated(fields.scopeGroups, resourceGroup.scopes) { writer, scopeGroup in
                let scope = scopeGroup.scope
                writer.writeMessage(fields.scope) { writer in
                    writer.serializeString(OTLPFields.InstrumentationScope.name, scope.name)
                    writer.serializeString(OTLPFields.InstrumentationScope.version, scope.version)
                    writer.serializeAttributes(OTLPFields.InstrumentationScope.attributes, scope.attributes)
                }
                writer.writeRepeated(fields.items, scopeGroup.indices, item)
                writer.serializeString(fields.scopeSchemaURL, scope.schemaURL)
            }
            writer.serializeString(fields.resourceSchemaURL, resourceGroup.resource.schemaURL)
        }
    }
}
