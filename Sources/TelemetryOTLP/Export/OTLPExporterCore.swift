import Foundation
import Logging
import Synchronization
import Telemetry

/// The part of an OTLP exporter that does not depend on the signal: the transport, the retry loop, the statistics,
/// the redaction of secrets and the reading of partial successes. ``OTLPSpanExporter``, ``OTLPLogRecordExporter``
/// and ``OTLPMetricExporter`` each wrap one, with their signal and their encoder.
final class OTLPExporterCore<Item: Sendable>: Sendable {
    /// Encodes a batch into a request body; `nil` when the encoder found its own output inconsistent.
    typealias Encoder = @Sendable ([Item]) -> [UInt8]?

    let signal: OTLPSignal
    let configuration: OTLPResolvedConfiguration
    private let transport: any OTLPTransport
    private let logger: Logger
    private let clock: any TelemetryClock
    private let jitter: @Sendable () -> Double
    private let encoder: Encoder
    private let countItems: @Sendable ([Item]) -> Int
    private let redactor: OTLPRedactor
    private let state = Mutex(State())

    private struct State {
        var statistics = OTLPExporterStatistics()
        var isShutdown = false
    }

    /// Resolves `configuration` for `signal` with the `OTEL_EXPORTER_OTLP_<SIGNAL>_*` and `OTEL_EXPORTER_OTLP_*`
    /// variables, and makes the transport the resolved protocol needs.
    static func resolve(
        _ configuration: OTLPExporterConfiguration,
        signal: OTLPSignal,
        environment: [String: String],
        isStrict: Bool?,
        logger: Logger
    ) throws -> (configuration: OTLPResolvedConfiguration, transport: any OTLPTransport) {
        let resolved = try OTLPResolvedConfiguration(
            configuration,
            signal: signal.variableName,
            signalPath: signal.path,
            environment: Environment(environment, isStrict: isStrict, logger: logger)
        )
        let transport: any OTLPTransport
        switch resolved.protocol {
        case .grpc: transport = try OTLPGRPCTransport(configuration: resolved, service: signal.grpcService)
        case .httpProtobuf, .httpJSON: transport = try OTLPHTTPTransport(configuration: resolved)
        }
        return (resolved, transport)
    }

    /// - Parameters:
    ///   - clock: What retry waits and the export timeout are measured with.
    ///   - jitter: A factor from 0.5 to 1 for each retry's backoff.
    ///   - encoder: Encodes a batch in the configured protocol's format.
    ///   - countItems: How many items a batch holds, as statistics and partial successes count them: a metric
    ///     exporter's batch holds streams, but the collector counts their data points.
    init(
        signal: OTLPSignal,
        configuration: OTLPResolvedConfiguration,
        transport: any OTLPTransport,
        logger: Logger,
        clock: any TelemetryClock,
        jitter: @escaping @Sendable () -> Double,
        encoder: @escaping Encoder,
        countItems: @escaping @Sendable ([Item]) -> Int = { $0.count }
    ) {
        self.signal = signal
        self.configuration = configuration
        self.transport = transport
        self.logger = logger
        self.clock = clock
        self.jitter = jitter
        self.encoder = encoder
        self.countItems = countItems
        self.redactor = OTLPRedactor(headers: configuration.headers)
        if configuration.droppedUserInfo {
            logger.warning(
                "The OTLP endpoint's user-info is not sent (RFC 9110 forbids it); put credentials in a header instead",
                metadata: ["endpoint": "\(endpointDescription)"]
            )
        }
    }

    var statistics: OTLPExporterStatistics { state.withLock { $0.statistics } }

    var endpointDescription: String { "\(configuration.protocol.rawValue) \(configuration.endpoint.url)" }

    func run() async throws {
        try await transport.run()
    }

    func export(_ batch: [Item]) async throws {
        guard !batch.isEmpty else { return }
        guard !state.withLock({ $0.isShutdown }) else {
            throw OTLPExportError(reason: "the exporter is shut down", attempts: 0)
        }
        let count = countItems(batch)
        guard let body = encoder(batch) else { throw recordEncodingError(count: count) }
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
                recordSuccess(count: count, response: response)
                return
            case .rejected(let reason):
                throw recordFailure(count: count, reason: reason, attempts: attempt)
            case .retryable(let reason, _):
                let decision = schedule.decision(
                    after: result, attempt: attempt, elapsed: start.duration(to: clock.now), jitter: jitter())
                guard case .retry(let wait) = decision, !Task.isCancelled else {
                    let why = Task.isCancelled ? "cancelled" : "no time is left in the export timeout for a retry"
                    throw recordFailure(count: count, reason: "\(reason); \(why)", attempts: attempt)
                }
                state.withLock { $0.statistics.retries += 1 }
                logger.debug("Retrying OTLP export", metadata: ["reason": "\(redactor.redact(reason))", "wait": "\(wait)"])
                do {
                    try await clock.sleep(for: wait)
                } catch {
                    throw recordFailure(count: count, reason: "cancelled while waiting to retry", attempts: attempt)
                }
            }
        }
    }

    func shutdown() async {
        let wasShutdown = state.withLock { state -> Bool in
            defer { state.isShutdown = true }
            return state.isShutdown
        }
        if !wasShutdown { await transport.shutdown() }
    }

    private func recordSuccess(count: Int, response: [UInt8]) {
        let partial = configuration.protocol == .httpJSON
            ? PartialSuccess(json: response, rejectedKey: signal.rejectedJSONKey) : PartialSuccess(protobuf: response)
        let rejected = min(count, max(0, Int(clamping: partial.rejected)))
        state.withLock { state in
            state.statistics.exported += count - rejected
            state.statistics.failed += rejected
            state.statistics.rejected += rejected
        }
        if rejected > 0 || !partial.message.isEmpty {
            logger.warning(
                "The OTLP endpoint accepted the batch in part",
                metadata: [
                    "rejected_\(signal.itemsKey)": "\(rejected)", "message": "\(redactor.redact(partial.message))",
                    "endpoint": "\(endpointDescription)",
                ]
            )
        }
    }

    private func recordFailure(count: Int, reason: String, attempts: Int) -> OTLPExportError {
        state.withLock { state in
            state.statistics.failed += count
            state.statistics.failedExports += 1
        }
        return OTLPExportError(reason: "\(redactor.redact(reason)) (\(endpointDescription))", attempts: attempts)
    }

    /// Counts a batch the encoder could not encode. The first is logged, without the batch's data; the statistic
    /// counts the rest, since each would log the same line.
    private func recordEncodingError(count: Int) -> OTLPExportError {
        let isFirst = state.withLock { state -> Bool in
            state.statistics.failed += count
            state.statistics.failedExports += 1
            state.statistics.encodingErrors += 1
            return state.statistics.encodingErrors == 1
        }
        if isFirst {
            logger.error(
                "The OTLP encoder produced an inconsistent request, which is not sent; please report this bug",
                metadata: ["\(signal.itemsKey)": "\(count)", "endpoint": "\(endpointDescription)"]
            )
        }
        return OTLPExportError(reason: "the batch could not be encoded (\(endpointDescription))", attempts: 0)
    }
}
