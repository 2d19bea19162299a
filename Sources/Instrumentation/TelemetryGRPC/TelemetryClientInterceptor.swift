import GRPCCore
import Tracing

/// Traces and measures every call a grpc-swift-2 client makes, per the RPC semantic conventions for gRPC.
///
/// ```swift
/// let client = GRPCClient(transport: transport, interceptors: [TelemetryClientInterceptor(meterProvider: meters)])
/// ```
///
/// For each call it records:
/// - a client span named `{rpc.service}/{rpc.method}`, child of the task's current span, with `rpc.system`
///   (`grpc`), `rpc.service`, `rpc.method`, `rpc.grpc.status_code`, `rpc.response.status_code`, `server.address`,
///   `server.port` and, where the transport names the peer, `network.peer.address`, `network.peer.port`,
///   `network.type` and `network.transport`; any status but OK sets the span's status to error;
/// - an `rpc.message` event for each message sent and received, with `rpc.message.type` (`SENT` or `RECEIVED`) and
///   `rpc.message.id`;
/// - `rpc.client.call.duration`, a histogram in seconds, with `rpc.system`, `rpc.service`, `rpc.method`,
///   `rpc.grpc.status_code`, `server.address`, `server.port` and, for a failed call, `error.type`.
///
/// The span's context is injected into the request metadata, so the server continues the trace. A streaming call's
/// span ends when its last response message and status have been read, not when the call starts returning
/// responses.
public struct TelemetryClientInterceptor: ClientInterceptor {
    private let tracer: (any Tracer)?
    private let installedTracer = InstalledTracer(scopeName: "TelemetryGRPC")
    private let propagator: (any TextMapPropagator)?
    private let duration: CallDurationSeries?
    private let serverAddress: String?
    private let serverPort: Int?
    private let messageEvents: Bool

    /// The instrumentation scope of the spans and metrics.
    public static var scopeName: String { "TelemetryGRPC" }

    /// Creates the interceptor with this SDK's providers.
    ///
    /// - Parameters:
    ///   - tracerProvider: Where the spans go. With `nil` (the default), the tracer installed in
    ///     swift-distributed-tracing's `InstrumentationSystem` (which `TelemetrySystem.bootstrap` installs) is used.
    ///   - meterProvider: Where `rpc.client.call.duration` goes; with `nil`, no metrics are recorded.
    ///   - propagator: How the span's context is written into the request metadata. With `nil` (the default), the
    ///     tracer's own propagation is used: the provider's propagator, or the installed tracer's.
    ///   - serverAddress: `server.address`, the name the client dialled, such as `orders.internal`. The transport
    ///     tells interceptors only the peer's IP address, which is used when this is `nil`.
    ///   - serverPort: `server.port`; with `nil`, the peer's port, where the transport names it.
    ///   - messageEvents: Whether to add an `rpc.message` event per message; on by default. Turn it off for
    ///     long streams whose per-message events would exceed the span's event limit anyway.
    public init(
        tracerProvider: TracerProvider? = nil,
        meterProvider: MeterProvider? = nil,
        propagator: (any TextMapPropagator)? = nil,
        serverAddress: String? = nil,
        serverPort: Int? = nil,
        messageEvents: Bool = true
    ) {
        self.init(
            anyTracer: tracerProvider?.tracer(name: Self.scopeName), meterProvider: meterProvider,
            propagator: propagator, serverAddress: serverAddress, serverPort: serverPort, messageEvents: messageEvents)
    }

    /// Creates the interceptor with any swift-distributed-tracing tracer.
    ///
    /// - Parameters:
    ///   - tracer: Where the spans go.
    ///   - meterProvider: Where `rpc.client.call.duration` goes; with `nil`, no metrics are recorded.
    ///   - propagator: How the span's context is written into the request metadata; with `nil`, `tracer`'s.
    ///   - serverAddress: `server.address`; with `nil`, the peer's IP address.
    ///   - serverPort: `server.port`; with `nil`, the peer's port.
    ///   - messageEvents: Whether to add an `rpc.message` event per message.
    public init(
        tracer: some Tracer,
        meterProvider: MeterProvider? = nil,
        propagator: (any TextMapPropagator)? = nil,
        serverAddress: String? = nil,
        serverPort: Int? = nil,
        messageEvents: Bool = true
    ) {
        self.init(
            anyTracer: tracer, meterProvider: meterProvider, propagator: propagator, serverAddress: serverAddress,
            serverPort: serverPort, messageEvents: messageEvents)
    }

    private init(
        anyTracer: (any Tracer)?, meterProvider: MeterProvider?, propagator: (any TextMapPropagator)?,
        serverAddress: String?, serverPort: Int?, messageEvents: Bool
    ) {
        self.tracer = anyTracer
        self.propagator = propagator
        self.duration = meterProvider.map { CallDurationSeries(meter: $0.meter(name: Self.scopeName), kind: .client) }
        self.serverAddress = serverAddress
        self.serverPort = serverPort
        self.messageEvents = messageEvents
    }

    /// Traces and measures the call `request` starts, around `next`.
    public func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingClientRequest<Input>,
        context: ClientContext,
        next: (StreamingClientRequest<Input>, ClientContext) async throws -> StreamingClientResponse<Output>
    ) async throws -> StreamingClientResponse<Output> {
        let start = ContinuousClock.now
        let tracer = self.tracer ?? installedTracer.tracer
        let method = context.descriptor
        let span = tracer.startSpan(
            GRPCSemantics.spanName(method), context: ServiceContext.current ?? .topLevel, ofKind: .client)

        // Where the transport names an address, it is the peer's; a name given at set-up is the logical server.
        let peer = GRPCSemantics.peer(context.remotePeer)
        let address = serverAddress ?? peer?.address
        let port = serverPort ?? (serverAddress == nil ? peer?.port : nil)
        span.updateAttributes { attributes in
            for (key, value) in GRPCSemantics.methodAttributes(method) { attributes[key] = value }
            if let address { attributes["server.address"] = address }
            if let port { attributes["server.port"] = port }
            if let peer {
                for (key, value) in GRPCSemantics.peerAttributes(peer) { attributes[key] = value }
            }
        }
        let observation = CallObservation(
            span: span, kind: .client, duration: duration,
            durationKey: CallDurationSeries.Key(
                service: method.service.fullyQualifiedService, method: method.method, serverAddress: address,
                serverPort: port),
            messageEvents: messageEvents, start: start)

        var request = request
        if let propagator {
            propagator.inject(span.context, into: &request.metadata, using: GRPCMetadataInjector())
        } else {
            tracer.inject(span.context, into: &request.metadata, using: GRPCMetadataInjector())
        }
        let producer = request.producer
        request.producer = { writer in
            try await producer(RPCWriter(wrapping: ObservedWriter(base: writer, observation: observation)))
        }

        do {
            var response = try await ServiceContext.withValue(span.context) {
                try await next(request, context)
            }
            switch response.accepted {
            case .success(var contents):
                // The call goes on after this returns: the caller reads the responses, then the status.
                contents.bodyParts = RPCAsyncSequence(
                    wrapping: ObservedSequence(
                        base: contents.bodyParts, observation: observation,
                        isMessage: { if case .message = $0 { true } else { false } },
                        isSuccessfulEnd: { if case .trailingMetadata = $0 { true } else { false } },
                        endsCall: true))
                response.accepted = .success(contents)
            case .failure(let error):
                observation.finish(error: error)
            }
            return response
        } catch {
            observation.finish(error: error)
            throw error
        }
    }
}
