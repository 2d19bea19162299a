import Telemetry
import Testing
import Tracing

@Suite("Spans")
struct SpanTests {
    @Test("withSpan links children to their parent through ServiceContext")
    func parentChild() throws {
        let (provider, processor) = makeProvider()
        provider.withSpan("parent") { parent in
            provider.withSpan("child") { _ in }
            _ = parent
        }
        let spans = processor.ended
        let child = try #require(spans.first { $0.name == "child" })
        let parent = try #require(spans.first { $0.name == "parent" })
        #expect(child.spanContext.traceID == parent.spanContext.traceID)
        #expect(child.parentSpanID == parent.spanContext.spanID)
        #expect(parent.parentSpanID == nil)
        #expect(child.spanContext.spanID != parent.spanContext.spanID)
        #expect(parent.spanContext.isSampled)
        #expect(parent.instrumentationScope == TracerProvider.defaultScope)
        #expect(parent.resource.serviceName == "test")
    }

    @Test("async withSpan keeps the parent across suspension points")
    func asyncParentChild() async throws {
        let (provider, processor) = makeProvider()
        let tracer = provider.tracer(name: "orders", version: "1.2.0")
        await tracer.withSpan("parent", kind: .server) { _ in
            await Task.yield()
            await provider.withSpan("child") { _ in await Task.yield() }
        }
        let child = try #require(processor.ended.first { $0.name == "child" })
        let parent = try #require(processor.ended.first { $0.name == "parent" })
        #expect(child.parentSpanID == parent.spanContext.spanID)
        #expect(parent.kind == .server)
        #expect(parent.instrumentationScope.name == "orders")
        #expect(parent.instrumentationScope.version == "1.2.0")
    }

    @Test("attributes set through SpanAttributes and typed setters are all kept")
    func attributes() throws {
        let (provider, processor) = makeProvider()
        let span = provider.startSpan("op")
        span.attributes["http.request.method"] = "GET"
        span.attributes["http.response.status_code"] = 200
        span.updateAttributes { $0["cache.hit"] = true }
        span.setAttribute("ratio", .double(0.5))
        span.setAttribute("tags", .stringArray(["a", "b"]))
        span.setAttribute("removed", .string("x"))
        span.setAttribute("removed", nil)
        span.end()
        let data = try #require(processor.ended.first)
        #expect(data.attributes.get("http.request.method") == .string("GET"))
        #expect(data.attributes.get("http.response.status_code") == .int64(200))
        #expect(data.attributes.get("cache.hit") == .bool(true))
        #expect(data.attributes.get("ratio") == .double(0.5))
        #expect(data.attributes.get("tags") == .stringArray(["a", "b"]))
        #expect(data.attributes.get("removed") == nil)
        #expect(data.attributes.count == 5)
    }

