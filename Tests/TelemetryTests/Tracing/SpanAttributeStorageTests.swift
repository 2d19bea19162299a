@testable import Telemetry
import Testing
import Tracing

@Suite("Span attribute storage")
struct SpanAttributeStorageTests {
    private func keys(_ storage: SpanAttributeStorage) -> [String] {
        var keys: [String] = []
        storage.forEach { key, _ in keys.append(key) }
        return keys
    }

    private func isList(_ storage: SpanAttributeStorage) -> Bool {
        storage.table == nil
    }

    @Test("a list keeps keys in the order they were first set, replaces values in place and removes on nil")
    func listOrderReplaceRemove() {
        var storage = SpanAttributeStorage()
        storage.set("a", value: .string("1"))
        storage.set("b", value: .int64(2))
        storage.set("c", value: .bool(true))
        storage.set("a", value: .string("changed"))
        storage.set("b", value: nil)
        storage.set("missing", value: nil)
        #expect(isList(storage))
        #expect(keys(storage) == ["a", "c"])
        #expect(storage.get("a") == .string("changed"))
        #expect(storage.get("b") == nil)
        #expect(storage.count == 2)
        #expect(storage.spanAttributes == ["a": .string("changed"), "c": .bool(true)])
    }

    @Test("every kind of value comes back out of the list as it went in, the common ones kept unboxed")
    func valuesRoundTrip() {
        struct Described: CustomStringConvertible, Sendable { var description: String { "described" } }
        let values: [SpanAttribute] = [
            .string("s"), .int64(-1), .double(0.5), .bool(false), .int32(7), .stringArray(["a", "b"]),
            .int64Array([1, 2]), .doubleArray([1.5]), .boolArray([true]), .int32Array([3]),
            .stringConvertible(Described()),
        ]
        var storage = SpanAttributeStorage()
        for (index, value) in values.enumerated() { storage.append(uniqueKey: "k\(index)", value: value) }
        #expect(isList(storage))
        for (index, value) in values.enumerated() {
            if case .stringConvertible = value {
                guard case .stringConvertible(let kept)? = storage.get("k\(index)") else {
                    Issue.record("k\(index) is not the value set")
                    continue
                }
                #expect(kept.description == "described")
            } else {
                #expect(storage.get("k\(index)") == value, "k\(index)")
            }
        }
        var unboxed = 0
        for entry in storage.entries {
            if case .other = entry.stored { continue }
            unboxed += 1
        }
        #expect(unboxed == 4)
    }

    @Test("past the list limit the attributes become a table holding every key once")
    func becomesTable() {
        var storage = SpanAttributeStorage()
        for index in 0..<(SpanAttributeStorage.listLimit + 5) { storage.set("k\(index)", value: .int64(Int64(index))) }
        storage.set("k3", value: .string("again"))
        #expect(!isList(storage))
        #expect(storage.count == SpanAttributeStorage.listLimit + 5)
        #expect(storage.get("k3") == .string("again"))
        #expect(storage.get("k36") == .int64(36))
    }

    @Test("taking the table out keeps every attribute and leaves none behind")
    func takeTable() {
        var storage = SpanAttributeStorage()
        storage.append(uniqueKey: "x", value: .string("1"))
        storage.append(uniqueKey: "y", value: .int64(2))
        let table = storage.takeTable()
        #expect(table == ["x": .string("1"), "y": .int64(2)])
        #expect(storage.isEmpty)
        var empty = SpanAttributeStorage()
        #expect(empty.takeTable().isEmpty)
    }

    @Test("trimming a list drops its last new keys first, then others")
    func trimList() {
        var storage = SpanAttributeStorage()
        for key in ["old1", "new1", "old2", "new2", "new3"] { storage.set(key, value: .string(key)) }
        let removed = storage.trim(toCount: 3) { $0.hasPrefix("new") }
        #expect(removed == 2)
        #expect(keys(storage) == ["old1", "new1", "old2"])
        let more = storage.trim(toCount: 1) { $0.hasPrefix("new") }
        #expect(more == 2)
        #expect(keys(storage) == ["old1"])
    }

    @Test("a list of few enough attributes is made from SpanAttributes, a larger one stays a table")
    func listingInit() {
        let small = SpanAttributeStorage(listing: ["a": 1, "b": "two"])
        #expect(isList(small))
        #expect(small.spanAttributes == ["a": 1, "b": "two"])
        var many = SpanAttributes()
        for index in 0...SpanAttributeStorage.listLimit { many.set("k\(index)", value: .int64(Int64(index))) }
        #expect(!isList(SpanAttributeStorage(listing: many)))
    }

    @Test("string values past the length limit are cut in a list")
    func truncateList() {
        var storage = SpanAttributeStorage()
        storage.set("long", value: .string("abcdefgh"))
        storage.set("short", value: .string("ab"))
        storage.set("array", value: .stringArray(["abcdef", "a"]))
        storage.set("number", value: .int64(123_456))
        storage.truncateStrings(to: 3)
        #expect(storage.get("long") == .string("abc"))
        #expect(storage.get("short") == .string("ab"))
        #expect(storage.get("array") == .stringArray(["abc", "a"]))
        #expect(storage.get("number") == .int64(123_456))
        #expect(isList(storage))
    }

    @Test("a span started with attributes keeps them through setAttribute and an in-place change, in any order")
    func spanPaths() {
        let (provider, processor) = makeProvider(limits: SpanLimits(attributeCountLimit: 4))
        let span = provider.tracer(name: "test").startSpan(
            "s", kind: .server, attributes: ["start": "s", "shared": "from start"])
        span.setAttribute("set", .int64(1))
        span.attributes["in-place"] = "p"
        span.setAttribute("shared", .string("updated"))
        span.setAttribute("over the limit", .string("dropped"))
        span.end()
        let data = processor.ended.first
        #expect(
            data?.attributes
                == ["start": "s", "shared": "updated", "set": .int64(1), "in-place": "p"])
        #expect(data?.droppedAttributeCount == 1)
    }

    @Test("a span whose attributes are a list reports them, limits applied, to the sampler and the exporter")
    func startListLimits() {
        let (provider, processor) = makeProvider(limits: SpanLimits(attributeCountLimit: 2, attributeValueLengthLimit: 2))
        var storage = SpanAttributeStorage()
        storage.append(uniqueKey: "a", value: .string("long"))
        storage.append(uniqueKey: "b", value: .int64(7))
        storage.append(uniqueKey: "c", value: .bool(true))
        let span = provider.tracer(name: "test").startSpan(
            "s", kind: .server, parentContext: .topLevel, attributeStorage: storage)
        span.end()
        let data = processor.ended.first
        #expect(data?.attributes == ["a": "lo", "b": .int64(7)])
        #expect(data?.droppedAttributeCount == 1)
    }
}
