import CoreMetrics
import Logging
import Synchronization

/// The swift-metrics backend: every library that records through swift-metrics (Vapor, Hummingbird's
/// `MetricsMiddleware`, AsyncHTTPClient, your own code) records through a ``MeterProvider``.
///
/// ```swift
/// MetricsSystem.bootstrap(TelemetryMetricsFactory(provider: meterProvider))
/// ```
///
/// ## What each handle becomes
///
/// | swift-metrics | OpenTelemetry instrument |
/// |---|---|
/// | `Counter` | a monotonic `Int64` sum (``Counter``) |
/// | `FloatingPointCounter` | a monotonic `Double` sum |
/// | `Meter` | a `Double` gauge when first `set`; an up-down sum when first incremented or decremented |
/// | `Recorder(aggregate: true)` | a `Double` histogram |
/// | `Recorder(aggregate: false)`, `Gauge` | a `Double` gauge |
/// | `Timer` | a `Double` histogram in seconds, unit `s`, with ``defaultTimerBucketBoundaries`` |
///
/// The label is the instrument's name, and the dimensions are its attributes, as strings. Every instrument belongs
/// to one instrumentation scope, `swift-metrics` unless set otherwise. A description, a unit and bucket boundaries
/// come from ``MetricOptions``, by label.
///
/// Details that differ from swift-metrics' own defaults:
/// - A label that breaks OpenTelemetry's name syntax has each offending character replaced by `_` (so
///   `service:requests` becomes `service_requests`); one that still does not start with a letter is reported once
///   and records nothing. Rename with ``MetricOptions/name``.
/// - A `Meter`'s kind is decided once per label by its first operation, on any of its handles. The other
///   operations still work: `increment` on a gauge records the new value, `set` on an up-down sum adds the
///   difference. Non-finite values are ignored.
/// - `Counter.reset()` is ignored: a cumulative OpenTelemetry sum never goes down, and a lower value would read as
///   a restart to every backend. Negative increments are ignored, as by ``Counter``.
/// - A `Timer`'s negative durations are dropped, and `preferDisplayUnit` is ignored: durations are in seconds.
///
/// ## Cost
/// Each handler is bound to its series, so recording is an atomic operation (a histogram takes its series' lock):
/// no lookup and no allocation. Making a handle looks it up in a cache by kind, label and dimensions, so
/// frameworks that make a handle per request pay one lookup; only the first makes the attributes and finds the
/// series. The cache holds at most `maximumCachedHandlers` handlers and then replaces arbitrary ones, so one-off
/// dimensions cannot grow memory without bound; the series themselves are bounded by the provider's cardinality
/// limit. A handle whose handler left the cache keeps working, on the same series.
///
/// `destroy()` on a handle only forgets its handler: other handles of the same label and dimensions share the
/// series, and a cumulative series keeps being exported with its total, as OpenTelemetry's series are.
public final class TelemetryMetricsFactory: MetricsFactory {
    /// The instrumentation scope name of swift-metrics metrics, unless set otherwise: `swift-metrics`.
    public static let defaultScopeName = "swift-metrics"

    /// The bucket boundaries of a `Timer`'s histogram, in seconds, unless set otherwise: those the HTTP semantic
    /// conventions advise for request durations, from 5 ms to 10 s.
    public static let defaultTimerBucketBoundaries: [Double] = [
        0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
    ]

    /// The most handlers the factory keeps for reuse, unless set otherwise: 10,000, which is five streams at the
    /// default cardinality limit, and at most a few megabytes.
    public static let defaultMaximumCachedHandlers = 10_000

    private let meter: Meter
    private let logger: Logger
    private let timerBucketBoundaries: [Double]
    private let metricOptions: @Sendable (String) -> MetricOptions?
    private let cache: SwiftMetricsHandlerCache
    /// The most `Meter` labels whose kind the factory remembers.
    static let maximumMeterLabels = 10_000

    /// Each `Meter` label's decided kind.
    private let meterFamilies = Mutex<[String: SwiftMetricsMeterFamily]>([:])
    private let hasReportedInvalidName = Atomic(false)
    private let hasReportedInvalidBoundaries = Atomic(false)