    @Test("events carry attributes and time; recordError writes an exception event")
    func eventsAndErrors() throws {
        let (provider, processor) = makeProvider()
        let span = provider.startSpan("op")
        span.addEvent(SpanEvent(name: "cache.miss", at: DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: 42), attributes: ["key": "k"]))
        span.recordError(TestError(), attributes: ["extra": 1])
        span.end()
        let data = try #require(processor.ended.first)
        #expect(data.events.count == 2)
        #expect(data.events[0].name == "cache.miss")
        #expect(data.events[0].time == 42)
        #expect(data.events[0].attributes.get("key") == .string("k"))
        #expect(data.events[1].name == "exception")
        #expect(data.events[1].attributes.get("exception.type") == .string(String(reflecting: TestError.self)))
        #expect(data.events[1].attributes.get("exception.message") == .string("boom"))
        #expect(data.events[1].attributes.get("extra") == .int64(1))
        #expect(data.status == nil, "recording an error does not set the status")
    }

    @Test("a thrown error in withSpan records it and sets the status to error")
    func withSpanError() throws {
        let (provider, processor) = makeProvider()
        #expect(throws: TestError.self) {
            try provider.withSpan("op") { _ in throw TestError() }
        }
        let data = try #require(processor.ended.first)
        #expect(data.status?.code == .error)
        #expect(data.events.first?.name == "exception")
    }

    @Test("status: unset by default, Ok is final, a description is kept only with Error")
    func status() throws {
        let (provider, processor) = makeProvider()
        let unset = provider.startSpan("unset")
        unset.end()
        let error = provider.startSpan("error")
        error.setStatus(SpanStatus(code: .error, message: "failed"))
        error.end()
        let ok = provider.startSpan("ok")
        ok.setStatus(SpanStatus(code: .ok, message: "ignored"))
        ok.setStatus(SpanStatus(code: .error, message: "too late"))
        ok.end()
        let errorThenOk = provider.startSpan("errorThenOk")
        errorThenOk.setStatus(SpanStatus(code: .error, message: "failed"))
        errorThenOk.setStatus(SpanStatus(code: .ok))
        errorThenOk.end()
        let byName = Dictionary(uniqueKeysWithValues: processor.ended.map { ($0.name, $0) })
        #expect(byName["unset"]?.status == nil)
        #expect(byName["error"]?.status == SpanStatus(code: .error, message: "failed"))
        #expect(byName["ok"]?.status == SpanStatus(code: .ok))
        #expect(byName["errorThenOk"]?.status == SpanStatus(code: .ok))
    }

    @Test("end is idempotent, nothing changes after end, and isRecording follows")
    func endSemantics() throws {
        let (provider, processor) = makeProvider()
        let span = provider.startSpan("op")
        #expect(span.isRecording)
        span.end(at: DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: 2_000))
        #expect(!span.isRecording)
        span.attributes["late"] = "x"
        span.setAttribute("late2", "y")
        span.addEvent("late")
        span.setStatus(SpanStatus(code: .error))
        span.operationName = "renamed"
        span.end(at: DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: 9_000))
        #expect(processor.ended.count == 1, "a second end does not reach processors again")
        let data = try #require(processor.ended.first)
        #expect(data.endTime == 2_000)
        #expect(data.attributes.isEmpty)
        #expect(data.events.isEmpty)
        #expect(data.status == nil)
        #expect(data.name == "op")
    }

    @Test("limits drop and count attributes, events, links and their attributes")
    func limits() throws {
        let limits = SpanLimits(
            attributeCountLimit: 2,
            attributeValueLengthLimit: 3,
            eventCountLimit: 1,
            linkCountLimit: 1,
            attributePerEventCountLimit: 1,
            attributePerLinkCountLimit: 1
        )
        let (provider, processor) = makeProvider(limits: limits)
        let other = SpanContext(traceID: TraceID(high: 1, low: 2), spanID: SpanID(3), traceFlags: .sampled)
        let link = SpanData.Link(spanContext: other, attributes: ["a": 1, "b": 2])
        let span = provider.tracer(name: "t").startSpan("op", kind: .internal, links: [link, link])
        span.setAttribute("one", "abcdef")
        span.setAttribute("two", .stringArray(["abcdef", "xy"]))
        span.setAttribute("three", 3)
        span.setAttribute("one", "updated")  // an existing key is still updated at the limit
        span.addEvent("first", attributes: ["a": 1, "b": 2, "c": 3])
        span.addEvent("second")
        span.end()
        let data = try #require(processor.ended.first)
        #expect(data.attributes.count == 2)
        #expect(data.droppedAttributeCount == 1)
        #expect(data.attributes.get("one") == .string("upd"))
        #expect(data.attributes.get("two") == .stringArray(["abc", "xy"]))
        #expect(data.events.count == 1)
        #expect(data.droppedEventCount == 1)
        #expect(data.events[0].attributes.count == 1)
        #expect(data.events[0].droppedAttributeCount == 2)
        #expect(data.links.count == 1)
        #expect(data.droppedLinkCount == 1)
        #expect(data.links[0].attributes.count == 1)
        #expect(data.links[0].droppedAttributeCount == 1)
    }

    @Test("a bulk SpanAttributes change over the limit is trimmed and counted")
    func bulkAttributeLimit() throws {
        let (provider, processor) = makeProvider(limits: SpanLimits(attributeCountLimit: 3))
        let span = provider.startSpan("op")
        span.attributes = ["a": 1, "b": 2, "c": 3, "d": 4, "e": 5]
        span.attributes["f"] = 6
        span.end()
        let data = try #require(processor.ended.first)
        #expect(data.attributes.count == 3)
        #expect(data.droppedAttributeCount == 3)
    }

    @Test("the OpenTelemetry-style API sets kind, attributes, links, explicit parent, new root and start time")
    func otelStyleAPI() throws {
        let (provider, processor) = makeProvider()
        let tracer = provider.tracer(name: "lib", version: "2.0", schemaURL: "https://opentelemetry.io/schemas/1.26.0")
        let remote = SpanContext(
            traceID: TraceID(high: 0xAA, low: 0xBB),
            spanID: SpanID(0xCC),
            traceFlags: .sampled,
            isRemote: true
        )
        var parentContext = ServiceContext.topLevel
        parentContext.spanContext = remote
        let child = tracer.startSpan(
            "child",
            kind: .consumer,
            parent: .context(parentContext),
            attributes: ["messaging.system": "kafka"],
            links: [SpanData.Link(spanContext: remote, attributes: ["why": "batch"])],
            startTime: 1_000
        )
        child.end(at: DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: 5_000))
        let root = ServiceContext.withValue(child.context) {
            tracer.startSpan("root", kind: .internal, parent: .root)
        }
        root.end()
        let data = Dictionary(uniqueKeysWithValues: processor.ended.map { ($0.name, $0) })
        let childData = try #require(data["child"])
        #expect(childData.kind == .consumer)
        #expect(childData.spanContext.traceID == remote.traceID)
        #expect(childData.parentSpanID == remote.spanID)
        #expect(childData.parentIsRemote)
        #expect(!childData.spanContext.isRemote)
        #expect(childData.startTime == 1_000)
        #expect(childData.endTime == 5_000)
        #expect(childData.attributes.get("messaging.system") == .string("kafka"))
        #expect(childData.links.first?.spanContext == remote)
        #expect(childData.instrumentationScope.schemaURL == "https://opentelemetry.io/schemas/1.26.0")
        let rootData = try #require(data["root"])
        #expect(rootData.parentSpanID == nil)
        #expect(rootData.spanContext.traceID != remote.traceID)
    }

    @Test("links added through swift-distributed-tracing keep the linked span context")
    func sdtLinks() throws {
        let (provider, processor) = makeProvider()
        let first = provider.startSpan("first")
        let second = provider.startSpan("second", context: .topLevel)
        second.addLink(first, attributes: ["k": "v"])
        first.end()
        second.end()
        let data = try #require(processor.ended.first { $0.name == "second" })
        #expect(data.links.count == 1)
        #expect(data.links[0].spanContext.spanID == first.spanContext.spanID)
        #expect(data.links[0].attributes.get("k") == .string("v"))
    }

    @Test("processors see recorded spans on start and on end, in order")
    func processorOrder() {
        let first = CollectingProcessor()
        let second = CollectingProcessor()
        let provider = TracerProvider(processors: [first, second])
        provider.withSpan("op") { _ in
            #expect(first.started.count == 1)
            #expect(second.started.count == 1)
            #expect(first.ended.isEmpty)
        }
        #expect(first.ended.count == 1)
        #expect(second.ended.count == 1)
    }

    @Test("activeSpan(identifiedBy:) finds the recorded span of a context")
    func activeSpan() {
        let (provider, _) = makeProvider()
        let span = provider.startSpan("op")
        let found = provider.activeSpan(identifiedBy: span.context)
        #expect(found?.spanContext == span.spanContext)
        #expect(provider.activeSpan(identifiedBy: .topLevel) == nil)
        span.end()
    }

    @Test("after shutdown, new spans are not recorded")
    func afterShutdown() async throws {
        let (provider, processor) = makeProvider()
        try await provider.shutdown()
        let span = provider.startSpan("late")
        #expect(!span.isRecording)
        #expect(span.spanContext.isValid)
        span.end()
        #expect(processor.ended.isEmpty)
        try await provider.shutdown()  // a second call returns at once
    }

    @Test("ids are valid, random and unique")
    func ids() {
        let generator = RandomIDGenerator()
        var traceIDs = Set<TraceID>()
        var spanIDs = Set<SpanID>()
        for _ in 0..<100_000 {
            let traceID = generator.newTraceID()
            let spanID = generator.newSpanID()
            #expect(traceID.isValid && spanID.isValid)
            traceIDs.insert(traceID)
            spanIDs.insert(spanID)
        }
        #expect(traceIDs.count == 100_000)
        #expect(spanIDs.count == 100_000)
        // Every bit position takes both values: the generator is not stuck on a pattern.
        let ored = spanIDs.reduce(UInt64(0)) { $0 | $1.value }
        let anded = spanIDs.reduce(UInt64.max) { $0 & $1.value }
        #expect(ored == .max)
        #expect(anded == 0)
    }

    @Test("ids round-trip through hex and reject malformed text")
    func idHex() {
        let traceID = TraceID(high: 0x0AF7_6519_16CD_43DD, low: 0x8448_EB21_1C80_319C)
        #expect(traceID.hexString == "0af7651916cd43dd8448eb211c80319c")
        #expect(TraceID(hexString: "0af7651916cd43dd8448eb211c80319c") == traceID)
        #expect(TraceID(hexString: "0AF7651916CD43DD8448EB211C80319C") == nil)
        #expect(TraceID(hexString: "0af7651916cd43dd8448eb211c80319") == nil)
        #expect(TraceID(hexString: "0af7651916cd43dd8448eb211c80319g") == nil)
        #expect(SpanID(hexString: "b7ad6b7169203331") == SpanID(0xB7AD_6B71_6920_3331))
        #expect(SpanID(0xB7AD_6B71_6920_3331).hexString == "b7ad6b7169203331")
        #expect(SpanID(1).bytes == [0, 0, 0, 0, 0, 0, 0, 1])
        #expect(traceID.bytes.count == 16 && traceID.bytes.first == 0x0A && traceID.bytes.last == 0x9C)
    }
}
