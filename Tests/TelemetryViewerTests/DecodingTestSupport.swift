import Foundation
import Telemetry
import TelemetryViewer

/// Runs `Tests/Peers/viewer_requests.py` once and hands out its cases: requests built with the official protobuf
/// definitions and what decoding them must produce.
enum ViewerRequestsPeer {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    struct Case: @unchecked Sendable {
        var name: String
        var signal: Signal
        var protobuf: [UInt8]
        var json: [[UInt8]]
        /// The canonical batch (see the peer's docstring), as JSONSerialization parsed it.
        var expected: Any
    }

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var python: String {
        get throws {
            if let configured = ProcessInfo.processInfo.environment["TELEMETRY_TEST_PYTHON"], !configured.isEmpty {
                return configured
            }
            let local = packageRoot.appendingPathComponent(".venv/bin/python").path
            guard FileManager.default.isExecutableFile(atPath: local) else {
                throw Failure(description: "No Python peer: run ./scripts/test, which installs opentelemetry-proto into .venv")
            }
            return local
        }
    }

    /// The peer's output, produced once per test process.
    private static let output: Result<Data, Failure> = {
        do {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try python)
            process.arguments = [packageRoot.appendingPathComponent("Tests/Peers/viewer_requests.py").path]
            let stdout = Pipe()
            let stderr = Pipe()
            process.standardOutput = stdout
            process.standardError = stderr
            try process.run()
            // Read before waiting: the output is larger than a pipe's buffer.
            let data = stdout.fileHandleForReading.readDataToEndOfFile()
            let errors = stderr.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                return .failure(Failure(description: "viewer_requests.py failed: \(String(decoding: errors, as: UTF8.self))"))
            }
            return .success(data)
        } catch let failure as Failure {
            return .failure(failure)
        } catch {
            return .failure(Failure(description: "cannot run viewer_requests.py: \(error)"))
        }
    }()

    static func cases() throws -> [Case] {
        let data = try output.get()
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let cases = root["cases"] as? [[String: Any]]
        else { throw Failure(description: "unexpected output from viewer_requests.py") }
        return try cases.map { item in
            guard let name = item["name"] as? String,
                let signalName = item["signal"] as? String, let signal = Signal(rawValue: signalName),
                let protobuf = item["protobuf"] as? String, let bytes = hexBytes(protobuf),
                let json = item["json"] as? [String],
                let expected = item["expected"]
            else { throw Failure(description: "a malformed case from viewer_requests.py") }
            return Case(name: name, signal: signal, protobuf: bytes, json: json.map { Array($0.utf8) }, expected: expected)
        }
    }

    static func `case`(named name: String) throws -> Case {
        guard let found = try cases().first(where: { $0.name == name }) else {
            throw Failure(description: "viewer_requests.py has no case named \(name)")
        }
        return found
    }

    static func hexBytes(_ hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var result: [UInt8] = []
        result.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
            result.append(byte)
            index += 2
        }
        return result
    }
}

/// Writes a batch in the canonical shape the peer writes its expectations in, field by field.
enum CanonicalBatch {
    static func of(_ batch: ReceivedBatch) -> [String: Any] {
        [
            "spans": batch.spans.map(span),
            "metrics": batch.metrics.map(metric),
            "logRecords": batch.logRecords.map(logRecord),
            "rejected": String(batch.rejected),
        ]
    }

    static func double(_ value: Double) -> String {
        value.isNaN ? "nan" : String(value.bitPattern)
    }

    static func optionalDouble(_ value: Double?) -> Any {
        value.map(double) ?? NSNull()
    }

    static func value(_ value: TelemetryValue) -> [String: Any] {
        switch value {
        case .string(let string): ["string": string]
        case .bool(let bool): ["bool": bool]
        case .int(let int): ["int": String(int)]
        case .double(let double): ["double": self.double(double)]
        case .bytes(let bytes): ["bytes": bytes.map { String(format: "%02x", $0) }.joined()]
        case .array(let items): ["array": items.map { self.value($0) }]
        case .keyValueList(let entries): ["kvlist": attributes(entries)]
        case .empty: ["empty": true]
        }
    }

    static func attributes(_ entries: [KeyValue]) -> [Any] {
        entries.map { [$0.key, value($0.value)] as [Any] }
    }

    static func resource(_ resource: ReceivedResource) -> [String: Any] {
        [
            "attributes": attributes(resource.attributes), "dropped": Int(resource.droppedAttributesCount),
            "schemaUrl": resource.schemaURL,
        ]
    }

