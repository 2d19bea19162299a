import Synchronization
@testable import Telemetry
import Testing
import Tracing

/// Sees each span as it ends and remembers what it held at that moment.
final class EndSnapshotProcessor: SpanProcessor {
    private let snapshots = Mutex<[SpanData]>([])
    var ended: [SpanData] { snapshots.withLock { $0 } }
    func onEnd(_ span: RecordingSpan) { snapshots.withLock { $0.append(span.spanData) } }
    func forceFlush() async throws {}
    func shutdown() async throws {}
}

@Suite("Span limits and attribute changes")
struct SpanLimitTests {
    @Test("at the count limit, a new key set in place is the one discarded, over 200 fresh spans")
    func newKeyDiscarded() {
        let (provider, processor) = makeProvider(limits: SpanLimits(attributeCountLimit: 4))
        for index in 0..<200 {
            let span = provider.startSpan("span-\(index)")
            for key in ["a", "b", "c", "d"] { span.attributes[key] = "\(key)-\(index)" }
            span.attributes["new-\(index)"] = "dropped"
            span.attributes["b"] = "updated"
            span.end()
        }
        for (index, data) in processor.ended.enumerated() {
            #expect(data.attributes.get("new-\(index)") == nil, "span \(index) kept the new key")
            #expect(data.attributes.get("a") == .string("a-\(index)"), "span \(index) evicted an existing key")
            #expect(data.attributes.get("b") == .string("updated"))
            #expect(data.attributes.get("d") == .string("d-\(index)"))
            #expect(data.droppedAttributeCount == 1)
        }
    }

    @Test("at the count limit, existing keys win on every path: setter, in place with many keys, and setAttribute")
    func everyPath() {
        let (provider, processor) = makeProvider(limits: SpanLimits(attributeCountLimit: 10))
        for index in 0..<200 {
            let span = provider.startSpan("span-\(index)")
            for key in 0..<10 { span.recordingSpan?.setAttribute("k\(key)", .int64(Int64(key))) }
            var replacement = span.attributes
            replacement["setter-\(index)"] = "new"
            span.attributes = replacement
            span.attributes["in-place-\(index)"] = "new"
            span.recordingSpan?.setAttribute("typed-\(index)", "new")
            span.end()
        }
        for (index, data) in processor.ended.enumerated() {
            #expect((0..<10).allSatisfy { data.attributes.get("k\($0)") == .int64(Int64($0)) }, "span \(index)")
            #expect(data.droppedAttributeCount == 3)
        }
    }

    @Test("value lengths are cut when a value is set, on the span, its events and links, and at start")
    func valueLengthAtSet() throws {
        let (provider, _) = makeProvider(limits: SpanLimits(attributeValueLengthLimit: 4))
        let tracer = provider.tracer(name: "test")
        let linked = provider.startSpan("linked")
        let span = tracer.startSpan(
            "span",
            kind: .internal,
            attributes: ["start": "abcdefgh"],
            links: [SpanData.Link(spanContext: linked.spanContext, attributes: ["link": "abcdefgh"])]
        )
        span.attributes["in-place"] = "abcdefgh"
        span.attributes["array"] = ["abcdefgh", "ab"]
        span.recordingSpan?.setAttribute("typed", "abcdefgh")
        span.addEvent("event", attributes: ["event": "abcdefgh"])
        span.attributes["number"] = 123_456_789
        // Live, before the span ends and before any SpanData is built: queued spans hold only the cut values.
        let recording = try #require(span.recordingSpan)
        let live = recording.state.withLock { $0 }
        #expect(live.attributes.get("start") == .string("abcd"))
        #expect(live.attributes.get("in-place") == .string("abcd"))
        #expect(live.attributes.get("array") == .stringArray(["abcd", "ab"]))
        #expect(live.attributes.get("typed") == .string("abcd"))
        #expect(live.attributes.get("number") == .int64(123_456_789))
        #expect(live.events.first?.attributes.get("event") == .string("abcd"))
        #expect(live.links.first?.attributes.get("link") == .string("abcd"))
        span.end()
    }

    @Test("an in-place attribute change racing with end(): processors see every attribute, and nothing changes after")
    func changeRacesEnd() async {
        let processor = EndSnapshotProcessor()
        let provider = TracerProvider(sampler: AlwaysOnSampler(), processors: [processor])
        for round in 0..<2000 {
            let span = provider.startSpan("race-\(round)")
            span.attributes["before"] = "kept"
            await withTaskGroup(of: Void.self) { group in
                group.addTask { span.attributes["during"] = "racing" }
                group.addTask { span.end() }
            }
            span.attributes["after"] = "ignored"
            let ended = processor.ended
            #expect(ended.count == round + 1, "the span reached the processor once, by the end or by the change")
            guard let data = ended.last else { return }
            #expect(data.attributes.get("before") == .string("kept"), "round \(round): a processor saw the attributes gone")
            #expect(data.attributes.get("after") == nil)
            let now = span.recordingSpan?.spanData.attributes
            #expect(now == data.attributes, "round \(round): the span changed after it ended")
            if data.attributes != now { return }
        }
    }
}

@Suite("Attributes set while an in-place change has them out")
struct AttributesDuringChangeTests {
    /// Runs `body` while `attributes` is lent out for an in-place change, then sets `"changed"` through that change.
    private func change(_ attributes: inout SpanAttributes, during body: () -> Void) {
        body()
        attributes["changed"] = "by the change"
    }

    @Test("a key the span held, set or removed by setAttribute during an in-place change, keeps that later write")
    func laterWritesWin() throws {
        let (provider, processor) = makeProvider()
        let span = provider.startSpan("s")
        span.attributes["existing"] = "before"
        span.attributes["doomed"] = "before"
        change(&span.attributes) {
            span.setAttribute("existing", .string("during"))
            span.setAttribute("doomed", nil)
            span.setAttribute("new", .int64(1))
        }
        span.end()
        let data = try #require(processor.ended.first)
        #expect(data.attributes.get("existing") == .string("during"))
        #expect(data.attributes.get("doomed") == nil)
        #expect(data.attributes.get("new") == .int64(1))
        #expect(data.attributes.get("changed") == .string("by the change"))
    }

    @Test("a key removed and then set again during the change keeps the value")
    func removedThenSet() throws {
        let (provider, processor) = makeProvider()
        let span = provider.startSpan("s")
        span.attributes["key"] = "before"
        change(&span.attributes) {
            span.setAttribute("key", nil)
            span.setAttribute("key", .string("again"))
        }
        span.attributes["after"] = "next change"
        span.end()
        let data = try #require(processor.ended.first)
        #expect(data.attributes.get("key") == .string("again"))
        #expect(data.attributes.get("after") == .string("next change"))
    }
}
