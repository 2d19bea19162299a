import Telemetry

/// Encodes metrics as an OTLP `ExportMetricsServiceRequest`, for custom transports and for measuring.
///
/// The metric exporter uses it; it writes straight from metric data into one byte array, without message objects.
public enum OTLPMetricsEncoder {
    /// The request in protobuf's binary format, as OTLP/gRPC and `http/protobuf` send it.
    ///
    /// Should the encoder ever disagree with itself (a bug), this returns an empty array, never a corrupt request.
    public static func protobuf(_ metrics: [MetricData]) -> [UInt8] {
        MetricsRequestEncoder.protobuf(metrics) ?? []
    }

    /// The request in OTLP/JSON, as `http/json` sends it.
    public static func json(_ metrics: [MetricData]) -> [UInt8] {
        MetricsRequestEncoder.json(metrics)
    }
}
