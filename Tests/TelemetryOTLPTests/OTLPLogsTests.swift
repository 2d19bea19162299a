import Foundation
import Logging
import Telemetry
@testable import TelemetryOTLP
import TelemetryTesting
import Testing
import Tracing

@Suite("OTLP logs export, decoded by the official protocol definitions", .serialized)
struct OTLPLogsTests {
    static let body: LogValue = [
        "order": ["id": 42, "items": ["tea", .bytes([0, 1, 0x7F, 0xFF]), [true, 2.5], [:], []]],
        "raw": .bytes([0xDE, 0xAD, 0xBE, 0xEF]),
        "empty": "",
    ]

    static let attributes: [String: LogValue] = [
        "string": "text", "empty.string": "", "unicode": "héllo \"quoted\"\n",
        "true": true, "false": false,
        "int": 42, "zero": 0, "negative": -7, "int.max": .int(.max), "int.min": .int(.min),
        "double": 0.25, "double.negative": -1.5, "double.zero": 0.0,
        "bytes": .bytes([0, 255, 128]), "empty.bytes": .bytes([]),
        "array": ["a", 1, false, 0.5, .bytes([9])], "empty.array": [],
        "map": ["nested": ["deeper": [1, 2]], "flag": true], "empty.map": [:],
    ]

    /// Four records: a full one and a minimal one in the first scope, one in a second scope, and one of a second
    /// resource.
    static func records() -> [LogRecordData] {
        let resource = Resource(
            attributes: ["service.name": "orders", "deployment.environment.name": "test"],
            schemaURL: "https://opentelemetry.io/schemas/1.26.0")
        let otherResource = Resource(attributes: ["service.name": "billing"])
        let checkout = InstrumentationScope(
            name: "checkout", version: "2.1.0", schemaURL: "https://opentelemetry.io/schemas/1.25.0",
            attributes: ["scope.attr": "s", "scope.count": 3])
        let payments = InstrumentationScope(name: "payments")
        let full = LogRecordData(
            timestamp: 1_700_000_000_123_456_789,
            observedTimestamp: 1_700_000_000_223_456_789,
            severity: LogSeverity(rawValue: 15),
            severityText: "warning",
            body: body,
            attributes: attributes,
            droppedAttributeCount: 3,
            eventName: "order.placed",
            traceID: TraceID(high: 0x0AF7_6519_16CD_43DD, low: 0x8448_EB21_1C80_319C),
            spanID: SpanID(0xB7AD_6B71_6920_3331),
            traceFlags: TraceFlags(rawValue: 0x03),
            resource: resource,
            instrumentationScope: checkout
        )
        let minimal = LogRecordData(observedTimestamp: 1_700_000_000_300_000_000, resource: resource, instrumentationScope: checkout)
        let secondScope = LogRecordData(
            observedTimestamp: 1_700_000_000_400_000_000, severity: .error, body: "declined", resource: resource,
            instrumentationScope: payments)
        let secondResource = LogRecordData(
            observedTimestamp: 1_700_000_000_500_000_000, severity: .fatal, body: "down", resource: otherResource,
            instrumentationScope: checkout)
        return [full, minimal, secondScope, secondResource]
    }

