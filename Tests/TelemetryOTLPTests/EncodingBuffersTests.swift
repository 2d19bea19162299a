import Telemetry
@testable import TelemetryOTLP
import Testing
import Tracing

@Suite("OTLP protobuf encoding into reused buffers")
struct EncodingBuffersTests {
    @Test("requests encoded one after another into the same buffers equal fresh encodings, larger or smaller")
    func sameBytes() throws {
        let buffers = EncodingBuffers()
        let batches = try [
            makeSpans(20, attributes: ["a": "b", "n": 1]),
            makeSpans(3, name: "short"),
            makeSpans(50, name: "a longer name than before", attributes: ["list": .stringArray(["x", "y"])]),
            [],
            makeSpans(1),
        ]
        for batch in batches {
            let reused = TraceRequestEncoder.protobuf(batch, reusing: buffers)
            #expect(reused == TraceRequestEncoder.protobuf(batch))
        }
    }

    @Test("a body still held by a send is never overwritten by the next request")
    func heldBodyUnchanged() throws {
        let buffers = EncodingBuffers()
        let first = try makeSpans(10, name: "first")
        let held = try #require(TraceRequestEncoder.protobuf(first, reusing: buffers))
        let second = try #require(TraceRequestEncoder.protobuf(makeSpans(10, name: "other"), reusing: buffers))
        #expect(held == TraceRequestEncoder.protobuf(first))
        #expect(held != second)
    }

    @Test("concurrent encodings through one set of buffers each get their own request")
    func concurrent() async throws {
        let buffers = EncodingBuffers()
        let batches = try (0..<8).map { try makeSpans(5 + $0, name: "batch-\($0)") }
        let results = await withTaskGroup(of: (Int, [UInt8]?).self) { group in
            for (index, batch) in batches.enumerated() {
                group.addTask { (index, TraceRequestEncoder.protobuf(batch, reusing: buffers)) }
            }
            var results: [Int: [UInt8]?] = [:]
            for await (index, bytes) in group { results[index] = bytes }
            return results
        }
        for (index, batch) in batches.enumerated() {
            #expect(results[index] == TraceRequestEncoder.protobuf(batch))
        }
    }
}
