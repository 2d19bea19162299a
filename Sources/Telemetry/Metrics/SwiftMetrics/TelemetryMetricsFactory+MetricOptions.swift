extension TelemetryMetricsFactory {
    /// How the metric of one swift-metrics label is exported: what swift-metrics cannot say about it.
    ///
    /// swift-metrics handles carry only a label and dimensions, so a description, a unit and histogram bucket
    /// boundaries come from here, by label:
    ///
    /// ```swift
    /// let factory = TelemetryMetricsFactory(
    ///     provider: provider,
    ///     metricOptions: [
    ///         "http_requests_total": .init(name: "http.server.requests", description: "HTTP requests served"),
    ///         "payload_size": .init(unit: "By", bucketBoundaries: [256, 1024, 4096, 16384, 65536]),
    ///         "db_query_duration": .init(description: "Query time", bucketBoundaries: [0.001, 0.01, 0.1, 1]),
    ///     ]
    /// )
    /// ```
    public struct MetricOptions: Sendable, Equatable {
        /// The instrument's name; `nil` keeps the label.
        public var name: String?
        /// The instrument's description.
        public var description: String
        /// The instrument's unit, in UCUM as OpenTelemetry asks (`ms`, `By`, `{request}`). Ignored for a `Timer`,
        /// whose unit is always `s` because the factory records its durations in seconds.
        public var unit: String
        /// The bucket boundaries of a `Timer` (in seconds) or of an aggregating `Recorder`, increasing; `nil` keeps
        /// the default: ``TelemetryMetricsFactory/defaultTimerBucketBoundaries`` for timers, the specification's
        /// default for recorders. Ignored for the other kinds.
        public var bucketBoundaries: [Double]?

        /// Creates options; every property defaults to what the factory does without options.
        public init(name: String? = nil, description: String = "", unit: String = "", bucketBoundaries: [Double]? = nil) {
            self.name = name
            self.description = description
            self.unit = unit
            self.bucketBoundaries = bucketBoundaries
        }
    }
}