    static func scope(_ scope: ReceivedScope) -> [String: Any] {
        [
            "name": scope.name, "version": scope.version, "attributes": attributes(scope.attributes),
            "dropped": Int(scope.droppedAttributesCount), "schemaUrl": scope.schemaURL,
        ]
    }

    static func span(_ span: ReceivedSpan) -> [String: Any] {
        [
            "resource": resource(span.resource), "scope": scope(span.scope),
            "traceId": span.traceID.hexString, "spanId": span.spanID.hexString,
            "parentSpanId": span.parentSpanID.hexString, "traceState": span.traceState, "flags": Int(span.flags),
            "name": span.name, "kind": span.kind.rawValue,
            "start": String(span.startTimeUnixNano), "end": String(span.endTimeUnixNano),
            "attributes": attributes(span.attributes), "dropped": Int(span.droppedAttributesCount),
            "events": span.events.map { event in
                [
                    "time": String(event.timeUnixNano), "name": event.name, "attributes": attributes(event.attributes),
                    "dropped": Int(event.droppedAttributesCount),
                ] as [String: Any]
            },
            "droppedEvents": Int(span.droppedEventsCount),
            "links": span.links.map { link in
                [
                    "traceId": link.traceID.hexString, "spanId": link.spanID.hexString, "traceState": link.traceState,
                    "attributes": attributes(link.attributes), "dropped": Int(link.droppedAttributesCount),
                    "flags": Int(link.flags),
                ] as [String: Any]
            },
            "droppedLinks": Int(span.droppedLinksCount),
            "statusCode": span.statusCode.rawValue, "statusMessage": span.statusMessage,
        ]
    }

    static func number(_ number: ReceivedMetric.Number) -> [String: Any] {
        switch number {
        case .int(let int): ["int": String(int)]
        case .double(let double): ["double": self.double(double)]
        }
    }

    static func exemplars(_ exemplars: [ReceivedMetric.Exemplar]) -> [Any] {
        exemplars.map { exemplar in
            [
                "filteredAttributes": attributes(exemplar.filteredAttributes), "time": String(exemplar.timeUnixNano),
                "value": number(exemplar.value), "traceId": exemplar.traceID.hexString,
                "spanId": exemplar.spanID.hexString,
            ] as [String: Any]
        }
    }

    static func numberPoints(_ points: [ReceivedMetric.NumberPoint]) -> [Any] {
        points.map { point in
            [
                "attributes": attributes(point.attributes), "start": String(point.startTimeUnixNano),
                "time": String(point.timeUnixNano), "value": number(point.value),
                "exemplars": exemplars(point.exemplars), "flags": Int(point.flags),
            ] as [String: Any]
        }
    }

    static func buckets(_ buckets: ReceivedMetric.ExponentialHistogramPoint.Buckets) -> [String: Any] {
        ["offset": Int(buckets.offset), "bucketCounts": buckets.bucketCounts.map { String($0) }]
    }

    static func data(_ data: ReceivedMetric.Data) -> [String: Any] {
        switch data {
        case .gauge(let points):
            return ["kind": "gauge", "points": numberPoints(points)]
        case .sum(let points, let temporality, let monotonic):
            return ["kind": "sum", "points": numberPoints(points), "temporality": temporality.rawValue, "monotonic": monotonic]
        case .histogram(let points, let temporality):
            let written = points.map { point in
                [
                    "attributes": attributes(point.attributes), "start": String(point.startTimeUnixNano),
                    "time": String(point.timeUnixNano), "count": String(point.count), "sum": optionalDouble(point.sum),
                    "bucketCounts": point.bucketCounts.map { String($0) },
                    "explicitBounds": point.explicitBounds.map(double), "exemplars": exemplars(point.exemplars),
                    "flags": Int(point.flags), "min": optionalDouble(point.min), "max": optionalDouble(point.max),
                ] as [String: Any]
            }
            return ["kind": "histogram", "points": written, "temporality": temporality.rawValue]
        case .exponentialHistogram(let points, let temporality):
            let written = points.map { point in
                [
                    "attributes": attributes(point.attributes), "start": String(point.startTimeUnixNano),
                    "time": String(point.timeUnixNano), "count": String(point.count), "sum": optionalDouble(point.sum),
                    "scale": Int(point.scale), "zeroCount": String(point.zeroCount),
                    "positive": buckets(point.positive), "negative": buckets(point.negative), "flags": Int(point.flags),
                    "exemplars": exemplars(point.exemplars), "min": optionalDouble(point.min),
                    "max": optionalDouble(point.max), "zeroThreshold": double(point.zeroThreshold),
                ] as [String: Any]
            }
            return ["kind": "exponentialHistogram", "points": written, "temporality": temporality.rawValue]
        case .summary(let points):
            let written = points.map { point in
                [
                    "attributes": attributes(point.attributes), "start": String(point.startTimeUnixNano),
                    "time": String(point.timeUnixNano), "count": String(point.count), "sum": double(point.sum),
                    "quantiles": point.quantiles.map { [double($0.quantile), double($0.value)] },
                    "flags": Int(point.flags),
                ] as [String: Any]
            }
            return ["kind": "summary", "points": written]
        }
    }

