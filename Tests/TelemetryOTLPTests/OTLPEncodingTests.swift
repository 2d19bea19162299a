import Telemetry
@testable import TelemetryOTLP
import Testing
import Tracing

@Suite("OTLP protobuf encoding: the two passes must agree")
struct OTLPEncodingTests {
    struct Measured {
        var spans: [SpanData]
        var groups: [TraceRequestEncoder.ResourceGroup]
        var capacity: Int
        var lengths: [Int]
        var descriptions: [String]

        func write() -> [UInt8]? {
            TraceRequestEncoder.write(spans, groups, capacity: capacity, lengths: lengths, descriptions: descriptions)
        }
    }

    func measure() throws -> Measured {
        let spans = try makeSpans(2, attributes: [
            "text": "value", "number": 7, "described": .stringConvertible(Described(text: "first")),
            "list": .stringConvertibleArray([Described(text: "a"), Described(text: "bb")]),
        ])
        let groups = TraceRequestEncoder.group(spans)
        var sizer = ProtobufSizer(expectedMessages: 64)
        spans.withUnsafeBufferPointer { TraceRequestEncoder.encode($0, groups, into: &sizer) }
        return Measured(spans: spans, groups: groups, capacity: sizer.count, lengths: sizer.lengths, descriptions: sizer.descriptions)
    }

    @Test("an agreeing measurement writes the request")
    func agreeing() throws {
        let measured = try measure()
        let bytes = try #require(measured.write())
        #expect(bytes.count == measured.capacity)
        #expect(bytes == TraceRequestEncoder.protobuf(measured.spans))
        var reader = ProtoReader(bytes)
        while reader.next() != nil {}
        #expect(!reader.isMalformed)
    }

    @Test("any disagreement fails the encode instead of sending a corrupt request")
    func disagreeing() throws {
        let measured = try measure()
        var mutations: [(String, Measured)] = []
        for delta in [-1, 1, 64] {
            var changed = measured
            changed.capacity += delta
            mutations.append(("capacity \(delta)", changed))
        }
        for index in measured.lengths.indices {
            for delta in [-1, 1] where measured.lengths[index] + delta >= 0 {
                var changed = measured
                changed.lengths[index] += delta
                mutations.append(("length \(index) \(delta)", changed))
            }
        }
        var fewerLengths = measured
        fewerLengths.lengths.removeLast()
        mutations.append(("a length missing", fewerLengths))
        var moreLengths = measured
        moreLengths.lengths.append(0)
        mutations.append(("a length too many", moreLengths))
        var fewerDescriptions = measured
        fewerDescriptions.descriptions.removeLast()
        mutations.append(("a description missing", fewerDescriptions))
        var moreDescriptions = measured
        moreDescriptions.descriptions.append("")
        mutations.append(("a description too many", moreDescriptions))
        var longerDescription = measured
        longerDescription.descriptions[0] += "!"
        mutations.append(("a description longer than measured", longerDescription))
        #expect(mutations.count > 10)
        for (name, changed) in mutations {
            #expect(changed.write() == nil, "\(name)")
        }
    }

    @Test("a description that changes between calls is computed once and written as first seen", arguments: [true, false])
    func changingDescription(grows: Bool) throws {
        let value = ChangingDescription(grows: grows)
        let spans = try makeSpans(attributes: ["changing": .stringConvertible(value)])
        let first = grows ? "éé" : String(repeating: "ab", count: 10) + "c"
        let bytes = try #require(TraceRequestEncoder.protobuf(spans))
        #expect(value.callCount == 1)
        #expect(bytes.contains(subsequence: Array(first.utf8)))
        #expect(!bytes.contains(subsequence: Array((grows ? "ééé" : first + " ").utf8)))
    }
}

struct Described: CustomStringConvertible, Sendable {
    var text: String
    var description: String { text }
}

extension Array where Element == UInt8 {
    func contains(subsequence: [UInt8]) -> Bool {
        guard !subsequence.isEmpty, subsequence.count <= count else { return subsequence.isEmpty }
        return (0...(count - subsequence.count)).contains { Array(self[$0..<($0 + subsequence.count)]) == subsequence }
    }
}
