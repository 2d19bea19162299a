import Logging
import Tracing

/// A swift-log `LogHandler` that turns each log call into an OpenTelemetry log record of a ``LoggerProvider``.
///
/// Bootstrap swift-log with it once, after the SDK:
///
/// ```swift
/// let telemetry = try TelemetrySystem.bootstrap(.otlp())
/// LoggingSystem.bootstrap(TelemetryLogHandler.factory(telemetry.loggerProvider), metadataProvider: .traceContext)
/// ```
///
/// Each record carries:
/// - the logger's label as its instrumentation scope;
/// - the level as the specification's severity number (trace 1, debug 5, info 9, notice 10, warning 13, error 17,
///   critical 21), and the level's name as the severity text;
/// - the message as the body;
/// - the metadata of the handler, of the metadata provider and of the call, merged as swift-log merges them (the
///   call's wins, then the provider's), as attributes, nested dictionaries and arrays kept;
/// - the `error:` of the call as `exception.type` and `exception.message`; for a ``TracedError``, also the span it
///   was made in: as the record's trace context when the call is outside any span, else as `traced_error.trace_id`
///   and `traced_error.span_id` attributes (see ``TracedError``);
/// - with ``includesCodeLocation``, the call's `code.file.path`, `code.function.name` (qualified by the module) and
///   `code.line.number`;
/// - the trace id, span id and trace flags of the span active in the current task.
///
/// The provider's ``LogRecordLimits`` apply; when metadata is over the count limit, the call's own is kept first.
/// What the SDK's own diagnostics logger (label `swift-telemetry`) logs, and whatever is logged while an export runs
/// (by the exporter or its HTTP and gRPC libraries), is not turned into records, so that a failing export can never
/// feed on itself.
public struct TelemetryLogHandler: LogHandler {
    /// The least severe level this handler turns into records; swift-log skips calls below it at almost no cost.
    public var logLevel: Logger.Level
    /// Metadata added to every record of this handler.
    public var metadata: Logger.Metadata = [:]
    /// Metadata computed for each call, such as ``Logging/Logger/MetadataProvider/traceContext``.
    public var metadataProvider: Logger.MetadataProvider?
    /// Whether records carry the call's file, function and line as `code.*` attributes. Off by default: they cost
    /// three attributes per record.
    public var includesCodeLocation: Bool
    private let logger: TelemetryLogger
    private let isDiagnostics: Bool

    /// Creates a handler for the logger labelled `label`.
    ///
    /// - Parameters:
    ///   - label: The swift-log label; it becomes the records' instrumentation scope.
    ///   - provider: The provider whose processors receive the records.
    ///   - metadataProvider: Metadata computed for each call; by default `LoggingSystem`'s.
    public init(
        label: String,
        provider: LoggerProvider,
        metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider,
        logLevel: Logger.Level = .info,
        includesCodeLocation: Bool = false
    ) {
        self.logger = provider.logger(name: label)
        self.metadataProvider = metadataProvider
        self.logLevel = logLevel
        self.includesCodeLocation = includesCodeLocation
        self.isDiagnostics = label == TelemetryDiagnostics.label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        guard !isDiagnostics, logger.isEnabled, !TelemetryDiagnostics.isExporting else { return }
        let context = ServiceContext.current ?? .topLevel
        let now = DefaultTracerClock.now.nanosecondsSinceEpoch
        var record = LogRecordData(timestamp: now, observedTimestamp: now, origin: logger.origin)
        record.severity = LogSeverity(event.level)
        record.severityText = event.level.rawValue
        record.body = .string(event.message.description)
        record.setTraceContext(from: context)
        // Room for every key but the provider's, whose count is unknown until called: one allocation, no regrowth.
        let extraCount = metadata.count + (event.error == nil ? 0 : 4) + (includesCodeLocation ? 3 : 0)
            + (metadataProvider == nil ? 0 : 2)
        var attributes = AttributeCollector(
            limits: logger.provider.limits, callMetadata: event.metadata, extraCount: extraCount)
        if let error = event.error {
            attributes.add("exception.type", .string(String(reflecting: type(of: error))))
            attributes.add("exception.message", .string(String(describing: error)))
            if let traced = error as? TracedError { record.adoptTraceContext(of: traced, into: &attributes) }
        }
        if let metadataProvider {
            // The trace context is already the record's own; the provider's copy of it would only repeat it.
            let skipsTraceContext = record.traceID != nil
            for (key, value) in metadataProvider.get()
            where !(skipsTraceContext && (key == TraceContextMetadata.traceIDKey || key == TraceContextMetadata.spanIDKey)) {
                attributes.add(key, metadata: value)
            }
        }
        for (key, value) in metadata { attributes.add(key, metadata: value) }
        if includesCodeLocation {
            attributes.add("code.file.path", .string(event.file))
            attributes.add("code.function.name", .string(event.source + "." + event.function))
            attributes.add("code.line.number", .int(Int64(clamping: event.line)))
        }
        record.attributes = attributes.values
        record.droppedAttributeCount = attributes.dropped
        logger.provider.emit(&record, context: context)
    }
}

