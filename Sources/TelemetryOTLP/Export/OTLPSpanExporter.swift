import Foundation
import Logging
import Synchronization
import Telemetry

/// Sends spans to an OpenTelemetry Collector, or any OTLP backend, over gRPC or HTTP.
///
/// It encodes each batch once, straight from span data into protobuf or JSON bytes, and retries the failures the
/// specification calls retryable (gRPC UNAVAILABLE and friends, HTTP 429/502/503/504, connection errors) with
/// exponential backoff and jitter, honouring `Retry-After` and gRPC `RetryInfo`, until the batch's
/// ``OTLPExporterConfiguration/timeout`` runs out. A failure no retry can fix, such as a TLS certificate the
/// exporter cannot verify, fails the batch at once. Put it behind a ``BatchSpanProcessor``; ``TelemetrySystem`` does
/// so when `OTEL_TRACES_EXPORTER` is `otlp`.
public final class OTLPSpanExporter: SpanExporter {
    static let traceService = "opentelemetry.proto.collector.trace.v1.TraceService"

    /// Encodes a batch into a request body; `nil` when the encoder found its own output inconsistent.
    typealias Encoder = @Sendable ([SpanData]) -> [UInt8]?

    let configuration: OTLPResolvedConfiguration
    private let transport: any OTLPTransport
    private let logger: Logger
    private let clock: any TelemetryClock
    private let jitter: @Sendable () -> Double
    private let encoder: Encoder
    private let redactor: OTLPRedactor
    private let state = Mutex(State())

    private struct State {
        var statistics = OTLPExporterStatistics()
        var isShutdown = false
    }

    /// Creates an exporter from `configuration`, completed by the `OTEL_EXPORTER_OTLP_*` variables.
    ///
    /// An unusable `OTEL_EXPORTER_OTLP_*` value logs one warning naming the variable (and the value, unless it is a
    /// header) and the default applies, as the specification says; an unusable entry of
    /// `OTEL_EXPORTER_OTLP_HEADERS` is left out and the others apply.
    ///
    /// - Parameter isStrict: Whether an unusable variable throws instead; by default
    ///   `SWIFT_TELEMETRY_STRICT_CONFIGURATION` decides.
    /// - Throws: ``TelemetryConfigurationError`` for a value set in code that cannot work, such as a malformed URL,
    ///   a negative timeout or an invalid header, or for an unusable variable in strict mode. It names the setting,
    ///   never a header value or an endpoint's user-info.
    public convenience init(
        configuration: OTLPExporterConfiguration = OTLPExporterConfiguration(),
        environment: [String: String] = ProcessInfo.processInfo.environment,
        isStrict: Bool? = nil,
        logger: Logger = TelemetryDiagnostics.logger
    ) throws {
        let resolved = try OTLPResolvedConfiguration(
            configuration,
            environment: Environment(environment, isStrict: isStrict, logger: logger)
        )
        let transport: any OTLPTransport
        switch resolved.protocol {
        case .grpc: transport = try OTLPGRPCTransport(configuration: resolved, service: Self.traceService)
        case .httpProtobuf, .httpJSON: transport = try OTLPHTTPTransport(configuration: resolved)
        }
        self.init(configuration: resolved, transport: transport, logger: logger)
        if resolved.droppedUserInfo {
            logger.warning(
                "The OTLP endpoint's user-info is not sent (RFC 9110 forbids it); put credentials in a header instead",
                metadata: ["endpoint": "\(endpointDescription)"]
            )
        }
    }

