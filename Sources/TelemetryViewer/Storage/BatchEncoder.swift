import Foundation
import Telemetry

/// Turns a received batch into rows. Spans of one export request nearly always share one resource and a few
/// scopes, so each is encoded once per batch and rows refer to it by index.
struct BatchEncoder {
    private var encoded = EncodedBatch()
    private var resourceIndexes: [(ReceivedResource, Int)] = []
    private var scopeIndexes: [(ReceivedScope, Int)] = []

    static func encode(_ batch: ReceivedBatch) -> EncodedBatch {
        var encoder = BatchEncoder()
        encoder.encoded.spans.reserveCapacity(batch.spans.count)
        for span in batch.spans { encoder.add(span) }
        encoder.encoded.logRecords.reserveCapacity(batch.logRecords.count)
        for record in batch.logRecords { encoder.add(record) }
        for metric in batch.metrics { encoder.add(metric) }
        return encoder.encoded
    }

    private static func blob(_ write: (inout ByteWriter) -> Void) -> Data {
        var writer = ByteWriter()
        write(&writer)
        return Data(writer.bytes)
    }

    private static func attributesBlob(_ attributes: [KeyValue]) -> Data? {
        attributes.isEmpty ? nil : blob { $0.writeAttributes(attributes) }
    }

    private mutating func index(of resource: ReceivedResource) -> Int {
        if let last = resourceIndexes.last, last.0 == resource { return last.1 }
        if let found = resourceIndexes.first(where: { $0.0 == resource }) { return found.1 }
        let identity = Self.blob {
            $0.writeAttributes(resource.attributes)
            $0.writeVarint(UInt64(resource.droppedAttributesCount))
            $0.writeString(resource.schemaURL)
        }
        let index = encoded.resources.count
        encoded.resources.append(
            EncodedBatch.Resource(identity: identity, service: resource.serviceName, tags: SearchText.tags(of: resource.attributes))
        )
        resourceIndexes.append((resource, index))
        return index
    }

    private mutating func index(of scope: ReceivedScope) -> Int {
        if let last = scopeIndexes.last, last.0 == scope { return last.1 }
        if let found = scopeIndexes.first(where: { $0.0 == scope }) { return found.1 }
        let identity = Self.blob {
            $0.writeString(scope.name)
            $0.writeString(scope.version)
            $0.writeAttributes(scope.attributes)
            $0.writeVarint(UInt64(scope.droppedAttributesCount))
            $0.writeString(scope.schemaURL)
        }
        let index = encoded.scopes.count
        encoded.scopes.append(EncodedBatch.Scope(identity: identity, name: scope.name, version: scope.version))
        scopeIndexes.append((scope, index))
        return index
    }

    private mutating func add(_ span: ReceivedSpan) {
        let resource = index(of: span.resource)
        let scope = index(of: span.scope)
        let attributes = SpanAttributeColumns.encode(span.attributes)
        encoded.spans.append(
            EncodedBatch.Span(
                resource: resource,
                scope: scope,
                traceID: Data(span.traceID.storedBytes),
                spanID: Int64(stored: span.spanID.value),
                parentSpanID: Int64(stored: span.parentSpanID.value),
                service: encoded.resources[resource].service,
                name: span.name,
                kind: span.kind.rawValue,
                start: Int64(stored: span.startTimeUnixNano),
                end: Int64(stored: span.endTimeUnixNano),
                duration: Int64(stored: span.durationNanoseconds),
                statusCode: span.statusCode.rawValue,
                statusMessage: span.statusMessage,
                flags: Int64(span.flags),
                traceState: span.traceState,
                attributes: attributes.layout,
                tags: attributes.tags,
                events: span.events.isEmpty ? nil : Self.blob { $0.writeEvents(span.events) },
                links: span.links.isEmpty ? nil : Self.blob { $0.writeLinks(span.links) },
                droppedAttributes: Int64(span.droppedAttributesCount),
                droppedEvents: Int64(span.droppedEventsCount),
                droppedLinks: Int64(span.droppedLinksCount)
            )
        )
    }

