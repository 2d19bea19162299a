import Telemetry

/// The second of protobuf encoding's two passes: it writes protobuf's binary wire format into a buffer of the size
/// ``ProtobufSizer`` measured, taking each nested message's length, and each description, from it.
///
/// Every write is bounds-checked and every message's length is checked against what its body wrote, so a
/// disagreement between the passes (a bug) never writes outside the buffer and never goes unnoticed: it clears
/// ``isComplete``, and the encoder then returns no request rather than a corrupt one.
struct ProtobufWriter: ProtobufPass {
    private let base: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private let lengths: [Int]
    private let descriptions: [String]
    private var nextLength = 0
    private var nextDescription = 0
    private var isConsistent = true
    /// The number of bytes written.
    private(set) var count = 0

    /// A writer into `capacity` bytes at `base`, with the lengths and descriptions ``ProtobufSizer`` recorded for
    /// the same request.
    init(base: UnsafeMutablePointer<UInt8>, capacity: Int, lengths: [Int], descriptions: [String]) {
        self.base = base
        self.capacity = capacity
        self.lengths = lengths
        self.descriptions = descriptions
    }

    /// Whether the request written agrees with the measurement in every length and fills the buffer exactly.
    var isComplete: Bool {
        isConsistent && count == capacity && nextLength == lengths.count && nextDescription == descriptions.count
    }

    /// The place for the next `size` bytes, or `nil` when they do not fit.
    @inline(__always)
    private mutating func claim(_ size: Int) -> UnsafeMutablePointer<UInt8>? {
        guard size <= capacity &- count else {
            isConsistent = false
            return nil
        }
        defer { count &+= size }
        return base + count
    }

    @inline(__always)
    private mutating func takeLength() -> Int {
        guard nextLength < lengths.count else {
            isConsistent = false
            return 0
        }
        defer { nextLength &+= 1 }
        return lengths[nextLength]
    }

    @inline(__always)
    private mutating func appendVarint(_ value: UInt64) {
        guard let target = claim(ProtobufSizer.varintSize(value)) else { return }
        var value = value
        var index = 0
        while value >= 0x80 {
            target[index] = UInt8(truncatingIfNeeded: value) | 0x80
            value >>= 7
            index &+= 1
        }
        target[index] = UInt8(truncatingIfNeeded: value)
    }

    @inline(__always)
    private mutating func appendTag(_ field: ProtoField) {
        appendVarint(UInt64(field.number << 3 | UInt32(field.wireType.rawValue)))
    }

    @inline(__always)
    private mutating func appendByte(_ byte: UInt8) {
        claim(1)?.pointee = byte
    }

    @inline(__always)
    private mutating func appendLittleEndian64(_ value: UInt64) {
        guard let target = claim(8) else { return }
        UnsafeMutableRawPointer(target).storeBytes(of: value.littleEndian, as: UInt64.self)
    }

    @inline(__always)
    private mutating func appendBigEndian64(_ value: UInt64) {
        guard let target = claim(8) else { return }
        UnsafeMutableRawPointer(target).storeBytes(of: value.bigEndian, as: UInt64.self)
    }

    @inline(__always)
    private mutating func appendBytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, let target = claim(bytes.count) else { return }
        target.update(from: source, count: bytes.count)
    }

    mutating func writeString(_ field: ProtoField, _ value: String) {
        appendTag(field)
        var value = value
        value.withUTF8 { utf8 in
            appendVarint(UInt64(utf8.count))
            appendBytes(utf8)
        }
    }

    mutating func writeDescription(_ field: ProtoField, _ value: any CustomStringConvertible & Sendable) {
        // The sizer's string, not a new `description`: a description may change between calls, and the enclosing
        // messages were measured with the first one.
        guard nextDescription < descriptions.count else {
            isConsistent = false
            return
        }
        defer { nextDescription &+= 1 }
        writeString(field, descriptions[nextDescription])
    }

    mutating func writeBool(_ field: ProtoField, _ value: Bool) {
        appendTag(field)
        appendByte(value ? 1 : 0)
    }

    mutating func writeInt64(_ field: ProtoField, _ value: Int64) {
        appendTag(field)
        appendVarint(UInt64(bitPattern: value))
    }

    mutating func writeUInt32(_ field: ProtoField, _ value: UInt32) {
        appendTag(field)
        appendVarint(UInt64(value))
    }

    mutating func writeEnum(_ field: ProtoField, _ value: Int) {
        appendTag(field)
        appendVarint(UInt64(bitPattern: Int64(value)))
    }

    mutating func writeFixed64(_ field: ProtoField, _ value: UInt64) {
        appendTag(field)
        appendLittleEndian64(value)
    }

    mutating func writeFixed32(_ field: ProtoField, _ value: UInt32) {
        appendTag(field)
        guard let target = claim(4) else { return }
        UnsafeMutableRawPointer(target).storeBytes(of: value.littleEndian, as: UInt32.self)
    }

    mutating func writeDouble(_ field: ProtoField, _ value: Double) {
        appendTag(field)
        appendLittleEndian64(value.bitPattern)
    }

    mutating func writeSFixed64(_ field: ProtoField, _ value: Int64) {
        appendTag(field)
        appendLittleEndian64(UInt64(bitPattern: value))
    }

    mutating func writeSInt32(_ field: ProtoField, _ value: Int32) {
        appendTag(field)
        appendVarint(ProtobufSizer.zigzag(value))
    }

    // A packed run's length is computed from the values, as the sizer computes it, rather than taken from the
    // measured lengths: it is not a nested message, and the enclosing message's length still checks it.
    mutating func writePackedFixed64(_ field: ProtoField, _ values: [UInt64]) {
        appendTag(field)
        appendVarint(UInt64(values.count &* 8))
        for value in values { appendLittleEndian64(value) }
    }

    mutating func writePackedUInt64(_ field: ProtoField, _ values: [UInt64]) {
        appendTag(field)
        appendVarint(UInt64(ProtobufSizer.packedVarintsSize(values)))
        for value in values { appendVarint(value) }
    }

    mutating func writePackedDouble(_ field: ProtoField, _ values: [Double]) {
        appendTag(field)
        appendVarint(UInt64(values.count &* 8))
        for value in values { appendLittleEndian64(value.bitPattern) }
    }

    mutating func writeTraceID(_ field: ProtoField, _ value: TraceID) {
        appendTag(field)
        appendByte(16)
        appendBigEndian64(value.high)
        appendBigEndian64(value.low)
    }

    mutating func writeSpanID(_ field: ProtoField, _ value: SpanID) {
        appendTag(field)
        appendByte(8)
        appendBigEndian64(value.value)
    }

    mutating func writeBytes(_ field: ProtoField, _ value: [UInt8]) {
        appendTag(field)
        appendVarint(UInt64(value.count))
        value.withUnsafeBufferPointer { appendBytes($0) }
    }

    mutating func writeMessage(_ field: ProtoField, _ body: (inout Self) -> Void) {
        appendTag(field)
        let length = takeLength()
        appendVarint(UInt64(length))
        let start = count
        body(&self)
        if count &- start != length { isConsistent = false }
    }
}
