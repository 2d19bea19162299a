import Synchronization
import Tracing

/// The tracer installed in swift-distributed-tracing's `InstrumentationSystem`, as an integration uses it: when it is
/// our ``TracerProvider``, a tracer of the integration's own instrumentation scope, made once and kept, so that each
/// request neither makes one nor goes through the provider's default scope.
package final class InstalledTracer: Sendable {
    /// The installed tracer, resolved.
    package enum Resolved {
        case ours(TelemetryTracer)
        case other(any Tracer)
    }

    private let scopeName: String
    /// The tracer made for our provider once it was seen installed.
    private let cached = Mutex<TelemetryTracer?>(nil)

    package init(scopeName: String) {
        self.scopeName = scopeName
    }

    /// The tracer installed now. Until our provider is seen there it is read each time, since `InstrumentationSystem`
    /// may be bootstrapped after the integration was set up; it is bootstrapped at most once, so after that the
    /// tracer made for it is the answer.
    package func resolve() -> Resolved {
        if let tracer = cached.withLock({ $0 }) { return .ours(tracer) }
        let installed = InstrumentationSystem.tracer
        guard let provider = installed as? TracerProvider else { return .other(installed) }
        let tracer = cached.withLock { cached in
            if let cached { return cached }
            let tracer = provider.tracer(name: scopeName)
            cached = tracer
            return tracer
        }
        return .ours(tracer)
    }

    /// ``resolve()`` as any tracer, for an integration that keeps one.
    package var tracer: any Tracer {
        switch resolve() {
        case .ours(let tracer): tracer
        case .other(let tracer): tracer
        }
    }
}
