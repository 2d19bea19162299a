/// Appends protobuf wire-format fields: the little the receiver needs to answer senders without generated code.
struct ResponseProtobufWriter {
    private(set) var bytes: [UInt8] = []

    /// A varint field (wire type 0); proto3 leaves zero values off the wire.
    mutating func varint(_ fieldNumber: Int, _ value: UInt64) {
        guard value != 0 else { return }
        tag(fieldNumber, wireType: 0)
        appendVarint(value)
    }

    /// An `int64` or `int32` field: negative values take ten bytes, as the encoding requires.
    mutating func int64(_ fieldNumber: Int, _ value: Int64) {
        varint(fieldNumber, UInt64(bitPattern: value))
    }

    /// A length-delimited field (wire type 2) holding a string; empty strings are left off.
    mutating func string(_ fieldNumber: Int, _ value: String) {
        guard !value.isEmpty else { return }
        bytesField(fieldNumber, Array(value.utf8))
    }

    /// A length-delimited field holding raw bytes or an embedded message; written even when empty, since an
    /// empty embedded message is still present.
    mutating func bytesField(_ fieldNumber: Int, _ value: [UInt8]) {
        tag(fieldNumber, wireType: 2)
        appendVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    private mutating func tag(_ fieldNumber: Int, wireType: UInt64) {
        appendVarint(UInt64(fieldNumber) << 3 | wireType)
    }

    private mutating func appendVarint(_ value: UInt64) {
        var remaining = value
        while remaining >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        bytes.append(UInt8(remaining))
    }
}