    /// Creates a factory whose metric options come from a function of the label.
    ///
    /// - Parameters:
    ///   - provider: Where the metrics go.
    ///   - scopeName: The instrumentation scope name of every instrument.
    ///   - scopeVersion: The instrumentation scope version.
    ///   - timerBucketBoundaries: The bucket boundaries of timers, in seconds, increasing. Invalid boundaries are
    ///     reported and ``defaultTimerBucketBoundaries`` apply.
    ///   - maximumCachedHandlers: The most handlers kept for reuse; 0 keeps none, and every handle then finds its
    ///     series anew.
    ///   - metricOptions: The options of a label, or `nil` for none. It is called when a handler is first made,
    ///     from any thread, so keep it fast and free of side effects.
    public init(
        provider: MeterProvider,
        scopeName: String = TelemetryMetricsFactory.defaultScopeName,
        scopeVersion: String? = nil,
        timerBucketBoundaries: [Double] = TelemetryMetricsFactory.defaultTimerBucketBoundaries,
        maximumCachedHandlers: Int = TelemetryMetricsFactory.defaultMaximumCachedHandlers,
        metricOptions: @escaping @Sendable (_ label: String) -> MetricOptions?
    ) {
        self.meter = provider.meter(name: scopeName, version: scopeVersion)
        self.logger = provider.state.logger
        if ExplicitBucketHistogramState.areValid(timerBucketBoundaries), !timerBucketBoundaries.isEmpty {
            self.timerBucketBoundaries = timerBucketBoundaries
        } else {
            provider.state.logger.warning(
                "Ignoring invalid timer bucket boundaries: they must be finite and increasing; the defaults apply",
                metadata: ["boundaries": "\(timerBucketBoundaries)"]
            )
            self.timerBucketBoundaries = Self.defaultTimerBucketBoundaries
        }
        self.metricOptions = metricOptions
        self.cache = SwiftMetricsHandlerCache(capacity: maximumCachedHandlers)
    }

    /// Creates a factory whose metric options come from a table by label.
    ///
    /// - Parameters:
    ///   - provider: Where the metrics go.
    ///   - scopeName: The instrumentation scope name of every instrument.
    ///   - scopeVersion: The instrumentation scope version.
    ///   - timerBucketBoundaries: The bucket boundaries of timers, in seconds, increasing. Invalid boundaries are
    ///     reported and ``defaultTimerBucketBoundaries`` apply.
    ///   - maximumCachedHandlers: The most handlers kept for reuse; 0 keeps none.
    ///   - metricOptions: The options of each label that needs some.
    public convenience init(
        provider: MeterProvider,
        scopeName: String = TelemetryMetricsFactory.defaultScopeName,
        scopeVersion: String? = nil,
        timerBucketBoundaries: [Double] = TelemetryMetricsFactory.defaultTimerBucketBoundaries,
        maximumCachedHandlers: Int = TelemetryMetricsFactory.defaultMaximumCachedHandlers,
        metricOptions: [String: MetricOptions] = [:]
    ) {
        self.init(
            provider: provider,
            scopeName: scopeName,
            scopeVersion: scopeVersion,
            timerBucketBoundaries: timerBucketBoundaries,
            maximumCachedHandlers: maximumCachedHandlers,
            metricOptions: { metricOptions[$0] }
        )
    }

    /// The number of handlers kept for reuse, at most `maximumCachedHandlers`.
    var cachedHandlerCount: Int { cache.count }

    // MARK: - MetricsFactory

    /// A handler for a swift-metrics `Counter`: a monotonic `Int64` sum.
    public func makeCounter(label: String, dimensions: [(String, String)]) -> CounterHandler {
        let key = SwiftMetricsHandlerKey(kind: .counter, label: label, dimensions: dimensions)
        return cache.handler(for: key) { () -> SwiftMetricsCounterHandler in
            let counter = instrument(label, otherwise: Counter<Int64>(storage: nil)) { meter, name, options in
                meter.makeCounter(Int64.self, name: name, unit: options.unit, description: options.description)
            }
            return SwiftMetricsCounterHandler(key: key, series: counter.bind(Self.attributes(dimensions)))
        }
    }

