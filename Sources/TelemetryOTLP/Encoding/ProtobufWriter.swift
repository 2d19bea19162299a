import Telemetry

/// The second of protobuf encoding's two passes: it writes protobuf's binary wire format into a buffer of the size
/// ``ProtobufSizer`` measured, taking each nested message's length from it.
///
/// Every write is bounds-checked, so a disagreement between the passes can only produce a short request, which the
/// collector rejects and the exporter reports, never a write outside the buffer.
struct ProtobufWriter: ProtobufPass {
    private let base: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private let lengths: [Int]
    private var nextLength = 0
    /// The number of bytes written.
    private(set) var count = 0

    /// A writer into `capacity` bytes at `base`, with the lengths ``ProtobufSizer`` recorded for the same request.
    init(base: UnsafeMutablePointer<UInt8>, capacity: Int, lengths: [Int]) {
        self.base = base
        self.capacity = capacity
        self.lengths = lengths
    }

    /// The place for the next `size` bytes, or `nil` when they do not fit.
    @inline(__always)
    private mutating func claim(_ size: Int) -> UnsafeMutablePointer<UInt8>? {
        guard size <= capacity &- count else { return nil }
        defer { count &+= size }
        return base + count
    }

    @inline(__always)
    private mutating func takeLength() -> Int {
        guard nextLength < lengths.count else { return 0 }
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
        // The length the sizer saw is the one the enclosing messages were measured with, so it is the one written:
        // a description that grew is cut at a character boundary and one that shrank is padded with spaces.
        let length = takeLength()
        var utf8 = Array(value.description.utf8)
        if utf8.count > length {
            var end = length
            while end > 0, utf8[end] & 0xC0 == 0x80 { end -= 1 }
            utf8.removeSubrange(end...)
        }
        if utf8.count < length { utf8.append(contentsOf: repeatElement(UInt8(ascii: " "), count: length - utf8.count)) }
        appendTag(field)
        appendVarint(UInt64(length))
        utf8.withUnsafeBufferPointer { appendBytes($0) }
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

    mutating func writeMessage(_ field: ProtoField, _ body: (inout Self) -> Void) {
        appendTag(field)
        appendVarint(UInt64(takeLength()))
        body(&self)
    }
}
