import Synchronization

/// Opt-in instrumentation reporting the SDK's own health, per the semantic conventions for
/// [OpenTelemetry SDK metrics](https://opentelemetry.io/docs/specs/semconv/otel/sdk-metrics/), so that a dashboard
/// can show queues filling up and telemetry being dropped.
///
/// For each ``BatchSpanProcessor``, ``SimpleSpanProcessor``, ``BatchLogRecordProcessor`` and
/// ``SimpleLogRecordProcessor`` of the given providers, read from their ``ExportStatistics`` at each collection:
///
/// | Metric | Instrument | Unit | Value |
/// |---|---|---|---|
/// | `otel.sdk.processor.span.queue.size` | observable up-down counter | `{span}` | spans waiting in the queue |
/// | `otel.sdk.processor.span.queue.capacity` | observable up-down counter | `{span}` | the queue's maximum size (batch processors) |
/// | `otel.sdk.processor.span.processed` | observable counter | `{span}` | spans whose export finished; with `error.type` = `_OTHER`, spans dropped |
/// | `otel.sdk.exporter.span.exported` | observable counter | `{span}` | spans exported; with `error.type` = `_OTHER`, spans in failed exports |
/// | `otel.sdk.processor.log.queue.size` | observable up-down counter | `{log_record}` | as for spans |
/// | `otel.sdk.processor.log.queue.capacity` | observable up-down counter | `{log_record}` | as for spans |
/// | `otel.sdk.processor.log.processed` | observable counter | `{log_record}` | as for spans |
/// | `otel.sdk.exporter.log.exported` | observable counter | `{log_record}` | as for spans |
///
/// Processor series carry `otel.component.type` (`batching_span_processor`, `simple_span_processor`,
/// `batching_log_processor`, `simple_log_processor`) and `otel.component.name` (`<type>/<n>`, numbered per type in
/// the process). A processor does not tell which exporter it holds, so exporter series carry only
/// `otel.component.name`, the processor's name followed by `/exporter`.
///
/// What the statistics cannot tell is not reported rather than guessed:
/// - Drops are one count covering a full queue, items arriving after shutdown, and items a late shutdown abandoned,
///   so they are reported with `error.type` = `_OTHER` rather than the conventions' `queue_full` or
///   `already_shutdown`; likewise export failures do not keep their cause.
/// - An item counts as processed once its export has finished, not when the export starts, so `processed` lags by
///   at most the batch being exported; there is no `otel.sdk.exporter.*.inflight`.
/// - `otel.sdk.span.started` and `otel.sdk.span.live` need a hook in the tracer: started must count non-recording
///   spans, which never reach a processor. They are not reported.
/// - ``SimpleSpanProcessor`` and ``SimpleLogRecordProcessor`` do not expose their queue's capacity, so only their
///   queue size is reported; processors of other types are not observed, since their statistics may be the
///   all-zero default.
/// - Metric readers count exported streams, not data points, so `otel.sdk.exporter.metric_data_point.exported` is not
///   reported; nor is `otel.sdk.metric_reader.collection.duration`, which nothing measures yet.
///
/// ```swift
/// let sdkMetrics = SDKMetrics.register(tracerProvider: tracerProvider, loggerProvider: loggerProvider, on: meterProvider)
/// // … later:
/// sdkMetrics.unregister()
/// ```
public struct SDKMetrics: Sendable {
    /// The instrumentation scope name of the SDK metrics.
    public static let scopeName = "swift-telemetry.sdk"

    /// The `otel.component.name` of each observed processor, in order: span processors first, then log record
    /// processors.
    public let componentNames: [String]

    private let registrations: [ObservableCallbackRegistration]

    /// Registers the SDK metrics of the processors of `tracerProvider` and `loggerProvider` on `meterProvider`.
    ///
    /// The providers' processors are fixed when the providers are made, so the processors observed are those they
    /// have now.
    @discardableResult
    public static func register(
        tracerProvider: TracerProvider? = nil,
        loggerProvider: LoggerProvider? = nil,
        on meterProvider: MeterProvider
    ) -> SDKMetrics {
        let spans = (tracerProvider?.processors ?? []).compactMap(Component.init(span:))
        let logs = (loggerProvider?.processors ?? []).compactMap(Component.init(log:))
        let meter = meterProvider.meter(name: scopeName, version: Resource.sdkVersion)
        var registrations: [ObservableCallbackRegistration] = []
        if !spans.isEmpty {
            registrations += register(spans, signal: "span", unit: "{span}", items: "spans", on: meter)
        }
        if !logs.isEmpty {
            registrations += register(logs, signal: "log", unit: "{log_record}", items: "log records", on: meter)
        }
        return SDKMetrics(componentNames: (spans + logs).map(\.name), registrations: registrations)
    }

    private init(componentNames: [String], registrations: [ObservableCallbackRegistration]) {
        self.componentNames = componentNames
        self.registrations = registrations
    }