    /// A handler for a swift-metrics `FloatingPointCounter`: a monotonic `Double` sum.
    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> FloatingPointCounterHandler {
        let key = SwiftMetricsHandlerKey(kind: .floatingPointCounter, label: label, dimensions: dimensions)
        return cache.handler(for: key) { () -> SwiftMetricsFloatingPointCounterHandler in
            let counter = instrument(label, otherwise: Counter<Double>(storage: nil)) { meter, name, options in
                meter.makeCounter(Double.self, name: name, unit: options.unit, description: options.description)
            }
            return SwiftMetricsFloatingPointCounterHandler(key: key, series: counter.bind(Self.attributes(dimensions)))
        }
    }

    /// A handler for a swift-metrics `Meter`: a `Double` gauge, or an up-down sum when the label's first operation
    /// is an increment or a decrement.
    public func makeMeter(label: String, dimensions: [(String, String)]) -> MeterHandler {
        let key = SwiftMetricsHandlerKey(kind: .meter, label: label, dimensions: dimensions)
        return cache.handler(for: key) { () -> SwiftMetricsMeterHandler in
            SwiftMetricsMeterHandler(key: key, family: meterFamily(label), attributes: Self.attributes(dimensions))
        }
    }

    /// A handler for a swift-metrics `Recorder`: a `Double` histogram when `aggregate`, else a `Double` gauge (what
    /// a swift-metrics `Gauge` is).
    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> RecorderHandler {
        if aggregate {
            let key = SwiftMetricsHandlerKey(kind: .aggregatingRecorder, label: label, dimensions: dimensions)
            return cache.handler(for: key) { () -> SwiftMetricsHistogramRecorderHandler in
                let histogram = instrument(label, otherwise: Histogram<Double>(storage: nil)) { meter, name, options in
                    meter.makeHistogram(
                        Double.self, name: name, unit: options.unit, description: options.description,
                        explicitBucketBoundaries: validBoundaries(options.bucketBoundaries, label: label))
                }
                return SwiftMetricsHistogramRecorderHandler(key: key, series: histogram.bind(Self.attributes(dimensions)))
            }
        }
        let key = SwiftMetricsHandlerKey(kind: .gaugeRecorder, label: label, dimensions: dimensions)
        return cache.handler(for: key) { () -> SwiftMetricsGaugeRecorderHandler in
            let gauge = instrument(label, otherwise: Gauge<Double>(storage: nil)) { meter, name, options in
                meter.makeGauge(Double.self, name: name, unit: options.unit, description: options.description)
            }
            return SwiftMetricsGaugeRecorderHandler(key: key, series: gauge.bind(Self.attributes(dimensions)))
        }
    }

    /// A handler for a swift-metrics `Timer`: a `Double` histogram in seconds, unit `s`.
    public func makeTimer(label: String, dimensions: [(String, String)]) -> TimerHandler {
        let key = SwiftMetricsHandlerKey(kind: .timer, label: label, dimensions: dimensions)
        return cache.handler(for: key) { () -> SwiftMetricsTimerHandler in
            let histogram = instrument(label, otherwise: Histogram<Double>(storage: nil)) { meter, name, options in
                meter.makeHistogram(
                    Double.self, name: name, unit: "s", description: options.description,
                    explicitBucketBoundaries: validBoundaries(options.bucketBoundaries, label: label) ?? timerBucketBoundaries)
            }
            return SwiftMetricsTimerHandler(key: key, series: histogram.bind(Self.attributes(dimensions)))
        }
    }

    /// Forgets the counter's handler; its series goes on. See the type's documentation.
    public func destroyCounter(_ handler: CounterHandler) {
        forget(handler)
    }

    /// Forgets the counter's handler; its series goes on.
    public func destroyFloatingPointCounter(_ handler: FloatingPointCounterHandler) {
        forget(handler)
    }

    /// Forgets the meter's handler; its series goes on.
    public func destroyMeter(_ handler: MeterHandler) {
        forget(handler)
    }

    /// Forgets the recorder's handler; its series goes on.
    public func destroyRecorder(_ handler: RecorderHandler) {
        forget(handler)
    }