    /// - Parameters:
    ///   - clock: What retry waits and the export timeout are measured with.
    ///   - jitter: A factor from 0.5 to 1 for each retry's backoff, random by default.
    ///   - encoder: The request encoder; by default the one for the configured protocol.
    init(
        configuration: OTLPResolvedConfiguration,
        transport: any OTLPTransport,
        logger: Logger,
        clock: any TelemetryClock = SystemClock(),
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0.5...1.0) },
        encoder: Encoder? = nil
    ) {
        self.configuration = configuration
        self.transport = transport
        self.logger = logger
        self.clock = clock
        self.jitter = jitter
        self.redactor = OTLPRedactor(headers: configuration.headers)
        switch configuration.protocol {
        case .grpc, .httpProtobuf: self.encoder = encoder ?? { TraceRequestEncoder.protobuf($0) }
        case .httpJSON: self.encoder = encoder ?? { TraceRequestEncoder.json($0) }
        }
    }

    /// What happened to the spans so far.
    public var statistics: OTLPExporterStatistics { state.withLock { $0.statistics } }

    /// Where the exporter sends, for diagnostics: the URL, without headers and without user-info.
    public var endpointDescription: String { "\(configuration.protocol.rawValue) \(configuration.endpoint.url)" }

    public func run() async throws {
        try await transport.run()
    }

    public func export(_ batch: [SpanData]) async throws {
        guard !batch.isEmpty else { return }
        guard !state.withLock({ $0.isShutdown }) else {
            throw OTLPExportError(reason: "the exporter is shut down", attempts: 0)
        }
        guard let body = encoder(batch) else { throw recordEncodingError(count: batch.count) }
        let schedule = OTLPRetrySchedule(policy: configuration.retry, timeout: configuration.timeout)
        let start = clock.now
        var attempt = 0
        while true {
            attempt += 1
            let result: OTLPSendResult
            switch schedule.budget(elapsed: start.duration(to: clock.now)) {
            case .unlimited: result = await transport.send(body, timeout: nil)
            case .upTo(let remaining): result = await transport.send(body, timeout: remaining)
            case .exhausted: result = .rejected(reason: "the export timeout (\(configuration.timeout)) ran out")
            }
            switch result {
            case .accepted(let response):
                recordSuccess(count: batch.count, response: response)
                return
            case .rejected(let reason):
                throw recordFailure(count: batch.count, reason: reason, attempts: attempt)
            case .retryable(let reason, _):
                let decision = schedule.decision(
                    after: result, attempt: attempt, elapsed: start.duration(to: clock.now), jitter: jitter())
                guard case .retry(let wait) = decision, !Task.isCancelled else {
                    let why = Task.isCancelled ? "cancelled" : "no time is left in the export timeout for a retry"
                    throw recordFailure(count: batch.count, reason: "\(reason); \(why)", attempts: attempt)
                }
                state.withLock { $0.statistics.retries += 1 }
                logger.debug("Retrying OTLP export", metadata: ["reason": "\(redactor.redact(reason))", "wait": "\(wait)"])
                do {
                    try await clock.sleep(for: wait)
                } catch {
                    throw recordFailure(count: batch.count, reason: "cancelled while waiting to retry", attempts: attempt)
                }
            }
        }
    }

    public func shutdown() async {
        let wasShutdown = state.withLock { state -> Bool in
            defer { state.isShutdown = true }
            return state.isShutdown
        }
        if !wasShutdown { await transport.shutdown() }
    }

    private func recordSuccess(count: Int, response: [UInt8]) {
        let partial = configuration.protocol == .httpJSON
            ? PartialSuccess(json: response) : PartialSuccess(protobuf: response)
        let rejected = min(count, max(0, Int(clamping: partial.rejected)))
        state.withLock { state in
            state.statistics.exportedSpans += count - rejected
            state.statistics.failedSpans += rejected
            state.statistics.rejectedSpans += rejected
        }
        if rejected > 0 || !partial.message.isEmpty {
            logger.warning(
                "The OTLP endpoint accepted the batch in part",
                metadata: [
                    "rejected_spans": "\(rejected)", "message": "\(redactor.redact(partial.message))",
                    "endpoint": "\(endpointDescription)",
                ]
            )
        }
    }

    private func recordFailure(count: Int, reason: String, attempts: Int) -> OTLPExportError {
        state.withLock { state in
            state.statistics.failedSpans += count
            state.statistics.failedExports += 1
        }
        return OTLPExportError(reason: "\(redactor.redact(reason)) (\(endpointDescription))", attempts: attempts)
    }

    /// Counts a batch the encoder could not encode. The first is logged, without span data; the statistic counts
    /// the rest, since each would log the same line.
    private func recordEncodingError(count: Int) -> OTLPExportError {
        let isFirst = state.withLock { state -> Bool in
            state.statistics.failedSpans += count
            state.statistics.failedExports += 1
            state.statistics.encodingErrors += 1
            return state.statistics.encodingErrors == 1
        }
        if isFirst {
            logger.error(
                "The OTLP encoder produced an inconsistent request, which is not sent; please report this bug",
                metadata: ["spans": "\(count)", "endpoint": "\(endpointDescription)"]
            )
        }
        return OTLPExportError(reason: "the batch could not be encoded (\(endpointDescription))", attempts: 0)
    }
}

/// The `partial_success` of an `ExportTraceServiceResponse`.
struct PartialSuccess {
    var rejected: Int64 = 0
    var message = ""

    init(protobuf bytes: [UInt8]) {
        var reader = ProtoReader(bytes)
        while let field = reader.next() {
            guard field.number == OTLPFields.ExportTraceServiceResponse.partialSuccess, case .bytes(let body) = field.value
            else { continue }
            var inner = ProtoReader(body)
            while let innerField = inner.next() {
                switch (innerField.number, innerField.value) {
                case (OTLPFields.ExportTracePartialSuccess.rejectedSpans, .varint(let value)):
                    rejected = Int64(bitPattern: value)
                case (OTLPFields.ExportTracePartialSuccess.errorMessage, .bytes(let text)):
                    message = String(decoding: text, as: UTF8.self)
                default: continue
                }
            }
        }
    }

    init(json bytes: [UInt8]) {
        guard !bytes.isEmpty,
            let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
            let partial = object["partialSuccess"] as? [String: Any]
        else { return }
        if let text = partial["rejectedSpans"] as? String, let value = Int64(text) {
            rejected = value
        } else if let number = partial["rejectedSpans"] as? NSNumber {
            rejected = number.int64Value
        }
        message = partial["errorMessage"] as? String ?? ""
    }
}
