import Synchronization

/// What a receiver has done since it was created: for the viewer's own status page and for tests.
public struct OTLPReceiverStatistics: Sendable, Hashable {
    /// Export requests whose batch the sink took (including those with partial rejections).
    public var acceptedRequests: Int
    /// Spans, data points and log records the decoder rejected from accepted requests (OTLP's partial success).
    public var rejectedItems: Int
    /// Requests refused as undecodable, malformed, wrongly typed or encoded, or too large.
    public var invalidRequests: Int
    /// Requests refused with a retryable answer because the sink was overloaded or closing.
    public var refusedBySink: Int
    /// Requests refused with a retryable answer because too many exports were already in flight.
    public var refusedBusy: Int
    /// Requests abandoned because their body (or gRPC message) did not arrive within the read timeout.
    public var timedOutRequests: Int

    /// All counts zero.
    public init(
        acceptedRequests: Int = 0,
        rejectedItems: Int = 0,
        invalidRequests: Int = 0,
        refusedBySink: Int = 0,
        refusedBusy: Int = 0,
        timedOutRequests: Int = 0
    ) {
        self.acceptedRequests = acceptedRequests
        self.rejectedItems = rejectedItems
        self.invalidRequests = invalidRequests
        self.refusedBySink = refusedBySink
        self.refusedBusy = refusedBusy
        self.timedOutRequests = timedOutRequests
    }
}

/// The live counters behind ``OTLPReceiverStatistics``.
final class ReceiverCounters: Sendable {
    private let accepted = Atomic<Int>(0)
    private let rejectedItems = Atomic<Int>(0)
    private let invalid = Atomic<Int>(0)
    private let refusedBySink = Atomic<Int>(0)
    private let refusedBusy = Atomic<Int>(0)
    private let timedOut = Atomic<Int>(0)

    func countAccepted(rejectedItems rejected: Int64) {
        accepted.wrappingAdd(1, ordering: .relaxed)
        if rejected > 0 { rejectedItems.wrappingAdd(Int(clamping: rejected), ordering: .relaxed) }
    }

    func countInvalid() { invalid.wrappingAdd(1, ordering: .relaxed) }
    func countRefusedBySink() { refusedBySink.wrappingAdd(1, ordering: .relaxed) }
    func countRefusedBusy() { refusedBusy.wrappingAdd(1, ordering: .relaxed) }
    func countTimedOut() { timedOut.wrappingAdd(1, ordering: .relaxed) }

    var snapshot: OTLPReceiverStatistics {
        OTLPReceiverStatistics(
            acceptedRequests: accepted.load(ordering: .relaxed),
            rejectedItems: rejectedItems.load(ordering: .relaxed),
            invalidRequests: invalid.load(ordering: .relaxed),
            refusedBySink: refusedBySink.load(ordering: .relaxed),
            refusedBusy: refusedBusy.load(ordering: .relaxed),
            timedOutRequests: timedOut.load(ordering: .relaxed)
        )
    }
}

/// Bounds how many exports a receiver works on at once, so that bodies held in memory stay bounded whatever the
/// number of connections; the excess is refused at once (and counted) rather than queued.
final class ExportAdmission: Sendable {
    private let inFlight = Atomic<Int>(0)
    private let limit: Int

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Takes a slot, or returns `false` when all are taken.
    func enter() -> Bool {
        let now = inFlight.wrappingAdd(1, ordering: .acquiring).newValue
        guard now <= limit else {
            inFlight.wrappingSubtract(1, ordering: .releasing)
            return false
        }
        return true
    }

    /// Gives back a slot taken by ``enter()``.
    func leave() {
        inFlight.wrappingSubtract(1, ordering: .releasing)
    }
}
