import Foundation
import Logging
import Synchronization
import Telemetry

/// Sends spans to an OpenTelemetry Collector, or any OTLP backend, over gRPC or HTTP.
///
/// It encodes each batch once, straight from span data into protobuf or JSON bytes, and retries the failures the
/// specification calls retryable (gRPC UNAVAILABLE and friends, HTTP 429/502/503/504, connection errors) with
/// exponential backoff and jitter, honouring `Retry-After` and gRPC `RetryInfo`, until the batch's
/// ``OTLPExporterConfiguration/timeout`` runs out. Put it behind a ``BatchSpanProcessor``; ``TelemetrySystem`` does
/// so when `OTEL_TRACES_EXPORTER` is `otlp`.
public final class OTLPSpanExporter: SpanExporter {
    static let traceService = "opentelemetry.proto.collector.trace.v1.TraceService"

    let configuration: OTLPResolvedConfiguration
    private let transport: any OTLPTransport
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var statistics = OTLPExporterStatistics()
        var isShutdown = false
    }

    /// Creates an exporter from `configuration`, completed by the `OTEL_EXPORTER_OTLP_*` variables.
    ///
    /// - Throws: ``TelemetryConfigurationError`` naming the variable for an invalid value, such as an unknown
    ///   protocol or a malformed URL.
    public convenience init(
        configuration: OTLPExporterConfiguration = OTLPExporterConfiguration(),
        environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger = TelemetryDiagnostics.logger
    ) throws {
        let resolved = try OTLPResolvedConfiguration(configuration, environment: Environment(environment))
        let transport: any OTLPTransport
        switch resolved.protocol {
        case .grpc: transport = try OTLPGRPCTransport(configuration: resolved, service: Self.traceService)
        case .httpProtobuf, .httpJSON: transport = try OTLPHTTPTransport(configuration: resolved)
        }
        self.init(configuration: resolved, transport: transport, logger: logger)
    }

    init(configuration: OTLPResolvedConfiguration, transport: any OTLPTransport, logger: Logger) {
        self.configuration = configuration
        self.transport = transport
        self.logger = logger
    }

    /// What happened to the spans so far.
    public var statistics: OTLPExporterStatistics { state.withLock { $0.statistics } }

    /// Where the exporter sends, for diagnostics: the URL, without headers.
    public var endpointDescription: String { "\(configuration.protocol.rawValue) \(configuration.endpoint.url)" }

    public func run() async throws {
        try await transport.run()
    }

    public func export(_ batch: [SpanData]) async throws {
        guard !batch.isEmpty else { return }
        guard !state.withLock({ $0.isShutdown }) else {
            throw OTLPExportError(reason: "the exporter is shut down", attempts: 0)
        }
        let body = encode(batch)
        let clock = ContinuousClock()
        let deadline = clock.now + configuration.timeout
        var backoff = configuration.retry.initialBackoff
        var attempts = 0
        while true {
            attempts += 1
            let remaining = deadline - clock.now
            let result: OTLPSendResult =
                remaining > .zero
                ? await transport.send(body, timeout: remaining)
                : .rejected(reason: "the export timeout (\(configuration.timeout)) ran out")
            switch result {
            case .accepted(let response):
                recordSuccess(count: batch.count, response: response)
                return
            case .rejected(let reason):
                throw recordFailure(count: batch.count, reason: reason, attempts: attempts)
            case .retryable(let reason, let retryAfter):
                let wait = retryAfter ?? jittered(backoff)
                guard clock.now + wait < deadline, !Task.isCancelled else {
                    throw recordFailure(count: batch.count, reason: reason, attempts: attempts)
                }
                state.withLock { $0.statistics.retries += 1 }
                logger.debug("Retrying OTLP export", metadata: ["reason": "\(reason)", "wait": "\(wait)"])
                do {
                    try await Task.sleep(for: wait)
                } catch {
                    throw recordFailure(count: batch.count, reason: "cancelled while waiting to retry", attempts: attempts)
                }
                backoff = min(configuration.retry.maxBackoff, backoff * configuration.retry.multiplier)
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

    private func encode(_ batch: [SpanData]) -> [UInt8] {
        switch configuration.protocol {
        case .grpc, .httpProtobuf:
            return TraceRequestEncoder.protobuf(batch)
        case .httpJSON:
            return TraceRequestEncoder.json(batch)
        }
    }

    private func jittered(_ backoff: Duration) -> Duration {
        backoff * Double.random(in: 0.5...1.0)
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
                metadata: ["rejected_spans": "\(rejected)", "message": "\(partial.message)", "endpoint": "\(endpointDescription)"]
            )
        }
    }

    private func recordFailure(count: Int, reason: String, attempts: Int) -> OTLPExportError {
        state.withLock { state in
            state.statistics.failedSpans += count
            state.statistics.failedExports += 1
        }
        return OTLPExportError(reason: "\(reason) (\(endpointDescription))", attempts: attempts)
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
