/// Field numbers, wire types and JSON names of the OTLP messages, from opentelemetry-proto's `.proto` files
/// (`collector/trace/v1/trace_service.proto`, `trace/v1/trace.proto`, `collector/logs/v1/logs_service.proto`,
/// `logs/v1/logs.proto`, `collector/metrics/v1/metrics_service.proto`, `metrics/v1/metrics.proto`,
/// `resource/v1/resource.proto` and `common/v1/common.proto`).
enum OTLPFields {
    enum ExportTraceServiceRequest {
        static var resourceSpans: ProtoField { ProtoField(1, .lengthDelimited, "resourceSpans") }
    }

    enum ExportTraceServiceResponse {
        static let partialSuccess: UInt32 = 1
    }

    enum ExportTracePartialSuccess {
        static let rejectedSpans: UInt32 = 1
        static let errorMessage: UInt32 = 2
    }

    enum ResourceSpans {
        static var resource: ProtoField { ProtoField(1, .lengthDelimited, "resource") }
        static var scopeSpans: ProtoField { ProtoField(2, .lengthDelimited, "scopeSpans") }
        static var schemaURL: ProtoField { ProtoField(3, .lengthDelimited, "schemaUrl") }
    }

    enum ExportLogsServiceRequest {
        static var resourceLogs: ProtoField { ProtoField(1, .lengthDelimited, "resourceLogs") }
    }

    enum ExportLogsServiceResponse {
        static let partialSuccess: UInt32 = 1
    }

    enum ExportLogsPartialSuccess {
        static let rejectedLogRecords: UInt32 = 1
        static let errorMessage: UInt32 = 2
    }

    enum ResourceLogs {
        static var resource: ProtoField { ProtoField(1, .lengthDelimited, "resource") }
        static var scopeLogs: ProtoField { ProtoField(2, .lengthDelimited, "scopeLogs") }
        static var schemaURL: ProtoField { ProtoField(3, .lengthDelimited, "schemaUrl") }
    }

    enum ScopeLogs {
        static var scope: ProtoField { ProtoField(1, .lengthDelimited, "scope") }
        static var logRecords: ProtoField { ProtoField(2, .lengthDelimited, "logRecords") }
        static var schemaURL: ProtoField { ProtoField(3, .lengthDelimited, "schemaUrl") }
    }

    enum LogRecord {
        static var timeUnixNano: ProtoField { ProtoField(1, .fixed64, "timeUnixNano") }
        static var severityNumber: ProtoField { ProtoField(2, .varint, "severityNumber") }
        static var severityText: ProtoField { ProtoField(3, .lengthDelimited, "severityText") }
        static var body: ProtoField { ProtoField(5, .lengthDelimited, "body") }
        static var attributes: ProtoField { ProtoField(6, .lengthDelimited, "attributes") }
        static var droppedAttributesCount: ProtoField { ProtoField(7, .varint, "droppedAttributesCount") }
        /// The W3C trace flags in the low byte; the other bits are reserved.
        static var flags: ProtoField { ProtoField(8, .fixed32, "flags") }
        static var traceID: ProtoField { ProtoField(9, .lengthDelimited, "traceId") }
        static var spanID: ProtoField { ProtoField(10, .lengthDelimited, "spanId") }
        static var observedTimeUnixNano: ProtoField { ProtoField(11, .fixed64, "observedTimeUnixNano") }
        static var eventName: ProtoField { ProtoField(12, .lengthDelimited, "eventName") }
    }

    enum ExportMetricsServiceRequest {
        static var resourceMetrics: ProtoField { ProtoField(1, .lengthDelimited, "resourceMetrics") }
    }

    enum ExportMetricsServiceResponse {
        static let partialSuccess: UInt32 = 1
    }

    enum ExportMetricsPartialSuccess {
        static let rejectedDataPoints: UInt32 = 1
        static let errorMessage: UInt32 = 2
    }

    enum ResourceMetrics {
        static var resource: ProtoField { ProtoField(1, .lengthDelimited, "resource") }
        static var scopeMetrics: ProtoField { ProtoField(2, .lengthDelimited, "scopeMetrics") }
        static var schemaURL: ProtoField { ProtoField(3, .lengthDelimited, "schemaUrl") }
    }

    enum ScopeMetrics {
        static var scope: ProtoField { ProtoField(1, .lengthDelimited, "scope") }
        static var metrics: ProtoField { ProtoField(2, .lengthDelimited, "metrics") }
        static var schemaURL: ProtoField { ProtoField(3, .lengthDelimited, "schemaUrl") }
    }

    enum Metric {
        static var name: ProtoField { ProtoField(1, .lengthDelimited, "name") }
        static var description: ProtoField { ProtoField(2, .lengthDelimited, "description") }
        static var unit: ProtoField { ProtoField(3, .lengthDelimited, "unit") }
        /// The members of the `data` oneof; `summary` (11) is legacy and never written.
        static var gauge: ProtoField { ProtoField(5, .lengthDelimited, "gauge") }
        static var sum: ProtoField { ProtoField(7, .lengthDelimited, "sum") }
        static var histogram: ProtoField { ProtoField(9, .lengthDelimited, "histogram") }
        static var exponentialHistogram: ProtoField { ProtoField(10, .lengthDelimited, "exponentialHistogram") }
    }

