import Telemetry

/// Writes protobuf's binary wire format straight into one growing byte array, with no message objects.
///
/// A nested message's length is not known until its fields are written, so one byte is reserved for it and, in the
/// rare case of a message of 128 bytes or more, the body is shifted to make room for a longer varint.
struct ProtobufWriter: OTLPWriter {
    private(set) var bytes: [UInt8]

    init(reservingCapacity capacity: Int = 4096) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inline(__always)
    mutating func appendVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    @inline(__always)
    private mutating func appendTag(_ field: ProtoField) {
        appendVarint(UInt64(field.number << 3 | UInt32(field.wireType.rawValue)))
    }

    @inline(__always)
    private mutating func appendLittleEndian64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    @inline(__always)
    private mutating func appendBigEndian64(_ value: UInt64) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func writeString(_ field: ProtoField, _ value: String) {
        appendTag(field)
        var value = value
        value.withUTF8 { utf8 in
            appendVarint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func writeBool(_ field: ProtoField, _ value: Bool) {
        appendTag(field)
        bytes.append(value ? 1 : 0)
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
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func writeDouble(_ field: ProtoField, _ value: Double) {
        appendTag(field)
        appendLittleEndian64(value.bitPattern)
    }

    mutating func writeTraceID(_ field: ProtoField, _ value: TraceID) {
        appendTag(field)
        bytes.append(16)
        appendBigEndian64(value.high)
        appendBigEndian64(value.low)
    }

    mutating func writeSpanID(_ field: ProtoField, _ value: SpanID) {
        appendTag(field)
        bytes.append(8)
        appendBigEndian64(value.value)
    }

    mutating func writeMessage(_ field: ProtoField, _ body: (inout Self) -> Void) {
        appendTag(field)
        let lengthIndex = bytes.count
        bytes.append(0)
        body(&self)
        patchLength(at: lengthIndex)
    }

    mutating func writeRepeated<Elements: Sequence>(
        _ field: ProtoField,
        _ elements: Elements,
        _ body: (inout Self, Elements.Element) -> Void
    ) {
        for element in elements {
            appendTag(field)
            let lengthIndex = bytes.count
            bytes.append(0)
            body(&self, element)
            patchLength(at: lengthIndex)
        }
    }

    private mutating func patchLength(at index: Int) {
        let length = bytes.count - index - 1
        if length < 0x80 {
            bytes[index] = UInt8(length)
            return
        }
        var varint: [UInt8] = []
        var value = length
        while value >= 0x80 {
            varint.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        varint.append(UInt8(value))
        bytes.replaceSubrange(index..<(index + 1), with: varint)
    }
}
