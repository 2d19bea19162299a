import Synchronization
import Telemetry
import Testing
import Tracing

@Suite("Console log record exporter")
struct ConsoleLogRecordExporterTests {
    @Test("one line per record: time, severity, scope, trace context, event, body and sorted attributes, escaped")
    func format() async throws {
        let lines = Mutex<[String]>([])
        let exporter = ConsoleLogRecordExporter { line in lines.withLock { $0.append(line) } }
        let record = LogRecordData(
            timestamp: 1_764_151_200_123_000_000,
            observedTimestamp: 1_764_151_200_999_000_000,
            severity: .warn,
            body: "disk \"almost\" full\nreally",
            attributes: ["b": 2, "a": ["x", true], "m": ["k": 1.5]],
            droppedAttributeCount: 3,
            eventName: "disk.pressure",
            traceID: TraceID(hexString: "4bf92f3577b34da6a3ce929d0e0e4736"),
            spanID: SpanID(hexString: "00f067aa0ba902b7"),
            traceFlags: .sampled,
            instrumentationScope: InstrumentationScope(name: "storage")
        )
        let outside = LogRecordData(observedTimestamp: 1_764_151_200_000_000_000, instrumentationScope: .init(name: "x"))
        try await exporter.export([record, outside])
        let output = lines.withLock { $0 }
        #expect(output == [
            "2025-11-26T10:00:00.123Z WARN scope=\"storage\" trace_id=4bf92f3577b34da6a3ce929d0e0e4736 "
                + "span_id=00f067aa0ba902b7 event=\"disk.pressure\" body=\"disk \\\"almost\\\" full\\nreally\" "
                + "attributes={a=[\"x\", true], b=2, m={k=1.5}} dropped_attributes=3",
            "2025-11-26T10:00:00.000Z UNSPECIFIED scope=\"x\" trace_id=- span_id=- body=- attributes={}",
        ])
    }
}
