import Synchronization
import Tracing

/// The series of one interceptor's call-duration histogram, bound once per distinct method, server and status, so that
/// a call records its duration with one lookup instead of building an attribute set and having the histogram find
/// its series.
///
/// The series kept are bounded; past the bound, calls record through attribute sets, as any caller would. A series
/// kept stays bound for the interceptor's life, so with delta temporality it is exported, empty, after its calls
/// stop, as the HTTP instrumentations' bound series are.
final class CallDurationSeries: Sendable {
    /// What a call's duration attributes are made of.
    struct Key: Hashable, Sendable {
        var service: String
        var method: String
        /// `server.address` and `server.port`, which only clients record.
        var serverAddress: String?
        var serverPort: Int?
        var statusCode: Int = 0
    }

    /// Series kept: a server's methods times the statuses they end with, with room to spare.
    static let limit = 1024

    private let histogram: Histogram<Double>
    private let kind: SpanKind
    private let series = Mutex<[Key: BoundHistogram<Double>]>([:])

    init(histogram: Histogram<Double>, kind: SpanKind) {
        self.histogram = histogram
        self.kind = kind
    }

    /// The conventions' `rpc.server.call.duration` or `rpc.client.call.duration` on `meter`, as `kind` says.
    convenience init(meter: Meter, kind: SpanKind) {
        let histogram =
            kind == .server
            ? meter.makeHistogram(
                Double.self, name: "rpc.server.call.duration", unit: "s",
                description: "Duration of incoming RPCs, from their start until their last response is written.",
                explicitBucketBoundaries: GRPCSemantics.durationBucketBoundaries)
            : meter.makeHistogram(
                Double.self, name: "rpc.client.call.duration", unit: "s",
                description: "Duration of outgoing RPCs, from their start until their status is received.",
                explicitBucketBoundaries: GRPCSemantics.durationBucketBoundaries)
        self.init(histogram: histogram, kind: kind)
    }

    /// Records `seconds` for a call that ended with `key`'s status.
    func record(_ seconds: Double, _ key: Key) {
        let found: BoundHistogram<Double>?? = series.withLock { series in
            if let bound = series[key] { return .some(bound) }
            return series.count < Self.limit ? .some(nil) : nil
        }
        guard let found else {
            // The cache is full: recorded as any caller would, binding nothing.
            histogram.record(seconds, attributes: attributes(key))
            return
        }
        if let found {
            found.record(seconds)
            return
        }
        // Bound outside the lock: binding takes the instrument's own locks.
        let bound = histogram.bind(attributes(key))
        let kept: BoundHistogram<Double>? = series.withLock { series in
            if let existing = series[key] { return existing }
            guard series.count < Self.limit else { return nil }
            series[key] = bound
            return bound
        }
        (kept ?? bound).record(seconds)
    }

    /// How many series are kept bound.
    var keptCount: Int { series.withLock { $0.count } }

    /// The conventions' attributes of `rpc.server.call.duration` and `rpc.client.call.duration`.
    private func attributes(_ key: Key) -> AttributeSet {
        var attributes: [(String, AttributeValue)] = [
            ("rpc.system", .string("grpc")),
            ("rpc.service", .string(key.service)),
            ("rpc.method", .string(key.method)),
        ]
        if let address = key.serverAddress { attributes.append(("server.address", .string(address))) }
        if let port = key.serverPort { attributes.append(("server.port", .int(Int64(port)))) }
        attributes.append(("rpc.grpc.status_code", .int(Int64(key.statusCode))))
        if GRPCSemantics.isError(key.statusCode, kind: kind) {
            attributes.append(("error.type", .string(GRPCSemantics.statusName(key.statusCode))))
        }
        return AttributeSet(attributes)
    }
}