    @Test(
        "every LogRecord field arrives as sent, with its resource and scopes",
        arguments: OTLPProtocol.allCases, [OTLPCompression.none, .gzip]
    )
    func fieldByField(protocol: OTLPProtocol, compression: OTLPCompression) async throws {
        let receiver = try await OTLPReceiver()
        defer { receiver.stop() }
        var configuration = OTLPExporterConfiguration.logsReceiver(receiver, `protocol`)
        configuration.compression = compression
        let pipeline = try LogsPipeline(configuration)
        try await pipeline.exporter.export(Self.records())
        #expect(try await receiver.waitForLogRecords(4))

        let requests = receiver.logsRequests
        try #require(requests.count == 1, "one batch is one request")
        let line = requests[0]
        if `protocol` != .grpc {
            #expect(line["path"] as? String == "/v1/logs")
            #expect(line["content_type"] as? String == (`protocol` == .httpJSON ? "application/json" : "application/x-protobuf"))
            #expect(line["gzip"] as? Bool == (compression == .gzip))
        }
        let request = try #require(line["request"] as? [String: Any])
        let resources = try #require(request["resourceLogs"] as? [[String: Any]])
        try #require(resources.count == 2, "two resources")

        let first = resources[0]
        #expect(first["schemaUrl"] as? String == "https://opentelemetry.io/schemas/1.26.0")
        let resourceAttributes = logAttributes((first["resource"] as? [String: Any])?["attributes"])
        #expect(resourceAttributes == ["service.name": "orders", "deployment.environment.name": "test"])
        let scopes = try #require(first["scopeLogs"] as? [[String: Any]])
        try #require(scopes.count == 2, "two scopes of the first resource")
        let checkout = try #require(scopes[0]["scope"] as? [String: Any])
        #expect(checkout["name"] as? String == "checkout")
        #expect(checkout["version"] as? String == "2.1.0")
        #expect(logAttributes(checkout["attributes"]) == ["scope.attr": "s", "scope.count": 3])
        #expect(scopes[0]["schemaUrl"] as? String == "https://opentelemetry.io/schemas/1.25.0")
        let payments = try #require(scopes[1]["scope"] as? [String: Any])
        #expect(payments["name"] as? String == "payments")
        #expect(payments["version"] == nil && scopes[1]["schemaUrl"] == nil)

        let records = try #require(scopes[0]["logRecords"] as? [[String: Any]])
        try #require(records.count == 2)
        let full = records[0]
        #expect(full["timeUnixNano"] as? String == "1700000000123456789")
        #expect(full["observedTimeUnixNano"] as? String == "1700000000223456789")
        #expect(full["severityNumber"] as? String == "SEVERITY_NUMBER_WARN3")
        #expect(full["severityText"] as? String == "warning")
        #expect(logValue(full["body"]) == Self.body)
        #expect(logAttributes(full["attributes"]) == Self.attributes)
        #expect(full["droppedAttributesCount"] as? Int == 3)
        #expect(full["eventName"] as? String == "order.placed")
        #expect(full["traceId"] as? String == "0af7651916cd43dd8448eb211c80319c")
        #expect(full["spanId"] as? String == "b7ad6b7169203331")
        #expect(full["flags"] as? Int == 0x03, "the W3C trace flags in the low byte, as they are")
        // The representation itself, not only what it decodes to: int64 as a decimal string, bytes as base64.
        let attributes = try #require(full["attributes"] as? [[String: Any]])
        let byKey = Dictionary(uniqueKeysWithValues: attributes.compactMap { pair in
            (pair["key"] as? String).map { ($0, pair["value"] as? [String: Any] ?? [:]) }
        })
        #expect(byKey["int.min"]?["intValue"] as? String == "-9223372036854775808")
        #expect(byKey["bytes"]?["bytesValue"] as? String == "AP+A")
        #expect(byKey["empty.map"]?["kvlistValue"] != nil)

        let minimal = records[1]
        #expect(minimal["observedTimeUnixNano"] as? String == "1700000000300000000")
        for absent in ["timeUnixNano", "severityNumber", "severityText", "body", "attributes", "droppedAttributesCount",
                       "flags", "traceId", "spanId", "eventName"] {
            #expect(minimal[absent] == nil, "\(absent) is left out when not set")
        }

        let declined = try #require((scopes[1]["logRecords"] as? [[String: Any]])?.first)
        #expect(declined["severityNumber"] as? String == "SEVERITY_NUMBER_ERROR")
        #expect(logValue(declined["body"]) == "declined")

        let second = resources[1]
        #expect(logAttributes((second["resource"] as? [String: Any])?["attributes"]) == ["service.name": "billing"])
        #expect(second["schemaUrl"] == nil)
        let secondScopes = try #require(second["scopeLogs"] as? [[String: Any]])
        #expect((secondScopes.first?["scope"] as? [String: Any])?["name"] as? String == "checkout")
        let down = try #require((secondScopes.first?["logRecords"] as? [[String: Any]])?.first)
        #expect(down["severityNumber"] as? String == "SEVERITY_NUMBER_FATAL")
        #expect(logValue(down["body"]) == "down")

        #expect(receiver.requests.allSatisfy { $0["signal"] as? String == "logs" }, "nothing went to the traces service")
        #expect(pipeline.exporter.statistics.exported == 4)
        try await pipeline.shutdown()
    }

    @Test("a record logged through swift-log inside a span carries that span's trace id, span id and flags", arguments: OTLPProtocol.allCases)
    func logHandlerInSpan(protocol: OTLPProtocol) async throws {
        let receiver = try await OTLPReceiver()
        defer { receiver.stop() }
        let traces = try Pipeline(.receiver(receiver, `protocol`))
        let logs = try LogsPipeline(.logsReceiver(receiver, `protocol`))
        let logger = Logger(label: "checkout") { TelemetryLogHandler(label: $0, provider: logs.provider) }
        let tracer = traces.provider.tracer(name: "server")
        tracer.withSpan("GET /orders", kind: .server) { _ in
            logger.warning("order placed", metadata: ["order.id": "42"])
        }
        logger.info("outside")
        try await traces.provider.forceFlush()
        try await logs.provider.forceFlush()
        #expect(try await receiver.waitForSpans(1))
        #expect(try await receiver.waitForLogRecords(2))

        let span = try #require(receiver.spans.first?.span)
        let records = receiver.logRecords
        let inside = try #require(records.first { logValue($0.record["body"]) == "order placed" })
        let record = inside.record
        let traceID = try #require(span["traceId"] as? String)
        #expect(traceID.count == 32 && traceID != String(repeating: "0", count: 32))
        #expect(record["traceId"] as? String == traceID)
        #expect(record["spanId"] as? String == span["spanId"] as? String)
        // The span's flags also say whether its parent is remote, above the low byte that holds the W3C flags.
        let spanTraceFlags = try #require((span["flags"] as? Int).map { $0 & 0xFF })
        #expect(record["flags"] as? Int == spanTraceFlags, "the span's W3C trace flags")
        #expect(spanTraceFlags & 0x01 == 0x01, "sampled")
        #expect(record["severityNumber"] as? String == "SEVERITY_NUMBER_WARN")
        #expect(record["severityText"] as? String == "warning")
        #expect(logAttributes(record["attributes"]) == ["order.id": "42"])
        #expect((inside.scope["scope"] as? [String: Any])?["name"] as? String == "checkout")
        #expect(logAttributes((inside.resource["resource"] as? [String: Any])?["attributes"]) == ["service.name": "otlp-logs-test"])

        let outside = try #require(records.first { logValue($0.record["body"]) == "outside" }?.record)
        #expect(outside["traceId"] == nil && outside["spanId"] == nil && outside["flags"] == nil)
        try await logs.shutdown()
        try await traces.shutdown()
    }

