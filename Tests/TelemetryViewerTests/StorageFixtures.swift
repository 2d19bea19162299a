import Foundation
import Telemetry
import TelemetryViewer

/// A temporary directory removed when the value is released.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "telemetry-store-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    var databasePath: String { path + "/telemetry.sqlite" }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

enum StorageFixtures {
    static let second: UInt64 = 1_000_000_000
    static let base: UInt64 = 1_764_000_000 * 1_000_000_000

    static func resource(_ service: String, _ extra: [KeyValue] = []) -> ReceivedResource {
        ReceivedResource(attributes: [KeyValue("service.name", .string(service))] + extra)
    }

    static func traceID(_ n: UInt64) -> TraceID { TraceID(high: 0xABCD, low: n) }

    static func span(
        service: String = "orders",
        trace: UInt64,
        id: UInt64,
        parent: UInt64 = 0,
        name: String = "GET /orders",
        kind: ReceivedSpan.Kind = .server,
        start: UInt64,
        duration: UInt64 = 1_000_000,
        attributes: [KeyValue] = [],
        status: ReceivedSpan.StatusCode = .unset,
        resourceAttributes: [KeyValue] = []
    ) -> ReceivedSpan {
        ReceivedSpan(
            resource: resource(service, resourceAttributes),
            scope: ReceivedScope(name: "test", version: "1.0"),
            traceID: traceID(trace),
            spanID: SpanID(id),
            parentSpanID: SpanID(parent),
            name: name,
            kind: kind,
            startTimeUnixNano: start,
            endTimeUnixNano: start + duration,
            attributes: attributes,
            statusCode: status
        )
    }

    /// A value of every shape OTLP allows, nested.
    static let everyValue: [KeyValue] = [
        KeyValue("string", .string("text with\nnewline and \\ backslash ✓")),
        KeyValue("true", .bool(true)),
        KeyValue("false", .bool(false)),
        KeyValue("int", .int(-1234567890123)),
        KeyValue("max", .int(.max)),
        KeyValue("double", .double(-0.1)),
        KeyValue("nan-free", .double(.infinity)),
        KeyValue("bytes", .bytes([0, 1, 0xFF])),
        KeyValue("array", .array([.string("a"), .int(1), .array([.bool(false)]), .empty])),
        KeyValue("map", .keyValueList([KeyValue("inner", .keyValueList([KeyValue("x", .double(2.5))]))])),
        KeyValue("empty", .empty),
        KeyValue("negative zero", .double(-0.0)),
        KeyValue("integral double", .double(3)),
        KeyValue("huge double", .double(1e20)),
        KeyValue("inexact", .double(0.1 + 0.2)),
        KeyValue("key=with\nnewline\\", .string("value=\\n")),
        KeyValue("", .string("")),
        KeyValue("min", .int(.min)),
    ]

    /// A span with every field set to something other than its default.
    static let fullSpan = ReceivedSpan(
        resource: ReceivedResource(
            attributes: [KeyValue("service.name", .string("full"))] + everyValue,
            droppedAttributesCount: 3,
            schemaURL: "https://opentelemetry.io/schemas/1.26.0"
        ),
        scope: ReceivedScope(
            name: "scope",
            version: "2.1",
            attributes: [KeyValue("scope.attr", .int(7))],
            droppedAttributesCount: 1,
            schemaURL: "https://example.com/scope"
        ),
        traceID: TraceID(high: 0xFFFF_FFFF_FFFF_FFFF, low: 0x8000_0000_0000_0001),
        spanID: SpanID(0xFEDC_BA98_7654_3210),
        parentSpanID: SpanID(0x0123_4567_89AB_CDEF),
        traceState: "vendor=value,other=1",
        flags: 0x301,
        name: "full span",
        kind: .consumer,
        startTimeUnixNano: base + 123,
        endTimeUnixNano: base + 5 * second + 456,
        attributes: everyValue,
        droppedAttributesCount: 4,
        events: [
            ReceivedSpan.Event(timeUnixNano: base + 200, name: "exception", attributes: everyValue, droppedAttributesCount: 2),
            ReceivedSpan.Event(timeUnixNano: base + 300, name: "empty"),
        ],
        droppedEventsCount: 5,
        links: [
            ReceivedSpan.Link(
                traceID: TraceID(high: 1, low: 2),
                spanID: SpanID(3),
                traceState: "a=b",
                attributes: [KeyValue("link", .bool(true))],
                droppedAttributesCount: 6,
                flags: 0x101
            )
        ],
        droppedLinksCount: 7,
        statusCode: .error,
        statusMessage: "it failed"
    )
}

extension ReceivedSpan {
    /// This span, moved to another trace and start time.
    func with(start: UInt64, trace: UInt64) -> ReceivedSpan {
        var span = self
        let duration = span.durationNanoseconds
        span.startTimeUnixNano = start
        span.endTimeUnixNano = start + duration
        span.traceID = StorageFixtures.traceID(trace)
        return span
    }
}
