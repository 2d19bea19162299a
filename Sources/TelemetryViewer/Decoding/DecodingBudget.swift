/// How many items one request may decode into, shared by every reader of that request.
///
/// A body's size alone does not bound what it decodes to: two bytes of protobuf make an empty log record of 200
/// bytes, and one byte of a packed varint an eight-byte bucket count. Every nested message, JSON array element and
/// repeated number therefore costs one item, and the records the model keeps large cost one item per 32 bytes of
/// their inline size, so that one item stands for at most about 32 bytes of decoded model (besides the text and
/// bytes copied out of the body, which the body's size bounds). A class, so that readers copied for nested
/// messages spend from the same budget.
final class DecodingBudget {
    // What each record costs in all: its inline size (measured with MemoryLayout) in 32-byte items, rounded up.
    static let spanWeight = 8  // 256 bytes
    static let eventWeight = 2  // 40 bytes
    static let linkWeight = 2  // 56 bytes
    static let logRecordWeight = 7  // 200 bytes
    static let metricWeight = 6  // 168 bytes
    static let numberPointWeight = 2  // 56 bytes
    static let histogramPointWeight = 4  // 112 bytes
    static let exponentialHistogramPointWeight = 5  // 144 bytes
    static let summaryPointWeight = 2  // 56 bytes
    static let exemplarWeight = 2  // 56 bytes

    private var remaining: Int
    private let limit: Int

    init(maxItems: Int) {
        limit = max(0, maxItems)
        remaining = limit
    }

    /// Takes `count` items from the budget, throwing once the request holds more than the limit.
    func spend(_ count: Int = 1) throws(OTLPDecodingError) {
        guard count <= remaining else {
            throw OTLPDecodingError("the request holds too many items: more than \(limit) messages, values and points")
        }
        remaining -= count
    }
}
