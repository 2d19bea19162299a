/// What differs between the signals an OTLP exporter sends: everything else, from the transport to the retry loop,
/// is shared.
struct OTLPSignal: Sendable {
    /// The signal's part of its variables' names: `TRACES` in `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`.
    var variableName: String
    /// The path OTLP/HTTP appends to `OTEL_EXPORTER_OTLP_ENDPOINT`.
    var path: String
    /// The OTLP/gRPC service; its method is `Export`.
    var grpcService: String
    /// The OTLP/JSON name of the partial success's count of rejected items. Its protobuf field number, like every
    /// other number of the response, is the same for every signal.
    var rejectedJSONKey: String
    /// What the items are called in log lines, as a metadata key: `spans`, `log_records`, `data_points`.
    var itemsKey: String

    static let traces = OTLPSignal(
        variableName: "TRACES",
        path: "/v1/traces",
        grpcService: "opentelemetry.proto.collector.trace.v1.TraceService",
        rejectedJSONKey: "rejectedSpans",
        itemsKey: "spans"
    )

    static let logs = OTLPSignal(
        variableName: "LOGS",
        path: "/v1/logs",
        grpcService: "opentelemetry.proto.collector.logs.v1.LogsService",
        rejectedJSONKey: "rejectedLogRecords",
        itemsKey: "log_records"
    )

    /// Metrics count data points, not streams, in partial successes: `rejected_data_points`.
    static let metrics = OTLPSignal(
        variableName: "METRICS",
        path: "/v1/metrics",
        grpcService: "opentelemetry.proto.collector.metrics.v1.MetricsService",
        rejectedJSONKey: "rejectedDataPoints",
        itemsKey: "data_points"
    )
}
