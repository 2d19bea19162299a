import Telemetry
import Testing

@Suite("AttributeSet")
struct AttributeSetTests {
    @Test("keys are unique and kept in order; the last value of a repeated key wins")
    func ordering() {
        let set = AttributeSet([("b", 2), ("a", "x"), ("b", 3)])
        #expect(set.elements.map(\.key) == ["a", "b"])
        #expect(set["b"] == .int(3))
        #expect(set["missing"] == nil)
        #expect(set.count == 2 && !set.isEmpty)
        #expect(AttributeSet.empty.isEmpty)
    }

    @Test("a large set with repeated keys, given in reverse order, is sorted and keeps each key's last value")
    func largeSet() {
        var attributes: [(String, AttributeValue)] = []
        for index in (0..<50).reversed() {
            let key = "key\(String(index).count == 1 ? "0" : "")\(index)"
            attributes.append((key, .int(Int64(index))))
            if index % 10 == 0 { attributes.append((key, .string("last"))) }
        }
        let set = AttributeSet(attributes)
        #expect(set.count == 50)
        #expect(set.elements.map(\.key) == (0..<50).map { "key\(String($0).count == 1 ? "0" : "")\($0)" })
        #expect(set["key20"] == .string("last"))
        #expect(set["key21"] == .int(21))
        // The same attributes in another order make an equal set.
        #expect(AttributeSet(attributes.reversed().reversed()) == set)
    }

    @Test("sets made separately from the same attributes, in any order, are equal and hash alike")
    func equality() {
        let first: AttributeSet = ["http.route": "/orders", "http.request.method": "GET", "ok": true]
        let second = AttributeSet([("ok", true), ("http.request.method", "GET"), ("http.route", "/orders")])
        #expect(first == second)
        #expect(first.hashValue == second.hashValue)
        var series: [AttributeSet: Int] = [first: 1]
        series[second, default: 0] += 1
        #expect(series.count == 1 && series[first] == 2)
    }

    @Test("sets that differ in a key, a value or a value's kind are different")
    func inequality() {
        let base: AttributeSet = ["k": 1]
        #expect(base != ["k": 2])
        #expect(base != ["j": 1])
        #expect(base != ["k": 1.0])
        #expect(base != ["k": "1"])
        #expect(base != ["k": 1, "l": 1])
        let ascending: AttributeSet = ["k": .intArray([1, 2])]
        #expect(ascending != ["k": .intArray([2, 1])])
    }

    @Test("filtering by key keeps the order, and returns the same set when it keeps everything")
    func filter() {
        let set: AttributeSet = ["a": 1, "b": 2, "c": 3]
        #expect(set.filter { $0 != "b" }.elements.map(\.key) == ["a", "c"])
        #expect(set.filter { _ in true } == set)
        #expect(set.filter { _ in false }.isEmpty)
    }

    @Test("the description lists the attributes in key order")
    func description() {
        let set: AttributeSet = ["z": "last", "a": .stringArray(["x", "y"]), "m": 1.5]
        #expect(set.description == "{a=[x, y], m=1.5, z=last}")
    }
}
