import Hummingbird
import Telemetry
import TelemetryHTTP
@testable import TelemetryHummingbird
import TelemetryTesting
import Testing
import Tracing

@Suite("A streamed response dropped before it is written")
struct DroppedResponseTests {
    @Test("ends its span and records its duration once, with no body size, and is no longer active")
    func droppedUnwritten() throws {
        let processor = CollectingSpanProcessor()
        let reader = ManualMetricReader()
        let tracerProvider = TracerProvider(sampler: AlwaysOnSampler(), processors: [processor])
        let metrics = HTTPServerMetrics(meter: MeterProvider(readers: [reader]).meter(name: "test"), stability: .stable)
        let span = tracerProvider.tracer(name: "test").startSpan("GET /stream", context: .topLevel, ofKind: .server)
        var telemetry = RequestTelemetry(
            span: .ours(span), request: HTTPServerRequestInfo(method: "GET", path: "/stream", route: "/stream"),
            metrics: metrics, stability: .stable, start: .now)
        telemetry.responded(route: "/stream", statusCode: 200)
        do {
            // The body holds the observation; a later layer drops it without writing it.
            let body = StreamedResponseObservation(telemetry).observe(ResponseBody(byteBuffer: ByteBuffer(string: "never")))
            #expect(body.contentLength == 5)
        }

        #expect(processor.spans.map(\.name) == ["GET /stream"])
        let data = reader.collect()
        guard case .histogram(let duration)? = data.first(where: { $0.name == "http.server.request.duration" })?.points,
            case .sum(let active)? = data.first(where: { $0.name == "http.server.active_requests" })?.points
        else {
            Issue.record("missing metrics in \(data.map(\.name))")
            return
        }
        #expect(duration.points.map(\.count) == [1])
        #expect(active.points.map(\.value.doubleValue) == [0])
        if case .histogram(let sizes)? = data.first(where: { $0.name == "http.server.response.body.size" })?.points {
            #expect(sizes.points.allSatisfy { $0.count == 0 }, "a body never written has no size")
        }
    }
}
