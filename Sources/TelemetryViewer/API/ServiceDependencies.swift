import Telemetry

/// Calls between services: for each span whose parent (in the same trace) belongs to another service, one call
/// from the parent's service to the span's. Jaeger's dependency links, computed from stored traces.
struct ServiceDependencies {
    struct Call: Hashable {
        var parent: String
        var child: String
        var count: Int
    }

    /// The calls, sorted by parent then child.
    var calls: [Call]

    init(_ traces: [StoredTrace]) {
        var counts: [String: [String: Int]] = [:]
        for trace in traces {
            var services: [SpanID: String] = [:]
            for span in trace.spans { services[span.spanID] = span.resource.serviceName }
            for span in trace.spans where span.parentSpanID.isValid {
                guard let parent = services[span.parentSpanID] else { continue }
                let child = span.resource.serviceName
                if parent != child { counts[parent, default: [:]][child, default: 0] += 1 }
            }
        }
        calls = counts.flatMap { parent, children in children.map { Call(parent: parent, child: $0.key, count: $0.value) } }
            .sorted { ($0.parent, $0.child) < ($1.parent, $1.child) }
    }
}
