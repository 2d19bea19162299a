import Foundation
import Synchronization
import Telemetry
@testable import TelemetryOTLP
import Testing
import Tracing

@Suite("OTLP export, decoded by the official protocol definitions", .serialized)
struct OTLPFieldTests {
    @Test("every field arrives as created", arguments: OTLPProtocol.allCases)
    func fieldByField(protocol: OTLPProtocol) async throws {
        let receiver = try await OTLPReceiver()
        defer { receiver.stop() }
        let resource = Resource(attributes: ["service.name": "orders", "deployment.environment.name": "test"], schemaURL: "https://opentelemetry.io/schemas/1.26.0")
        let pipeline = try Pipeline(.receiver(receiver, `protocol`), resource: resource, limits: SpanLimits(attributeCountLimit: 12))
        let tracer = pipeline.provider.tracer(
            name: "checkout", version: "2.1.0", schemaURL: "https://opentelemetry.io/schemas/1.25.0", attributes: ["scope.attr": "s"])

        var remoteState = TraceState()
        remoteState.setValue("00f067aa0ba902b7", forKey: "rojo")
        let remote = SpanContext(traceID: TraceID(high: 0x0AF7_6519_16CD_43DD, low: 0x8448_EB21_1C80_319C), spanID: SpanID(0xB7AD_6B71_6920_3331), traceFlags: .sampled, traceState: remoteState, isRemote: true)
        var parentContext = ServiceContext.topLevel
        parentContext.spanContext = remote
        let longText = String(repeating: "x", count: 300)
        let span = tracer.startSpan(
            "GET /orders/{id}",
            kind: .server,
            parent: .context(parentContext),
            attributes: [
                "string": .string("text"), "bool": true, "int": 42, "negative": .int64(-7), "double": 0.25,
                "strings": .stringArray(["a", "b"]), "bools": .boolArray([true, false]), "ints": .int64Array([1, -2, 3]),
                "doubles": .doubleArray([1.5, -0.5]), "long": .string(longText), "zero": 0, "false": false,
            ],
            links: [SpanData.Link(spanContext: remote, attributes: ["link.attr": 1])],
            startTime: 1_700_000_000_123_456_789
        )
        span.setAttribute("over.limit", "dropped")
        span.addEvent("cache.miss", attributes: ["key": "order:1"], at: 1_700_000_000_200_000_000)
        span.recordError(TestError())
        span.setStatus(SpanStatus(code: .error, message: "payment failed"))
        let child = tracer.startSpan("charge", kind: .client, parent: .context(span.context), startTime: 1_700_000_000_300_000_000)
        child.setStatus(SpanStatus(code: .ok))
        child.end(at: DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: 1_700_000_000_400_000_000))
        span.end(at: DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: 1_700_000_000_500_000_000))
        try await pipeline.provider.forceFlush()
        #expect(try await receiver.waitUntil { $0.contains { $0["request"] != nil } })

        let spans = receiver.spans
        #expect(spans.count == 2)
        let received = try #require(spans.first { $0.span["name"] as? String == "GET /orders/{id}" })
        let server = received.span
        #expect(server["traceId"] as? String == "0af7651916cd43dd8448eb211c80319c")
        #expect(server["spanId"] as? String == span.spanContext.spanID.hexString)
        #expect(server["parentSpanId"] as? String == "b7ad6b7169203331")
        #expect(server["traceState"] as? String == "rojo=00f067aa0ba902b7")
        #expect(server["kind"] as? String == "SPAN_KIND_SERVER")
        #expect(server["startTimeUnixNano"] as? String == "1700000000123456789")
        #expect(server["endTimeUnixNano"] as? String == "1700000000500000000")
        #expect(server["flags"] as? Int == 0x301, "sampled, has-is-remote and is-remote")
        #expect(server["droppedAttributesCount"] as? Int == 1)
        let attributes = attributeMap(server["attributes"])
        #expect(attributes.count == 12)
        #expect(attributes["string"]?["stringValue"] as? String == "text")
        #expect(attributes["bool"]?["boolValue"] as? Bool == true)
        #expect(attributes["false"]?["boolValue"] as? Bool == false)
        #expect(attributes["int"]?["intValue"] as? String == "42")
        #expect(attributes["zero"]?["intValue"] as? String == "0")
        #expect(attributes["negative"]?["intValue"] as? String == "-7")
        #expect(attributes["double"]?["doubleValue"] as? Double == 0.25)
        #expect(attributes["long"]?["stringValue"] as? String == longText)
        let strings = (attributes["strings"]?["arrayValue"] as? [String: Any])?["values"] as? [[String: Any]]
        #expect(strings?.compactMap { $0["stringValue"] as? String } == ["a", "b"])
        let bools = (attributes["bools"]?["arrayValue"] as? [String: Any])?["values"] as? [[String: Any]]
        #expect(bools?.compactMap { $0["boolValue"] as? Bool } == [true, false])
        let ints = (attributes["ints"]?["arrayValue"] as? [String: Any])?["values"] as? [[String: Any]]
        #expect(ints?.compactMap { $0["intValue"] as? String } == ["1", "-2", "3"])
        let doubles = (attributes["doubles"]?["arrayValue"] as? [String: Any])?["values"] as? [[String: Any]]
        #expect(doubles?.compactMap { $0["doubleValue"] as? Double } == [1.5, -0.5])

        let events = try #require(server["events"] as? [[String: Any]])
        #expect(events.count == 2)
        #expect(events[0]["name"] as? String == "cache.miss")
        #expect(events[0]["timeUnixNano"] as? String == "1700000000200000000")
        #expect(attributeMap(events[0]["attributes"])["key"]?["stringValue"] as? String == "order:1")
        #expect(events[1]["name"] as? String == "exception")
        #expect(attributeMap(events[1]["attributes"])["exception.message"]?["stringValue"] as? String == "boom")

        let links = try #require(server["links"] as? [[String: Any]])
        #expect(links.first?["traceId"] as? String == "0af7651916cd43dd8448eb211c80319c")
        #expect(links.first?["spanId"] as? String == "b7ad6b7169203331")
        #expect(links.first?["traceState"] as? String == "rojo=00f067aa0ba902b7")
        #expect(links.first?["flags"] as? Int == 0x301)
        #expect(attributeMap(links.first?["attributes"])["link.attr"]?["intValue"] as? String == "1")

        let status = try #require(server["status"] as? [String: Any])
        #expect(status["code"] as? String == "STATUS_CODE_ERROR")
        #expect(status["message"] as? String == "payment failed")

        let clientSpan = try #require(spans.first { $0.span["name"] as? String == "charge" }?.span)
        #expect(clientSpan["parentSpanId"] as? String == span.spanContext.spanID.hexString)
        #expect(clientSpan["kind"] as? String == "SPAN_KIND_CLIENT")
        #expect(clientSpan["flags"] as? Int == 0x101, "sampled, has-is-remote, local parent")
        #expect((clientSpan["status"] as? [String: Any])?["code"] as? String == "STATUS_CODE_OK")

        let scope = try #require(received.scope["scope"] as? [String: Any])
        #expect(scope["name"] as? String == "checkout")
        #expect(scope["version"] as? String == "2.1.0")
        #expect(attributeMap(scope["attributes"])["scope.attr"]?["stringValue"] as? String == "s")
        #expect(received.scope["schemaUrl"] as? String == "https://opentelemetry.io/schemas/1.25.0")
        let resourceAttributes = attributeMap((received.resource["resource"] as? [String: Any])?["attributes"])
        #expect(resourceAttributes["service.name"]?["stringValue"] as? String == "orders")
        #expect(received.resource["schemaUrl"] as? String == "https://opentelemetry.io/schemas/1.26.0")
        #expect(receiver.requests.count == 1, "both spans share one resource and one scope, so one request")
        #expect((receiver.requests.first?["request"] as? [String: Any]).flatMap { ($0["resourceSpans"] as? [Any])?.count } == 1)
        #expect(pipeline.exporter.statistics.exported == 2)
        try await pipeline.shutdown()
    }

    @Test("every span created is received once", arguments: [OTLPProtocol.grpc, .httpProtobuf])
    func counts(protocol: OTLPProtocol) async throws {
        let receiver = try await OTLPReceiver()
        defer { receiver.stop() }
        let pipeline = try Pipeline(.receiver(receiver, `protocol`), batch: .init(scheduleDelay: .milliseconds(100), maxQueueSize: 10_000))
        let tracer = pipeline.provider.tracer(name: "load")
        for index in 0..<3000 {
            tracer.startSpan("span", kind: .internal, attributes: ["index": .int64(Int64(index))]).end()
        }
        try await pipeline.provider.forceFlush()
        #expect(try await receiver.waitUntil { records in
            records.reduce(0) { total, record in total + spanCount(record) } >= 3000
        })
        let ids = receiver.spans.compactMap { $0.span["spanId"] as? String }
        #expect(ids.count == 3000)
        #expect(Set(ids).count == 3000)
        #expect(pipeline.exporter.statistics.exported == 3000)
        #expect(pipeline.processor.statistics.dropped == 0)
        try await pipeline.shutdown()
    }
}