    static func metric(_ metric: ReceivedMetric) -> [String: Any] {
        [
            "resource": resource(metric.resource), "scope": scope(metric.scope), "name": metric.name,
            "description": metric.description, "unit": metric.unit, "metadata": attributes(metric.metadata),
            "data": data(metric.data),
        ]
    }

    static func logRecord(_ record: ReceivedLogRecord) -> [String: Any] {
        [
            "resource": resource(record.resource), "scope": scope(record.scope),
            "time": String(record.timeUnixNano), "observedTime": String(record.observedTimeUnixNano),
            "severityNumber": Int(record.severityNumber), "severityText": record.severityText,
            "body": value(record.body), "attributes": attributes(record.attributes),
            "dropped": Int(record.droppedAttributesCount), "flags": Int(record.flags),
            "traceId": record.traceID.hexString, "spanId": record.spanID.hexString, "eventName": record.eventName,
        ]
    }

    /// Where two JSON-shaped trees first differ, as a path and both values, or `nil` when they are equal.
    static func firstDifference(_ actual: Any, _ expected: Any, path: String = "") -> String? {
        if let actual = actual as? [String: Any], let expected = expected as? [String: Any] {
            for key in Set(actual.keys).union(expected.keys).sorted() {
                guard let left = actual[key], let right = expected[key] else {
                    return "\(path).\(key): present on one side only"
                }
                if let difference = firstDifference(left, right, path: "\(path).\(key)") { return difference }
            }
            return nil
        }
        if let actual = actual as? [Any], let expected = expected as? [Any] {
            guard actual.count == expected.count else {
                return "\(path): \(actual.count) elements decoded, \(expected.count) expected"
            }
            for (index, (left, right)) in zip(actual, expected).enumerated() {
                if let difference = firstDifference(left, right, path: "\(path)[\(index)]") { return difference }
            }
            return nil
        }
        let left = serialized(actual)
        let right = serialized(expected)
        return left == right ? nil : "\(path): decoded \(left), expected \(right)"
    }

    private static func serialized(_ value: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys, .fragmentsAllowed]) else {
            return "\(value)"
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Builds protobuf bytes by hand, for inputs the official library will not write: unpacked fields, odd field
/// orders, wrong wire types, bad lengths.
struct ProtoWriter {
    var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var remaining = value
        while remaining >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        bytes.append(UInt8(remaining))
    }

    mutating func key(_ field: UInt32, _ wireType: UInt8) {
        varint(UInt64(field) << 3 | UInt64(wireType))
    }

    mutating func varintField(_ field: UInt32, _ value: UInt64) {
        key(field, 0)
        varint(value)
    }

    mutating func fixed64Field(_ field: UInt32, _ value: UInt64) {
        key(field, 1)
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    mutating func fixed32Field(_ field: UInt32, _ value: UInt32) {
        key(field, 5)
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    mutating func bytesField(_ field: UInt32, _ value: [UInt8]) {
        key(field, 2)
        varint(UInt64(value.count))
        bytes += value
    }

    mutating func stringField(_ field: UInt32, _ value: String) {
        bytesField(field, Array(value.utf8))
    }

    mutating func messageField(_ field: UInt32, _ build: (inout ProtoWriter) -> Void) {
        var nested = ProtoWriter()
        build(&nested)
        bytesField(field, nested.bytes)
    }

    static func message(_ build: (inout ProtoWriter) -> Void) -> [UInt8] {
        var writer = ProtoWriter()
        build(&writer)
        return writer.bytes
    }

    /// An `ExportTraceServiceRequest` holding one span that `build` writes.
    static func traceRequest(span build: (inout ProtoWriter) -> Void) -> [UInt8] {
        message { request in
            request.messageField(1) { resourceSpans in
                resourceSpans.messageField(2) { scopeSpans in
                    scopeSpans.messageField(2, build)
                }
            }
        }
    }

    /// A valid span's ids and name, for tests that add to them.
    mutating func validSpanIDs(name: String = "span") {
        bytesField(1, Array(repeating: 0xAB, count: 16))
        bytesField(2, Array(repeating: 0xCD, count: 8))
        stringField(5, name)
    }
}
