import Foundation
import Testing
import TelemetryViewer

/// Decoding proven against the official definitions: requests that the Python peer builds with opentelemetry-proto
/// (every field of every message, and the real Python SDK's output through its OTLP exporters' encoder) decode to
/// exactly what the peer expects, field by field, from protobuf and from both spellings of OTLP/JSON.
@Suite struct DecodingConformanceTests {
    static let caseNames = [
        "every trace field", "every metric kind", "every log field",
        "Python SDK spans", "Python SDK metrics", "Python SDK logs",
    ]

    @Test(arguments: caseNames)
    func protobufDecodesFieldByField(name: String) throws {
        let item = try ViewerRequestsPeer.case(named: name)
        let batch = try OTLPRequestDecoder.decode(item.protobuf, signal: item.signal, encoding: .protobuf)
        let difference = CanonicalBatch.firstDifference(CanonicalBatch.of(batch), item.expected)
        #expect(difference == nil, "\(name), protobuf: \(difference ?? "")")
        #expect((batch.rejected == 0) == batch.rejectionReason.isEmpty)
    }

    @Test(arguments: caseNames)
    func jsonDecodesFieldByField(name: String) throws {
        let item = try ViewerRequestsPeer.case(named: name)
        #expect(item.json.count == 2)
        for (variant, body) in item.json.enumerated() {
            let batch = try OTLPRequestDecoder.decode(body, signal: item.signal, encoding: .json)
            let difference = CanonicalBatch.firstDifference(CanonicalBatch.of(batch), item.expected)
            #expect(difference == nil, "\(name), JSON variant \(variant): \(difference ?? "")")
        }
    }

    @Test func richRequestsExerciseRejectionsAndEveryKind() throws {
        let traces = try OTLPRequestDecoder.decode(
            try ViewerRequestsPeer.case(named: "every trace field").protobuf, signal: .traces, encoding: .protobuf)
        #expect(traces.spans.count == 5)
        #expect(traces.rejected == 6)
        #expect(traces.rejectionReason.contains("trace_id is 12 bytes long, not 16"))
        #expect(traces.rejectionReason.contains("the first of 6 rejected"))
        let full = try #require(traces.spans.first)
        #expect(full.resource.serviceName == "orders")
        #expect(full.scope.name == "io.example.http")
        #expect(full.scope.schemaURL == "https://scope/1")
        #expect(full.resource.schemaURL == "https://opentelemetry.io/schemas/1.26.0")
        #expect(full.kind == .server)
        #expect(full.statusCode == .error)
        #expect(full.links.count == 2)
        #expect(full.events.first?.name == "exception")

        let metrics = try OTLPRequestDecoder.decode(
            try ViewerRequestsPeer.case(named: "every metric kind").protobuf, signal: .metrics, encoding: .protobuf)
        #expect(metrics.rejected == 2)
        #expect(metrics.metrics.map(\.name).contains("no.data") == false)
        let kinds = Set(metrics.metrics.map { metric -> String in
            switch metric.data {
            case .gauge: "gauge"
            case .sum: "sum"
            case .histogram: "histogram"
            case .exponentialHistogram: "exponentialHistogram"
            case .summary: "summary"
            }
        })
        #expect(kinds == ["gauge", "sum", "histogram", "exponentialHistogram", "summary"])

        let logs = try OTLPRequestDecoder.decode(
            try ViewerRequestsPeer.case(named: "every log field").protobuf, signal: .logs, encoding: .protobuf)
        #expect(logs.logRecords.count == 8)
        #expect(logs.rejected == 2)
        #expect(logs.logRecords.first?.eventName == "payment.failure")
    }
}