    private mutating func add(_ record: ReceivedLogRecord) {
        let resource = index(of: record.resource)
        let scope = index(of: record.scope)
        encoded.logRecords.append(
            EncodedBatch.LogRecord(
                resource: resource,
                scope: scope,
                service: encoded.resources[resource].service,
                time: Int64(stored: record.effectiveTimeUnixNano),
                eventTime: Int64(stored: record.timeUnixNano),
                observedTime: Int64(stored: record.observedTimeUnixNano),
                severityNumber: Int64(record.severityNumber),
                severityText: record.severityText,
                body: Self.blob { $0.writeValue(record.body) },
                bodyText: record.body == .empty ? "" : SearchText.string(of: record.body),
                attributes: Self.attributesBlob(record.attributes),
                droppedAttributes: Int64(record.droppedAttributesCount),
                flags: Int64(record.flags),
                traceID: record.traceID.isValid ? Data(record.traceID.storedBytes) : nil,
                spanID: Int64(stored: record.spanID.value),
                eventName: record.eventName
            )
        )
    }

    private mutating func add(_ metric: ReceivedMetric) {
        let resource = index(of: metric.resource)
        let scope = index(of: metric.scope)
        let kind: MetricKind
        var temporality = ReceivedMetric.Temporality.unspecified
        var isMonotonic = false
        switch metric.data {
        case .gauge: kind = .gauge
        case .sum(_, let sumTemporality, let monotonic):
            kind = .sum
            temporality = sumTemporality
            isMonotonic = monotonic
        case .histogram(_, let histogramTemporality):
            kind = .histogram
            temporality = histogramTemporality
        case .exponentialHistogram(_, let histogramTemporality):
            kind = .exponentialHistogram
            temporality = histogramTemporality
        case .summary: kind = .summary
        }
        // Series are found again by their attributes within one metric, so the same attribute set of a metric maps
        // to one series index per batch.
        var seriesByAttributes: [[KeyValue]: Int] = [:]
        func series(_ attributes: [KeyValue]) -> Int {
            if let known = seriesByAttributes[attributes] { return known }
            let metadata = Self.attributesBlob(metric.metadata)
            let attributesBlob = Self.attributesBlob(attributes)
            let identity = Self.blob {
                $0.writeBytes(Array(encoded.resources[resource].identity))
                $0.writeBytes(Array(encoded.scopes[scope].identity))
                $0.writeString(metric.name)
                $0.writeString(metric.description)
                $0.writeString(metric.unit)
                $0.writeVarint(UInt64(kind.rawValue))
                $0.writeVarint(UInt64(temporality.rawValue))
                $0.writeByte(isMonotonic ? 1 : 0)
                $0.writeAttributes(metric.metadata)
                $0.writeAttributes(attributes)
            }
            let index = encoded.series.count
            encoded.series.append(
                EncodedBatch.Series(
                    identity: identity,
                    resource: resource,
                    scope: scope,
                    name: metric.name,
                    description: metric.description,
                    unit: metric.unit,
                    kind: kind.rawValue,
                    temporality: temporality.rawValue,
                    isMonotonic: isMonotonic,
                    metadata: metadata,
                    attributes: attributesBlob
                )
            )
            seriesByAttributes[attributes] = index
            return index
        }
        func append(_ attributes: [KeyValue], start: UInt64, time: UInt64, flags: UInt32, payload: Data) {
            encoded.points.append(
                EncodedBatch.Point(
                    series: series(attributes),
                    start: Int64(stored: start),
                    time: Int64(stored: time),
                    flags: Int64(flags),
                    payload: payload
                )
            )
        }
        switch metric.data {
        case .gauge(let points), .sum(let points, _, _):
            for point in points {
                append(
                    point.attributes,
                    start: point.startTimeUnixNano,
                    time: point.timeUnixNano,
                    flags: point.flags,
                    payload: Self.blob { PointPayload.write(point, to: &$0) }
                )
            }
        case .histogram(let points, _):
            for point in points {
                append(
                    point.attributes,
                    start: point.startTimeUnixNano,
                    time: point.timeUnixNano,
                    flags: point.flags,
                    payload: Self.blob { PointPayload.write(point, to: &$0) }
                )
            }
        case .exponentialHistogram(let points, _):
            for point in points {
                append(
                    point.attributes,
                    start: point.startTimeUnixNano,
                    time: point.timeUnixNano,
                    flags: point.flags,
                    payload: Self.blob { PointPayload.write(point, to: &$0) }
                )
            }
        case .summary(let points):
            for point in points {
                append(
                    point.attributes,
                    start: point.startTimeUnixNano,
                    time: point.timeUnixNano,
                    flags: point.flags,
                    payload: Self.blob { PointPayload.write(point, to: &$0) }
                )
            }
        }
    }
}