    /// `Gauge`, `Sum`, `Histogram` and `ExponentialHistogram` share these numbers; a gauge has no temporality and
    /// only a sum has `is_monotonic`.
    enum MetricPoints {
        static var dataPoints: ProtoField { ProtoField(1, .lengthDelimited, "dataPoints") }
        static var aggregationTemporality: ProtoField { ProtoField(2, .varint, "aggregationTemporality") }
        static var isMonotonic: ProtoField { ProtoField(3, .varint, "isMonotonic") }
    }

    /// The values of the `AggregationTemporality` enum.
    enum AggregationTemporality {
        static let delta = 1
        static let cumulative = 2
    }

    enum NumberDataPoint {
        static var startTimeUnixNano: ProtoField { ProtoField(2, .fixed64, "startTimeUnixNano") }
        static var timeUnixNano: ProtoField { ProtoField(3, .fixed64, "timeUnixNano") }
        static var asDouble: ProtoField { ProtoField(4, .fixed64, "asDouble") }
        static var exemplars: ProtoField { ProtoField(5, .lengthDelimited, "exemplars") }
        /// `sfixed64`.
        static var asInt: ProtoField { ProtoField(6, .fixed64, "asInt") }
        static var attributes: ProtoField { ProtoField(7, .lengthDelimited, "attributes") }
        static var flags: ProtoField { ProtoField(8, .varint, "flags") }
    }

    enum HistogramDataPoint {
        static var startTimeUnixNano: ProtoField { ProtoField(2, .fixed64, "startTimeUnixNano") }
        static var timeUnixNano: ProtoField { ProtoField(3, .fixed64, "timeUnixNano") }
        static var count: ProtoField { ProtoField(4, .fixed64, "count") }
        /// `optional double`: written whenever known, even when 0.
        static var sum: ProtoField { ProtoField(5, .fixed64, "sum") }
        /// Packed `fixed64`.
        static var bucketCounts: ProtoField { ProtoField(6, .lengthDelimited, "bucketCounts") }
        /// Packed `double`.
        static var explicitBounds: ProtoField { ProtoField(7, .lengthDelimited, "explicitBounds") }
        static var exemplars: ProtoField { ProtoField(8, .lengthDelimited, "exemplars") }
        static var attributes: ProtoField { ProtoField(9, .lengthDelimited, "attributes") }
        static var flags: ProtoField { ProtoField(10, .varint, "flags") }
        static var min: ProtoField { ProtoField(11, .fixed64, "min") }
        static var max: ProtoField { ProtoField(12, .fixed64, "max") }
    }

    enum ExponentialHistogramDataPoint {
        static var attributes: ProtoField { ProtoField(1, .lengthDelimited, "attributes") }
        static var startTimeUnixNano: ProtoField { ProtoField(2, .fixed64, "startTimeUnixNano") }
        static var timeUnixNano: ProtoField { ProtoField(3, .fixed64, "timeUnixNano") }
        static var count: ProtoField { ProtoField(4, .fixed64, "count") }
        /// `optional double`: written whenever known, even when 0.
        static var sum: ProtoField { ProtoField(5, .fixed64, "sum") }
        /// `sint32`: zigzag, since scales may be negative.
        static var scale: ProtoField { ProtoField(6, .varint, "scale") }
        static var zeroCount: ProtoField { ProtoField(7, .fixed64, "zeroCount") }
        static var positive: ProtoField { ProtoField(8, .lengthDelimited, "positive") }
        static var negative: ProtoField { ProtoField(9, .lengthDelimited, "negative") }
        static var flags: ProtoField { ProtoField(10, .varint, "flags") }
        static var exemplars: ProtoField { ProtoField(11, .lengthDelimited, "exemplars") }
        static var min: ProtoField { ProtoField(12, .fixed64, "min") }
        static var max: ProtoField { ProtoField(13, .fixed64, "max") }
        static var zeroThreshold: ProtoField { ProtoField(14, .fixed64, "zeroThreshold") }
    }

    /// `ExponentialHistogramDataPoint.Buckets`.
    enum ExponentialBuckets {
        /// `sint32`.
        static var offset: ProtoField { ProtoField(1, .varint, "offset") }
        /// Packed `uint64`.
        static var bucketCounts: ProtoField { ProtoField(2, .lengthDelimited, "bucketCounts") }
    }

    enum Exemplar {
        static var timeUnixNano: ProtoField { ProtoField(2, .fixed64, "timeUnixNano") }
        static var asDouble: ProtoField { ProtoField(3, .fixed64, "asDouble") }
        static var spanID: ProtoField { ProtoField(4, .lengthDelimited, "spanId") }
        static var traceID: ProtoField { ProtoField(5, .lengthDelimited, "traceId") }
        /// `sfixed64`.
        static var asInt: ProtoField { ProtoField(6, .fixed64, "asInt") }
        static var filteredAttributes: ProtoField { ProtoField(7, .lengthDelimited, "filteredAttributes") }
    }