    /// Forgets the timer's handler; its series goes on.
    public func destroyTimer(_ handler: TimerHandler) {
        forget(handler)
    }

    // MARK: - Helpers

    private func forget(_ handler: AnyObject) {
        // A handler from another factory is not ours to forget.
        guard let handler = handler as? any SwiftMetricsHandler else { return }
        cache.remove(handler)
    }

    /// Dimensions as attributes: string values, the last of a repeated key winning.
    private static func attributes(_ dimensions: [(String, String)]) -> AttributeSet {
        dimensions.isEmpty ? .empty : AttributeSet(dimensions.lazy.map { ($0.0, AttributeValue.string($0.1)) })
    }

    /// The instrument of `label`, made by `make` with its name and options, or `noOp` when the label cannot be a
    /// name.
    private func instrument<Instrument>(
        _ label: String,
        otherwise noOp: Instrument,
        make: (Meter, String, MetricOptions) -> Instrument
    ) -> Instrument {
        let options = metricOptions(label) ?? MetricOptions()
        guard let name = instrumentName(options.name ?? label) else { return noOp }
        return make(meter, name, options)
    }

    /// `label` as an instrument name: offending characters become `_`; `nil`, reported once, when no name can be
    /// made of it.
    ///
    /// Checked here rather than left to the meter, which reports each invalid name it is given: a framework that
    /// makes a handle per request would repeat that report for every new set of dimensions.
    private func instrumentName(_ label: String) -> String? {
        if InstrumentDescriptor.isValidName(label) { return label }
        let allowed: (Character) -> Bool = { character in
            character.isASCII && (character.isLetter || character.isNumber || "_.-/".contains(character))
        }
        let name = String(label.map { allowed($0) ? $0 : "_" })
        if InstrumentDescriptor.isValidName(name) { return name }
        if !hasReportedInvalidName.exchange(true, ordering: .relaxed) {
            logger.warning(
                """
                A swift-metrics label cannot be an instrument name: it must start with a letter and be at most 255 \
                characters; its metrics are not recorded. Rename it with TelemetryMetricsFactory.MetricOptions.name
                """,
                metadata: ["label": "\(label)"]
            )
        }
        return nil
    }

    /// `boundaries` if they are valid; otherwise `nil`, so the default applies, and one report.
    private func validBoundaries(_ boundaries: [Double]?, label: String) -> [Double]? {
        guard let boundaries else { return nil }
        if ExplicitBucketHistogramState.areValid(boundaries) { return boundaries }
        if !hasReportedInvalidBoundaries.exchange(true, ordering: .relaxed) {
            logger.warning(
                "Ignoring invalid bucket boundaries of a swift-metrics label: they must be finite and increasing; the defaults apply",
                metadata: ["label": "\(label)", "boundaries": "\(boundaries)"]
            )
        }
        return nil
    }

    /// The family deciding the kind of `label`'s meters.
    private func meterFamily(_ label: String) -> SwiftMetricsMeterFamily {
        if let family = meterFamilies.withLock({ $0[label] }) { return family }
        let made = SwiftMetricsMeterFamily(
            // Weakly: the factory keeps its families, which must not keep the factory.
            makeGauge: { [weak self] in
                guard let self else { return Gauge<Double>(storage: nil) }
                return instrument(label, otherwise: Gauge<Double>(storage: nil)) { meter, name, options in
                    meter.makeGauge(Double.self, name: name, unit: options.unit, description: options.description)
                }
            },
            makeUpDownCounter: { [weak self] in
                guard let self else { return UpDownCounter<Double>(storage: nil) }
                return instrument(label, otherwise: UpDownCounter<Double>(storage: nil)) { meter, name, options in
                    meter.makeUpDownCounter(Double.self, name: name, unit: options.unit, description: options.description)
                }
            }
        )
        return meterFamilies.withLock { families in
            if let family = families[label] { return family }
            // Bounded, and independent of the handler cache, which may keep nothing. Forgetting a family only
            // matters if its label is used again with the other kind of operation first, which then registers the
            // other kind of instrument too.
            if families.count >= Self.maximumMeterLabels, let victim = families.keys.first {
                families[victim] = nil
            }
            families[label] = made
            return made
        }
    }
}
