/// Which temporality a reader asks for, per instrument kind, as `OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE`
/// names them.
public enum TemporalityPreference: String, Sendable, Hashable, CaseIterable {
    /// Every instrument reports totals since the start (the default).
    case cumulative
    /// Counters and histograms, synchronous and not, report what changed since the last collection; up-down counters
    /// report totals, since their deltas mean little on their own.
    case delta
    /// Synchronous counters and histograms report deltas, so that the SDK keeps no state for idle series; the rest
    /// report totals.
    case lowMemory = "lowmemory"

    /// The temporality for instruments of `kind`. Gauges report their last value whatever it is.
    public func temporality(for kind: InstrumentKind) -> AggregationTemporality {
        switch (self, kind) {
        case (.cumulative, _): return .cumulative
        case (.delta, .counter), (.delta, .observableCounter), (.delta, .histogram): return .delta
        case (.lowMemory, .counter), (.lowMemory, .histogram): return .delta
        default: return .cumulative
        }
    }
}

/// The aggregation a reader wants for histograms whose view does not say, as
/// `OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION` names them.
public enum HistogramAggregation: Sendable, Hashable {
    /// Buckets with fixed boundaries: the instrument's advice, or the specification's defaults
    /// (`explicit_bucket_histogram`, the default).
    case explicitBucket
    /// Buckets whose width follows the values, base-2 exponential, with at most `maxSize` buckets for each sign and a
    /// scale of at most `maxScale` (`base2_exponential_bucket_histogram`; the specification's defaults are 160 and
    /// 20).
    case base2Exponential(maxSize: Int = 160, maxScale: Int = 20)
}
