import Synchronization
import Telemetry

/// The bound series of ``HTTPServerMetrics``: one per method and scheme for the active requests, and one per distinct
/// outcome (method, scheme, status, route, protocol version, error type) for the rest.
///
/// A server sees few distinct outcomes, so a request finds its series with one lookup instead of building the attribute
/// sets and having every instrument find its series. The outcomes kept are bounded; past the bound, requests record
/// through attribute sets as before.
final class HTTPServerSeriesCache: Sendable {
    struct ActiveKey: Hashable, Sendable {
        var method: String
        var scheme: String
    }

    struct ResponseKey: Hashable, Sendable {
        var method: String
        var scheme: String
        var statusCode: Int
        var route: String?
        var protocolVersion: String?
        var errorType: String?
    }

    struct ResponseSeries: Sendable {
        var duration: BoundHistogram<Double>
        var requestBodySize: BoundHistogram<Int64>
        var responseBodySize: BoundHistogram<Int64>
        var dashboardRequests: BoundCounter<Int64>?
        var dashboardDuration: BoundHistogram<Double>?
        var oldDuration: BoundHistogram<Double>?
        var oldRequestSize: BoundHistogram<Int64>?
        var oldResponseSize: BoundHistogram<Int64>?

        func record(seconds: Double, requestBodySize requestSize: Int?, responseBodySize written: Int?) {
            duration.record(seconds)
            if let requestSize { requestBodySize.record(Int64(requestSize)) }
            if let written { responseBodySize.record(Int64(written)) }
            dashboardRequests?.add(1)
            dashboardDuration?.record(seconds * 1000)
            oldDuration?.record(seconds * 1000)
            if let requestSize { oldRequestSize?.record(Int64(requestSize)) }
            if let written { oldResponseSize?.record(Int64(written)) }
        }
    }

    /// Outcomes kept, a little over the SDK's default cardinality limit of one stream.
    static let responseLimit = 2048
    /// Methods and schemes kept: the known methods (and `_OTHER`) over two schemes, with room for more.
    static let activeLimit = 64

    private let active = Mutex<[ActiveKey: BoundUpDownCounter<Int64>]>([:])
    private let responses = Mutex<[ResponseKey: ResponseSeries]>([:])

    /// The active-requests series of `key`, bound by `make` the first time. Past the limit, bound afresh each time.
    func activeSeries(
        _ key: ActiveKey, make: (ActiveKey) -> BoundUpDownCounter<Int64>
    ) -> BoundUpDownCounter<Int64> {
        if let series = active.withLock({ $0[key] }) { return series }
        // Bound outside the lock: binding takes the instrument's own locks.
        let series = make(key)
        return active.withLock { kept in
            if let existing = kept[key] { return existing }
            if kept.count < Self.activeLimit { kept[key] = series }
            return series
        }
    }

    /// The series of outcome `key`, bound by `make` the first time, or `nil` once the cache is full.
    func responseSeries(_ key: ResponseKey, make: (ResponseKey) -> ResponseSeries) -> ResponseSeries? {
        let found: ResponseSeries?? = responses.withLock { kept in
            if let series = kept[key] { return .some(series) }
            return kept.count < Self.responseLimit ? .some(nil) : nil
        }
        guard let found else { return nil }
        if let found { return found }
        let series = make(key)
        return responses.withLock { kept in
            if let existing = kept[key] { return existing }
            guard kept.count < Self.responseLimit else { return nil }
            kept[key] = series
            return series
        }
    }
}
