import Telemetry
@testable import TelemetryOTLP
import Testing
import Tracing

@Suite("The OTLP/HTTP exporter's own requests are never traced")
struct OTLPUntracedExportTests {
    @Test("an export inside a sampled span sends no traceparent and makes no client span")
    func exportInsideSpan() async throws {
        let receiver = try await OTLPReceiver()
        defer { receiver.stop() }
        let pipeline = try Pipeline(.receiver(receiver, .httpProtobuf))
        let tracer = pipeline.provider.tracer(name: "app")

        // As if a request handler exported while its span is active: AsyncHTTPClient injects the active context and
        // starts a client span whenever its configuration carries a tracer, so either would show here.
        try await tracer.withSpan("handler", kind: .server) { span in
            #expect(span.context.spanContext?.isSampled == true)
            try await pipeline.exporter.export(try makeSpans(1, name: "payload"))
        }
        let export = try #require(receiver.requests.first, "the export did not reach the receiver")
        let headers = export["headers"] as? [String: Any] ?? [:]
        #expect(headers["content-type"] != nil, "the receiver reports the request's headers")
        #expect(headers["traceparent"] == nil)
        #expect(headers["tracestate"] == nil)

        // The handler's span goes out with the next flush; nothing else was started meanwhile.
        try await pipeline.provider.forceFlush()
        #expect(try await receiver.waitForSpans(2))
        let names = receiver.spans.map { $0.span["name"] as? String ?? "" }
        #expect(names.sorted() == ["handler", "payload"])
        try await pipeline.shutdown()
    }

    @Test("the transport's AsyncHTTPClient has no tracer, so not even InstrumentationSystem's tracer sees exports")
    func noTracer() async throws {
        // Tests never bootstrap InstrumentationSystem, so the request above cannot tell `nil` from its no-op
        // default; this can.
        let transport = try OTLPHTTPTransport(configuration: resolvedConfiguration { $0.protocol = .httpProtobuf })
        #expect(!transport.tracesRequests)
        await transport.shutdown()
    }
}
