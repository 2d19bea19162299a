import AsyncHTTPClient
import Telemetry
import TelemetryHTTP
import Tracing

/// A tracer for AsyncHTTPClient's own client spans that makes them follow the HTTP semantic conventions and records
/// `http.client.request.duration`.
///
/// AsyncHTTPClient already starts a client span per request through the tracer in
/// `HTTPClient.Configuration.tracing`, makes it the active span while the request runs, and injects the context
/// into the request's headers. This tracer wraps the tracer that would otherwise be used, so all of that stays as
/// it is, and corrects what AsyncHTTPClient records as each attribute is set:
/// - `http.status_code` becomes `http.response.status_code`, and a 4xx or 5xx adds `error.type`;
/// - a request that fails without a response gets `error.type` (the error's type) and the error status;
/// - an unknown method is recorded as `_OTHER` with `http.request.method_original`, and the span is named `HTTP`;
/// - `url.full` and `url.query` have credentials and the conventions' signature parameters redacted;
/// - `network.protocol.version` is `1.1` when the client cannot be speaking HTTP/2 (a plain `http` URL, or a
///   client configured with `.http1Only`); over TLS with `.automatic` the version is negotiated out of sight of the
///   tracer, so it is left out.
///
/// Install it with `HTTPClient.Configuration.enableTelemetry(tracerProvider:meterProvider:stability:)`.
public struct HTTPClientTracer: Tracer {
    /// The spans this tracer starts.
    public typealias Span = HTTPClientSpan

    /// The instrumentation scope name of this module's tracer and meter.
    public static let scopeName = "TelemetryAsyncHTTPClient"

    private let fixedTracer: (any Tracer)?
    private let installedTracer: InstalledTracer?
    let metrics: HTTPClientMetrics?
    let stability: HTTPSemanticConventionStability
    let http1Only: Bool

    /// Wraps `tracer`.
    ///
    /// - Parameters:
    ///   - tracer: The tracer that starts the spans, for example `InstrumentationSystem.tracer`.
    ///   - meterProvider: Where `http.client.request.duration` is recorded; `nil` records no metric.
    ///   - stability: Which attribute names to emit; by default what `OTEL_SEMCONV_STABILITY_OPT_IN` says (`http/dup`
    ///     adds the old names).
    ///   - httpVersion: The client's `HTTPClient.Configuration.httpVersion`, which tells whether
    ///     `network.protocol.version` is known to be `1.1`.
    public init(
        tracer: any Tracer,
        meterProvider: MeterProvider? = nil,
        stability: HTTPSemanticConventionStability = .processDefault,
        httpVersion: HTTPClient.Configuration.HTTPVersion = .automatic
    ) {
        self.init(fixed: tracer, installed: nil, meterProvider: meterProvider, stability: stability, httpVersion: httpVersion)
    }

    /// Resolves the tracer installed in `InstrumentationSystem` on each request, with this module's scope when it is
    /// our provider, so that a client set up before `TelemetrySystem.bootstrap` is traced too.
    init(
        installedTracerWith meterProvider: MeterProvider?, stability: HTTPSemanticConventionStability,
        httpVersion: HTTPClient.Configuration.HTTPVersion
    ) {
        self.init(
            fixed: nil, installed: InstalledTracer(scopeName: Self.scopeName), meterProvider: meterProvider,
            stability: stability, httpVersion: httpVersion)
    }

    private init(
        fixed: (any Tracer)?, installed: InstalledTracer?, meterProvider: MeterProvider?,
        stability: HTTPSemanticConventionStability, httpVersion: HTTPClient.Configuration.HTTPVersion
    ) {
        self.fixedTracer = fixed
        self.installedTracer = installed
        self.metrics = meterProvider.map {
            HTTPClientMetrics(meter: $0.meter(name: Self.scopeName), stability: stability)
        }
        self.stability = stability
        self.http1Only = httpVersion == .http1Only
    }