    @Test("a partial success for logs counts the rejected records as rejected and failed", arguments: OTLPProtocol.allCases)
    func partialSuccess(protocol: OTLPProtocol) async throws {
        let receiver = try await OTLPReceiver(fault: #"{"partial": [2, "too old"]}"#)
        defer { receiver.stop() }
        let logs = LogCapture()
        let pipeline = try LogsPipeline(.logsReceiver(receiver, `protocol`), logger: logs.logger())
        let batch = (0..<5).map { index in
            LogRecordData(observedTimestamp: 1, body: .int(Int64(index)), instrumentationScope: InstrumentationScope(name: "partial"))
        }
        try await pipeline.exporter.export(batch)
        let statistics = pipeline.exporter.statistics
        #expect(statistics.rejected == 2)
        #expect(statistics.failed == 2)
        #expect(statistics.exported == 3)
        #expect(logs.warnings.contains { $0.contains("too old") && $0.contains("rejected_log_records") }, "\(logs.lines)")
        try await pipeline.shutdown()
    }

    @Test("the logs exporter retries a retryable failure on the shared loop, then succeeds")
    func retries() async throws {
        let clock = TestClock()
        let transport = ScriptedTransport([.retryable(reason: "HTTP 503", retryAfter: .seconds(3))])
        let exporter = OTLPLogRecordExporter(
            configuration: try resolvedConfiguration(), transport: transport, logger: LogCapture().logger(), clock: clock,
            jitter: { 1 })
        let record = LogRecordData(observedTimestamp: 1, instrumentationScope: InstrumentationScope(name: "retry"))
        let export = Task { try await exporter.export([record, record]) }
        try #require(await sleeps(before: export, on: clock), "the export waits to retry")
        #expect(transport.sends == 1)
        clock.advanceToNextDeadline()
        try await export.value
        #expect(transport.sends == 2)
        #expect(exporter.statistics.retries == 1)
        #expect(exporter.statistics.exported == 2)
    }

    @Test("an encoder that disagrees with itself fails the batch and counts it, for logs too")
    func encodingError() async throws {
        let transport = ScriptedTransport([])
        let exporter = OTLPLogRecordExporter(
            configuration: try resolvedConfiguration(), transport: transport, logger: LogCapture().logger(), encoder: { _ in nil })
        let record = LogRecordData(observedTimestamp: 1, instrumentationScope: InstrumentationScope(name: "broken"))
        await #expect(throws: OTLPExportError.self) { try await exporter.export([record, record, record]) }
        #expect(transport.sends == 0)
        #expect(exporter.statistics.encodingErrors == 1)
        #expect(exporter.statistics.failed == 3)
    }

    @Test("the two protobuf passes agree on a logs request, and any disagreement fails it")
    func passesAgree() throws {
        let records = Self.records()
        let groups = LogsRequestEncoder.group(records)
        var sizer = ProtobufSizer(expectedMessages: 64)
        records.withUnsafeBufferPointer { LogsRequestEncoder.encode($0, groups, into: &sizer) }
        let bytes = try #require(LogsRequestEncoder.write(
            records, groups, capacity: sizer.count, lengths: sizer.lengths, descriptions: sizer.descriptions))
        #expect(bytes.count == sizer.count)
        #expect(bytes == LogsRequestEncoder.protobuf(records))
        for index in sizer.lengths.indices {
            var lengths = sizer.lengths
            lengths[index] += 1
            #expect(LogsRequestEncoder.write(records, groups, capacity: sizer.count, lengths: lengths, descriptions: []) == nil)
        }
        #expect(LogsRequestEncoder.write(records, groups, capacity: sizer.count + 1, lengths: sizer.lengths, descriptions: []) == nil)
    }
}