extension OTLPFieldTests {
    @Test("a description that changes while the request is encoded is sent as first seen, in a valid request", arguments: [true, false])
    func changingDescription(grows: Bool) async throws {
        let receiver = try await OTLPReceiver()
        defer { receiver.stop() }
        let pipeline = try Pipeline(.receiver(receiver, .httpProtobuf))
        let tracer = pipeline.provider.tracer(name: "descriptions")
        tracer.startSpan(
            "span",
            kind: .internal,
            attributes: [
                "changing": .stringConvertible(ChangingDescription(grows: grows)),
                "changing.array": .stringConvertibleArray([ChangingDescription(grows: grows)]),
                "after": "intact",
            ]
        ).end()
        try await pipeline.provider.forceFlush()
        #expect(try await receiver.waitUntil { $0.contains { $0["request"] != nil } })
        let span = try #require(receiver.spans.first?.span)
        let attributes = attributeMap(span["attributes"])
        #expect(attributes["after"]?["stringValue"] as? String == "intact")
        let value = try #require(attributes["changing"]?["stringValue"] as? String)
        // The measuring pass computes each description once, and the writing pass writes that string.
        #expect(value == (grows ? "éé" : String(repeating: "ab", count: 10) + "c"))
        let array = (attributes["changing.array"]?["arrayValue"] as? [String: Any])?["values"] as? [[String: Any]]
        #expect(array?.first?["stringValue"] as? String == value)
        try await pipeline.shutdown()
    }
}

/// A description that changes on every call: longer each time, or shorter each time.
final class ChangingDescription: CustomStringConvertible, Sendable {
    private let calls = Mutex(0)
    private let grows: Bool
    init(grows: Bool) { self.grows = grows }
    /// How many times ``description`` was read.
    var callCount: Int { calls.withLock { $0 } }
    var description: String {
        let call = calls.withLock { value in
            defer { value += 1 }
            return value
        }
        // Two-byte characters, so that cutting must respect character boundaries.
        return grows ? String(repeating: "é", count: 2 + call * 3) : String(repeating: "ab", count: max(1, 10 - call * 3)) + "c"
    }
}

func spanCount(_ record: [String: Any]) -> Int {
    let request = record["request"] as? [String: Any] ?? [:]
    var count = 0
    for resourceSpans in request["resourceSpans"] as? [[String: Any]] ?? [] {
        for scopeSpans in resourceSpans["scopeSpans"] as? [[String: Any]] ?? [] {
            count += (scopeSpans["spans"] as? [Any])?.count ?? 0
        }
    }
    return count
}

struct TestError: Error, CustomStringConvertible {
    var description: String { "boom" }
}
