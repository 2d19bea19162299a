import Telemetry

/// The first of protobuf encoding's two passes: it measures the request without writing it.
///
/// Protobuf writes a nested message's length before the message. Measuring first lets ``ProtobufWriter`` write
/// every length in place, into one allocation of the exact size, without moving bytes. The lengths are recorded in
/// the order the messages start, which is the order the writer, running the same encoding code, asks for them.
struct ProtobufSizer: ProtobufPass {
    /// The request's size in bytes so far.
    private(set) var count = 0
    /// Each nested message's length, in the order they start.
    private(set) var lengths: [Int] = []
    /// Each `stringConvertible` description, in order. A description may change from one call to the next, so it
    /// is computed once, here, and the writer writes this very string.
    private(set) var descriptions: [String] = []

    init(expectedMessages: Int) {
        lengths.reserveCapacity(expectedMessages)
    }

    /// A sizer that records lengths into `lengths`, an empty array whose capacity it reuses.
    init(reusing lengths: [Int], expectedMessages: Int) {
        self.lengths = lengths
        self.lengths.reserveCapacity(expectedMessages)
    }

    /// The lengths and descriptions, moved out.
    mutating func takeMeasurements() -> (lengths: [Int], descriptions: [String]) {
        defer {
            lengths = []
            descriptions = []
        }
        return (lengths, descriptions)
    }

    @inline(__always)
    static func varintSize(_ value: UInt64) -> Int {
        // 1 byte per started group of 7 bits, and 1 byte for zero.
        (64 - (value | 1).leadingZeroBitCount + 6) / 7
    }

    /// A `sint32`'s zigzag encoding: 0, -1, 1, -2… become 0, 1, 2, 3…
    @inline(__always)
    static func zigzag(_ value: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: (value << 1) ^ (value >> 31)))
    }

    /// The length of a packed run of `uint64` varints.
    @inline(__always)
    static func packedVarintsSize(_ values: [UInt64]) -> Int {
        values.reduce(0) { $0 &+ varintSize($1) }
    }

    @inline(__always)
    private static func tagSize(_ field: ProtoField) -> Int {
        field.number < 16 ? 1 : varintSize(UInt64(field.number << 3))
    }

    @inline(__always)
    private mutating func addLengthDelimited(_ field: ProtoField, _ length: Int) {
        count &+= Self.tagSize(field) &+ Self.varintSize(UInt64(length)) &+ length
    }

    mutating func writeString(_ field: ProtoField, _ value: String) {
        addLengthDelimited(field, value.utf8.count)
    }

    mutating func writeDescription(_ field: ProtoField, _ value: any CustomStringConvertible & Sendable) {
        let description = value.description
        descriptions.append(description)
        addLengthDelimited(field, description.utf8.count)
    }

    mutating func writeBool(_ field: ProtoField, _ value: Bool) {
        count &+= Self.tagSize(field) &+ 1
    }

    mutating func writeInt64(_ field: ProtoField, _ value: Int64) {
        count &+= Self.tagSize(field) &+ Self.varintSize(UInt64(bitPattern: value))
    }

    mutating func writeUInt32(_ field: ProtoField, _ value: UInt32) {
        count &+= Self.tagSize(field) &+ Self.varintSize(UInt64(value))
    }

    mutating func writeEnum(_ field: ProtoField, _ value: Int) {
        count &+= Self.tagSize(field) &+ Self.varintSize(UInt64(bitPattern: Int64(value)))
    }

    mutating func writeFixed64(_ field: ProtoField, _ value: UInt64) {
        count &+= Self.tagSize(field) &+ 8
    }

    mutating func writeFixed32(_ field: ProtoField, _ value: UInt32) {
        count &+= Self.tagSize(field) &+ 4
    }

    mutating func writeDouble(_ field: ProtoField, _ value: Double) {
        count &+= Self.tagSize(field) &+ 8
    }

    mutating func writeSFixed64(_ field: ProtoField, _ value: Int64) {
        count &+= Self.tagSize(field) &+ 8
    }

    mutating func writeSInt32(_ field: ProtoField, _ value: Int32) {
        count &+= Self.tagSize(field) &+ Self.varintSize(Self.zigzag(value))
    }

    mutating func writePackedFixed64(_ field: ProtoField, _ values: [UInt64]) {
        addLengthDelimited(field, values.count &* 8)
    }

    mutating func writePackedUInt64(_ field: ProtoField, _ values: [UInt64]) {
        addLengthDelimited(field, Self.packedVarintsSize(values))
    }

    mutating func writePackedDouble(_ field: ProtoField, _ values: [Double]) {
        addLengthDelimited(field, values.count &* 8)
    }

    mutating func writeTraceID(_ field: ProtoField, _ value: TraceID) {
        addLengthDelimited(field, 16)
    }

    mutating func writeSpanID(_ field: ProtoField, _ value: SpanID) {
        addLengthDelimited(field, 8)
    }

    mutating func writeBytes(_ field: ProtoField, _ value: [UInt8]) {
        addLengthDelimited(field, value.count)
    }

    mutating func writeMessage(_ field: ProtoField, _ body: (inout Self) -> Void) {
        count &+= Self.tagSize(field)
        let slot = lengths.count
        lengths.append(0)
        let start = count
        body(&self)
        let length = count &- start
        lengths[slot] = length
        count &+= Self.varintSize(UInt64(length))
    }
}
