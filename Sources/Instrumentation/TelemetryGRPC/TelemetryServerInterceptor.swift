import GRPCCore
import Tracing

/// Traces and measures every call a grpc-swift-2 server handles, per the RPC semantic conventions for gRPC.
///
/// ```swift
/// let server = GRPCServer(transport: transport, services: [service],
///                         interceptors: [TelemetryServerInterceptor(meterProvider: meters)])
/// ```
///
/// For each call it records:
/// - a server span named `{rpc.service}/{rpc.method}`, child of the context the propagators extract from the
///   request metadata, with `rpc.system` (`grpc`), `rpc.service`, `rpc.method`, `rpc.grpc.status_code`,
///   `rpc.response.status_code` and, where the transport names them, `server.address` and `server.port` (the local
///   address) and `network.peer.address` and `network.peer.port` (the client's). Only the statuses that say the
///   server failed (UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS) set the span's
///   status to error; a thrown error that is not an `RPCError` is also recorded as an `exception` event;
/// - an `rpc.message` event for each message received and sent, with `rpc.message.type` and `rpc.message.id`;
/// - `rpc.server.call.duration`, a histogram in seconds, with `rpc.system`, `rpc.service`, `rpc.method`,
///   `rpc.grpc.status_code` and, for a failed call, `error.type`.
///
/// The handler runs inside the span, so spans it starts are its children. A streaming call's span ends when the
/// handler has written its last response message, not when it returns the response object.
public struct TelemetryServerInterceptor: ServerInterceptor {
    private let tracer: (any Tracer)?
    private let installedTracer = InstalledTracer(scopeName: "TelemetryGRPC")
    private let propagator: (any TextMapPropagator)?
    private let duration: CallDurationSeries?
    private let messageEvents: Bool

    /// The instrumentation scope of the spans and metrics.
    public static var scopeName: String { "TelemetryGRPC" }

    /// Creates the interceptor with this SDK's providers.
    ///
    /// - Parameters:
    ///   - tracerProvider: Where the spans go. With `nil` (the default), the tracer installed in
    ///     swift-distributed-tracing's `InstrumentationSystem` (which `TelemetrySystem.bootstrap` installs) is used.
    ///   - meterProvider: Where `rpc.server.call.duration` goes; with `nil`, no metrics are recorded.
    ///   - propagator: How the caller's context is read from the request metadata. With `nil` (the default), the
    ///     tracer's own propagation is used: the provider's propagator, or the installed tracer's.
    ///   - messageEvents: Whether to add an `rpc.message` event per message; on by default.
    public init(
        tracerProvider: TracerProvider? = nil,
        meterProvider: MeterProvider? = nil,
        propagator: (any TextMapPropagator)? = nil,
        messageEvents: Bool = true
    ) {
        self.init(
            anyTracer: tracerProvider?.tracer(name: Self.scopeName), meterProvider: meterProvider,
            propagator: propagator, messageEvents: messageEvents)
    }

    /// Creates the interceptor with any swift-distributed-tracing tracer.
    ///
    /// - Parameters:
    ///   - tracer: Where the spans go.
    ///   - meterProvider: Where `rpc.server.call.duration` goes; with `nil`, no metrics are recorded.
    ///   - propagator: How the caller's context is read from the request metadata; with `nil`, `tracer`'s.
    ///   - messageEvents: Whether to add an `rpc.message` event per message.
    public init(
        tracer: some Tracer,
        meterProvider: MeterProvider? = nil,
        propagator: (any TextMapPropagator)? = nil,
        messageEvents: Bool = true
    ) {
        self.init(anyTracer: tracer, meterProvider: meterProvider, propagator: propagator, messageEvents: messageEvents)
    }

    private init(
        anyTracer: (any Tracer)?, meterProvider: MeterProvider?, propagator: (any TextMapPropagator)?,
        messageEvents: Bool
    ) {
        self.tracer = anyTracer
        self.propagator = propagator
        self.duration = meterProvider.map { CallDurationSeries(meter: $0.meter(name: Self.scopeName), kind: .server) }
        self.messageEvents = messageEvents
    }

    /// Calls `body` with each attribute known when the call starts, each key once.
    private static func forEachCallAttribute(
        _ method: MethodDescriptor, _ context: ServerContext, _ body: (String, SpanAttribute) -> Void
    ) {
        for (key, value) in GRPCSemantics.methodAttributes(method) { body(key, .string(value)) }
        if let local = GRPCSemantics.peer(context.localPeer) {
            body("server.address", .string(local.address))
            if let port = local.port { body("server.port", .int64(Int64(port))) }
        }
        if let remote = GRPCSemantics.peer(context.remotePeer) {
            for (key, value) in GRPCSemantics.peerAttributes(remote) { body(key, value) }
        }
    }

    /// Traces and measures the call `request` starts, around `next` and the response it returns.
    public func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        let start = ContinuousClock.now
        let tracer = self.tracer ?? installedTracer.tracer
        let method = context.descriptor

        // Missing or malformed propagation metadata leaves the context as it was: the span starts a new trace.
        var parent = ServiceContext.current ?? .topLevel
        if let propagator {
            propagator.extract(request.metadata, into: &parent, using: GRPCMetadataExtractor())
        } else {
            tracer.extract(request.metadata, into: &parent, using: GRPCMetadataExtractor())
        }
        let span: any Span
        if let ours = tracer as? TelemetryTracer {
            // Our tracer takes the attributes at the start, where the sampler sees them, as the list it keeps.
            var attributes = SpanAttributeStorage(capacity: 12)
            Self.forEachCallAttribute(method, context) { attributes.append(uniqueKey: $0, value: $1) }
            span = ours.startSpan(
                GRPCSemantics.spanName(method), kind: .server, parentContext: parent, attributeStorage: attributes)
        } else {
            span = tracer.startSpan(GRPCSemantics.spanName(method), context: parent, ofKind: .server)
            span.updateAttributes { attributes in
                Self.forEachCallAttribute(method, context) { attributes.set($0, value: $1) }
            }
        }
        let observation = CallObservation(
            span: span, kind: .server, duration: duration,
            durationKey: CallDurationSeries.Key(service: method.service.fullyQualifiedService, method: method.method),
            messageEvents: messageEvents, start: start)

        var request = request
        request.messages = RPCAsyncSequence(
            wrapping: ObservedSequence(
                base: request.messages, observation: observation, isMessage: { _ in true },
                isSuccessfulEnd: { _ in false }, endsCall: false))

        do {
            var response = try await ServiceContext.withValue(span.context) {
                try await next(request, context)
            }
            switch response.accepted {
            case .success(var contents):
                // grpc-swift runs the producer after this returns; that is where the responses are written.
                let producer = contents.producer
                let spanContext = span.context
                contents.producer = { writer in
                    do {
                        let trailers = try await ServiceContext.withValue(spanContext) {
                            try await producer(RPCWriter(wrapping: ObservedWriter(base: writer, observation: observation)))
                        }
                        observation.finish(error: nil)
                        return trailers
                    } catch {
                        observation.finish(error: error)
                        throw error
                    }
                }
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