    enum Resource {
        static var attributes: ProtoField { ProtoField(1, .lengthDelimited, "attributes") }
        static var droppedAttributesCount: ProtoField { ProtoField(2, .varint, "droppedAttributesCount") }
    }

    enum ScopeSpans {
        static var scope: ProtoField { ProtoField(1, .lengthDelimited, "scope") }
        static var spans: ProtoField { ProtoField(2, .lengthDelimited, "spans") }
        static var schemaURL: ProtoField { ProtoField(3, .lengthDelimited, "schemaUrl") }
    }

    enum InstrumentationScope {
        static var name: ProtoField { ProtoField(1, .lengthDelimited, "name") }
        static var version: ProtoField { ProtoField(2, .lengthDelimited, "version") }
        static var attributes: ProtoField { ProtoField(3, .lengthDelimited, "attributes") }
        static var droppedAttributesCount: ProtoField { ProtoField(4, .varint, "droppedAttributesCount") }
    }

    enum Span {
        static var traceID: ProtoField { ProtoField(1, .lengthDelimited, "traceId") }
        static var spanID: ProtoField { ProtoField(2, .lengthDelimited, "spanId") }
        static var traceState: ProtoField { ProtoField(3, .lengthDelimited, "traceState") }
        static var parentSpanID: ProtoField { ProtoField(4, .lengthDelimited, "parentSpanId") }
        static var name: ProtoField { ProtoField(5, .lengthDelimited, "name") }
        static var kind: ProtoField { ProtoField(6, .varint, "kind") }
        static var startTimeUnixNano: ProtoField { ProtoField(7, .fixed64, "startTimeUnixNano") }
        static var endTimeUnixNano: ProtoField { ProtoField(8, .fixed64, "endTimeUnixNano") }
        static var attributes: ProtoField { ProtoField(9, .lengthDelimited, "attributes") }
        static var droppedAttributesCount: ProtoField { ProtoField(10, .varint, "droppedAttributesCount") }
        static var events: ProtoField { ProtoField(11, .lengthDelimited, "events") }
        static var droppedEventsCount: ProtoField { ProtoField(12, .varint, "droppedEventsCount") }
        static var links: ProtoField { ProtoField(13, .lengthDelimited, "links") }
        static var droppedLinksCount: ProtoField { ProtoField(14, .varint, "droppedLinksCount") }
        static var status: ProtoField { ProtoField(15, .lengthDelimited, "status") }
        static var flags: ProtoField { ProtoField(16, .fixed32, "flags") }
    }

    enum Event {
        static var timeUnixNano: ProtoField { ProtoField(1, .fixed64, "timeUnixNano") }
        static var name: ProtoField { ProtoField(2, .lengthDelimited, "name") }
        static var attributes: ProtoField { ProtoField(3, .lengthDelimited, "attributes") }
        static var droppedAttributesCount: ProtoField { ProtoField(4, .varint, "droppedAttributesCount") }
    }

    enum Link {
        static var traceID: ProtoField { ProtoField(1, .lengthDelimited, "traceId") }
        static var spanID: ProtoField { ProtoField(2, .lengthDelimited, "spanId") }
        static var traceState: ProtoField { ProtoField(3, .lengthDelimited, "traceState") }
        static var attributes: ProtoField { ProtoField(4, .lengthDelimited, "attributes") }
        static var droppedAttributesCount: ProtoField { ProtoField(5, .varint, "droppedAttributesCount") }
        static var flags: ProtoField { ProtoField(6, .fixed32, "flags") }
    }

    enum Status {
        static var message: ProtoField { ProtoField(2, .lengthDelimited, "message") }
        static var code: ProtoField { ProtoField(3, .varint, "code") }
    }

    enum KeyValue {
        static var key: ProtoField { ProtoField(1, .lengthDelimited, "key") }
        static var value: ProtoField { ProtoField(2, .lengthDelimited, "value") }
    }

    enum AnyValue {
        static var stringValue: ProtoField { ProtoField(1, .lengthDelimited, "stringValue") }
        static var boolValue: ProtoField { ProtoField(2, .varint, "boolValue") }
        static var intValue: ProtoField { ProtoField(3, .varint, "intValue") }
        static var doubleValue: ProtoField { ProtoField(4, .fixed64, "doubleValue") }
        static var arrayValue: ProtoField { ProtoField(5, .lengthDelimited, "arrayValue") }
        static var kvlistValue: ProtoField { ProtoField(6, .lengthDelimited, "kvlistValue") }
        static var bytesValue: ProtoField { ProtoField(7, .lengthDelimited, "bytesValue") }
    }

    enum ArrayValue {
        static var values: ProtoField { ProtoField(1, .lengthDelimited, "values") }
    }

    enum KeyValueList {
        static var values: ProtoField { ProtoField(1, .lengthDelimited, "values") }
    }

    /// The flag bits of `Span.flags` and `Span.Link.flags` above the W3C trace flags.
    enum SpanFlags {
        static let contextHasIsRemote: UInt32 = 0x100
        static let contextIsRemote: UInt32 = 0x200
    }
}
