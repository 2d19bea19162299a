import Foundation
import Testing

@testable import TelemetryViewer

@Suite("The official Python SDK's OTLP exporters send to the receiver over gRPC and HTTP, with and without gzip")
struct ReceiverPythonSDKTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var protocolName: String
        var compression: String
        var testDescription: String { "\(protocolName), \(compression)" }
    }

    static let cases = [
        Case(protocolName: "grpc", compression: "none"),
        Case(protocolName: "grpc", compression: "gzip"),
        Case(protocolName: "http", compression: "none"),
        Case(protocolName: "http", compression: "gzip"),
    ]

    @Test("Spans, metrics and log records arrive with their names, counts and service name", arguments: cases)
    func sdkExport(_ testCase: Case) async throws {
        let sink = ReceiverCollectingSink()
        let service = "py-\(testCase.protocolName)-\(testCase.compression)"
        let arguments = { (port: Int) in
            [
                "--endpoint", "127.0.0.1:\(port)", "--protocol", testCase.protocolName,
                "--compression", testCase.compression, "--service-name", service, "--spans", "4", "--logs", "3",
            ]
        }
        let outcome: ReceiverPythonSender.Outcome
        if testCase.protocolName == "grpc" {
            outcome = try await withGRPCReceiver(sink: sink) { port in try await ReceiverPythonSender.send(arguments: arguments(port)) }
        } else {
            outcome = try await withHTTPReceiver(sink: sink) { port in try await ReceiverPythonSender.send(arguments: arguments(port)) }
        }
        #expect(outcome.exitCode == 0, "the sender failed: \(outcome.stdout) \(outcome.stderr)")

        #expect(sink.spans.map(\.name).sorted() == ["child-0", "child-1", "child-2", "parent"])
        #expect(Set(sink.spans.map(\.resource.serviceName)) == [service])
        #expect(Set(sink.spans.map(\.scope.name)) == ["viewer-sender"])
        let parent = try #require(sink.spans.first { $0.name == "parent" })
        #expect(sink.spans.filter { $0.name != "parent" }.allSatisfy { $0.parentSpanID == parent.spanID && $0.traceID == parent.traceID })

        #expect(sink.metrics.map(\.name).sorted() == ["latency", "requests"])
        #expect(Set(sink.metrics.map(\.resource.serviceName)) == [service])
        if case .sum(let points, _, let monotonic)? = sink.metrics.first(where: { $0.name == "requests" })?.data {
            #expect(monotonic)
            #expect(points.map(\.value.doubleValue) == [5])
        } else {
            Issue.record("the counter did not arrive as a sum")
        }

        #expect(sink.logRecords.count == 3)
        #expect(Set(sink.logRecords.map(\.body)) == [.string("log-0"), .string("log-1"), .string("log-2")])
        #expect(sink.logRecords.allSatisfy { $0.severityNumber == 13 && $0.resource.serviceName == service })
    }
}