    /// Stops reporting the SDK metrics. Calling it again does nothing.
    public func unregister() {
        for registration in registrations { registration.unregister() }
    }

    private static func register(
        _ components: [Component], signal: String, unit: String, items: String, on meter: Meter
    ) -> [ObservableCallbackRegistration] {
        var registrations: [ObservableCallbackRegistration] = []
        registrations.append(
            meter.makeObservableUpDownCounter(
                Int64.self, name: "otel.sdk.processor.\(signal).queue.size", unit: unit,
                description: "The number of \(items) in the queue of a given instance of an SDK \(signal) processor."
            ).addCallback { observations in
                for component in components {
                    observations.observe(Int64(clamping: component.statistics().queued), attributes: component.attributes)
                }
            })
        let bounded = components.filter { $0.capacity != nil }
        if !bounded.isEmpty {
            registrations.append(
                meter.makeObservableUpDownCounter(
                    Int64.self, name: "otel.sdk.processor.\(signal).queue.capacity", unit: unit,
                    description: "The maximum number of \(items) the queue of a given instance of an SDK \(signal) processor can hold."
                ).addCallback { observations in
                    for component in bounded {
                        guard let capacity = component.capacity else { continue }
                        observations.observe(Int64(clamping: capacity), attributes: component.attributes)
                    }
                })
        }
        registrations.append(
            meter.makeObservableCounter(
                Int64.self, name: "otel.sdk.processor.\(signal).processed", unit: unit,
                description: "The number of \(items) for which the processing has finished, either successful or failed."
            ).addCallback { observations in
                for component in components {
                    let statistics = component.statistics()
                    observations.observe(
                        Int64(clamping: statistics.exported) + Int64(clamping: statistics.failed), attributes: component.attributes)
                    observations.observe(Int64(clamping: statistics.dropped), attributes: component.droppedAttributes)
                }
            })
        registrations.append(
            meter.makeObservableCounter(
                Int64.self, name: "otel.sdk.exporter.\(signal).exported", unit: unit,
                description: "The number of \(items) for which the export has finished, either successful or failed."
            ).addCallback { observations in
                for component in components {
                    let statistics = component.statistics()
                    observations.observe(Int64(clamping: statistics.exported), attributes: component.exporterAttributes)
                    observations.observe(Int64(clamping: statistics.failed), attributes: component.failedExportAttributes)
                }
            })
        return registrations
    }
}

/// One observed processor: its identity as the conventions name it, and where its counts come from.
private struct Component: Sendable {
    /// `error.type` when the statistics do not keep the cause: the conventions' fallback value.
    static let unknownErrorType: AttributeValue = "_OTHER"

    let name: String
    let capacity: Int?
    let statistics: @Sendable () -> ExportStatistics
    let attributes: AttributeSet
    let droppedAttributes: AttributeSet
    let exporterAttributes: AttributeSet
    let failedExportAttributes: AttributeSet

    init(type: String, capacity: Int?, statistics: @escaping @Sendable () -> ExportStatistics) {
        let name = "\(type)/\(ComponentCounter.shared.next(type))"
        self.name = name
        self.capacity = capacity
        self.statistics = statistics
        attributes = ["otel.component.type": .string(type), "otel.component.name": .string(name)]
        droppedAttributes = [
            "otel.component.type": .string(type), "otel.component.name": .string(name), "error.type": Self.unknownErrorType,
        ]
        exporterAttributes = ["otel.component.name": .string("\(name)/exporter")]
        failedExportAttributes = ["otel.component.name": .string("\(name)/exporter"), "error.type": Self.unknownErrorType]
    }

    init?(span processor: any SpanProcessor) {
        if let batch = processor as? BatchSpanProcessor {
            self.init(type: "batching_span_processor", capacity: batch.configuration.maxQueueSize) { batch.statistics }
        } else if let simple = processor as? SimpleSpanProcessor {
            self.init(type: "simple_span_processor", capacity: nil) { simple.statistics }
        } else {
            return nil
        }
    }

    init?(log processor: any LogRecordProcessor) {
        if let batch = processor as? BatchLogRecordProcessor {
            self.init(type: "batching_log_processor", capacity: batch.configuration.maxQueueSize) { batch.statistics }
        } else if let simple = processor as? SimpleLogRecordProcessor {
            self.init(type: "simple_log_processor", capacity: nil) { simple.statistics }
        } else {
            return nil
        }
    }
}

/// Numbers components per type across the process, as the conventions recommend for `otel.component.name`, so two
/// registrations never give two processors the same name.
private final class ComponentCounter: Sendable {
    static let shared = ComponentCounter()

    private let counts = Mutex<[String: Int]>([:])

    func next(_ type: String) -> Int {
        counts.withLock { counts in
            defer { counts[type, default: 0] += 1 }
            return counts[type, default: 0]
        }
    }
}
