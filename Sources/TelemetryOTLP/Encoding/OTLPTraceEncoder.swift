import Telemetry

/// Encodes spans as an OTLP `ExportTraceServiceRequest`, for custom transports and for measuring.
///
/// The exporters use it; it writes straight from span data into one byte array, without message objects.
public enum OTLPTraceEncoder {
    /// The request in protobuf's binary format, as OTLP/gRPC and `http/protobuf` send it.
    ///
    /// The encoder checks its own output; should it ever disagree with itself (a bug, reported by
    /// ``OTLPExporterStatistics/encodingErrors`` in the exporter), this returns an empty array, never a corrupt request.
    public static func protobuf(_ spans: [SpanData]) -> [UInt8] {
        TraceRequestEncoder.protobuf(spans) ?? []
    }

    /// The request in OTLP/JSON, as `http/json` sends it.
    public static func json(_ spans: [SpanData]) -> [UInt8] {
        TraceRequestEncoder.json(spans)
    }
}