    /// Starts spans with a tracer of `tracerProvider` whose scope is ``scopeName``.
    ///
    /// - Parameters:
    ///   - tracerProvider: The provider of the spans.
    ///   - meterProvider: Where `http.client.request.duration` is recorded; `nil` records no metric.
    ///   - stability: Which attribute names to emit; by default what `OTEL_SEMCONV_STABILITY_OPT_IN` says.
    ///   - httpVersion: The client's `HTTPClient.Configuration.httpVersion`.
    public init(
        tracerProvider: TracerProvider,
        meterProvider: MeterProvider? = nil,
        stability: HTTPSemanticConventionStability = .processDefault,
        httpVersion: HTTPClient.Configuration.HTTPVersion = .automatic
    ) {
        self.init(
            tracer: tracerProvider.tracer(name: Self.scopeName), meterProvider: meterProvider, stability: stability,
            httpVersion: httpVersion)
    }

    /// The wrapped tracer.
    var base: any Tracer {
        if let fixedTracer { return fixedTracer }
        return installedTracer?.tracer ?? InstrumentationSystem.tracer
    }

    /// Starts a span through the wrapped tracer, named per the conventions.
    public func startSpan<Instant: TracerInstant>(
        _ operationName: String,
        context: @autoclosure () -> ServiceContext,
        ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant,
        function: String,
        file fileID: String,
        line: UInt
    ) -> HTTPClientSpan {
        // AsyncHTTPClient names its span after the method it sends.
        let span = base.startSpan(
            HTTPClientSemantics.spanName(method: operationName), context: context(), ofKind: kind, at: instant(),
            function: function, file: fileID, line: line)
        return HTTPClientSpan(base: span, metrics: metrics, stability: stability, http1Only: http1Only)
    }

    /// Asks the wrapped tracer to export what has ended; prefer `await TracerProvider.forceFlush()`.
    ///
    /// Deprecated like the requirement it fulfils, which swift-distributed-tracing deprecates.
    @available(*, deprecated, message: "flush the TracerProvider instead")
    public func forceFlush() {
        base.forceFlush()
    }

    /// Injects `context` through the wrapped tracer's propagation.
    public func inject<Carrier, Inject: Injector>(
        _ context: ServiceContext, into carrier: inout Carrier, using injector: Inject
    ) where Inject.Carrier == Carrier {
        base.inject(context, into: &carrier, using: injector)
    }

    /// Extracts into `context` through the wrapped tracer's propagation.
    public func extract<Carrier, Extract: Extractor>(
        _ carrier: Carrier, into context: inout ServiceContext, using extractor: Extract
    ) where Extract.Carrier == Carrier {
        base.extract(carrier, into: &context, using: extractor)
    }
}

extension HTTPClient.Configuration {
    /// Makes this client's spans follow the HTTP semantic conventions, and records `http.client.request.duration`.
    ///
    /// It sets `tracing.tracer` to an ``HTTPClientTracer``. Call it after setting `httpVersion`, which it reads.
    ///
    /// ```swift
    /// var configuration = HTTPClient.Configuration()
    /// configuration.enableTelemetry(tracerProvider: tracerProvider, meterProvider: meterProvider)
    /// let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    /// ```
    ///
    /// - Parameters:
    ///   - tracerProvider: The provider of the spans. With `nil`, the tracer installed in `InstrumentationSystem`
    ///     (which AsyncHTTPClient uses by default, and `TelemetrySystem.bootstrap` installs) is used, with this
    ///     module's instrumentation scope when it is our provider.
    ///   - meterProvider: Where `http.client.request.duration` is recorded; `nil` records no metric.
    ///   - stability: Which attribute names to emit; by default what `OTEL_SEMCONV_STABILITY_OPT_IN` says.
    public mutating func enableTelemetry(
        tracerProvider: TracerProvider? = nil,
        meterProvider: MeterProvider? = nil,
        stability: HTTPSemanticConventionStability = .processDefault
    ) {
        if let tracerProvider {
            tracing.tracer = HTTPClientTracer(
                tracerProvider: tracerProvider, meterProvider: meterProvider, stability: stability,
                httpVersion: httpVersion)
        } else {
            // The tracer AsyncHTTPClient itself would use.
            tracing.tracer = HTTPClientTracer(
                installedTracerWith: meterProvider, stability: stability, httpVersion: httpVersion)
        }
    }
}