extension TelemetryLogHandler {
    /// A factory for `LoggingSystem.bootstrap` that makes a ``TelemetryLogHandler`` for every logger, and with
    /// `alsoToStandardOutput`, a swift-log `StreamLogHandler` on standard output beside it, so that each log call
    /// goes both to OTLP and to the container's log:
    ///
    /// ```swift
    /// LoggingSystem.bootstrap(
    ///     TelemetryLogHandler.factory(telemetry.loggerProvider, alsoToStandardOutput: true),
    ///     metadataProvider: .traceContext
    /// )
    /// ```
    ///
    /// With the ``Logging/Logger/MetadataProvider/traceContext`` metadata provider, each standard output line inside
    /// a span carries `trace_id=…` and `span_id=…`. The standard output handler is swift-log's own: it writes each
    /// line on the caller's thread, as it does without this SDK. For output that never waits on the terminal, leave
    /// it out and set `OTEL_LOGS_EXPORTER=otlp,console` instead.
    public static func factory(
        _ provider: LoggerProvider,
        logLevel: Logger.Level = .info,
        includesCodeLocation: Bool = false,
        alsoToStandardOutput: Bool = false
    ) -> @Sendable (String, Logger.MetadataProvider?) -> any LogHandler {
        { label, metadataProvider in
            let handler = TelemetryLogHandler(
                label: label,
                provider: provider,
                metadataProvider: metadataProvider,
                logLevel: logLevel,
                includesCodeLocation: includesCodeLocation
            )
            guard alsoToStandardOutput else { return handler }
            var standardOutput = StreamLogHandler.standardOutput(label: label, metadataProvider: metadataProvider)
            standardOutput.logLevel = logLevel
            return MultiplexLogHandler([handler, standardOutput])
        }
    }
}

/// Gathers one record's attributes from several sources, highest precedence first: a key already present is not
/// replaced, and a new key over the count limit is dropped and counted. The error's attributes come after the call's
/// metadata, so a call that sets `exception.message` itself keeps its own.
struct AttributeCollector {
    private(set) var values: [String: LogValue] = [:]
    /// Keys left out by the count limit; a lower-precedence source repeating one is not counted again.
    private var droppedKeys: Set<String> = []
    var dropped: Int { droppedKeys.count }
    private let countLimit: Int
    private let lengthLimit: Int?

    /// Starts with the call's metadata, which wins over every other source.
    ///
    /// - Parameter extraCount: How many more keys the other sources may add, for one allocation up front.
    init(limits: LogRecordLimits, callMetadata: Logger.Metadata?, extraCount: Int) {
        self.countLimit = limits.attributeCountLimit
        self.lengthLimit = limits.attributeValueLengthLimit
        let callCount = callMetadata?.count ?? 0
        if let callMetadata, callCount <= countLimit {
            // Mapping keeps the dictionary's layout, so the call's keys are not hashed again.
            values = lengthLimit.map { limit in callMetadata.mapValues { LogValue($0).truncated(to: limit) } }
                ?? callMetadata.mapValues(LogValue.init)
            if extraCount > 0 { values.reserveCapacity(min(callCount + extraCount, countLimit)) }
        } else {
            values.reserveCapacity(min(callCount + extraCount, countLimit))
            for (key, value) in callMetadata ?? [:] { add(key, metadata: value) }
        }
    }

    mutating func add(_ key: String, metadata value: Logger.MetadataValue) {
        guard values[key] == nil else { return }
        guard values.count < countLimit else {
            droppedKeys.insert(key)
            return
        }
        let converted = LogValue(value)
        values[key] = lengthLimit.map(converted.truncated(to:)) ?? converted
    }

    mutating func add(_ key: String, _ value: LogValue) {
        guard values[key] == nil else { return }
        guard values.count < countLimit else {
            droppedKeys.insert(key)
            return
        }
        values[key] = lengthLimit.map(value.truncated(to:)) ?? value
    }
}
