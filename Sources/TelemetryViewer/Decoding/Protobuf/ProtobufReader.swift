/// How protobuf encodes a field's value on the wire. Groups (3 and 4) are deprecated and never used by OTLP, so
/// they are refused along with the unassigned 6 and 7.
enum ProtobufWireType: UInt8 {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case fixed32 = 5

    var name: String {
        switch self {
        case .varint: "varint"
        case .fixed64: "fixed64"
        case .lengthDelimited: "length-delimited"
        case .fixed32: "fixed32"
        }
    }
}

/// One field's key: which field of `message` follows, and how its value is encoded.
struct ProtobufField {
    var number: UInt32
    var wireType: ProtobufWireType
    /// The message type being read, for error reasons.
    var message: StaticString
}

/// A bounds-checked reader over one protobuf message inside a request body.
///
/// It reads from the body's bytes in place: a nested message is another reader over a sub-range, never a copy,
/// which keeps decoding linear in the body's size. Every read checks its bounds first, so no input can make it
/// read outside the body; anything malformed throws an `OTLPDecodingError` naming the message, field and offset.
/// The buffer is only valid inside the `withUnsafeBytes` that produced it, so a reader never escapes a decode.
struct ProtobufReader {
    /// How deeply messages may nest: a backstop under the `AnyValue` limit, which is what senders meet first. OTLP
    /// itself needs seven levels and each `AnyValue` level at most three more (`AnyValue`, `KeyValueList`,
    /// `KeyValue`), so this admits ``OTLPRequestDecoder/maximumValueDepth`` levels of either kind.
    static let maximumDepth = 8 + 3 * OTLPRequestDecoder.maximumValueDepth

    private let buffer: UnsafeRawBufferPointer
    private var position: Int
    private let end: Int
    private let depth: Int
    private let budget: DecodingBudget

    /// A reader over a whole request body that may decode into at most `maxItems` messages and repeated values.
    init(_ buffer: UnsafeRawBufferPointer, maxItems: Int) {
        self.init(buffer, range: 0..<buffer.count, depth: 0, budget: DecodingBudget(maxItems: maxItems))
    }

    private init(_ buffer: UnsafeRawBufferPointer, range: Range<Int>, depth: Int, budget: DecodingBudget) {
        self.buffer = buffer
        self.position = range.lowerBound
        self.end = range.upperBound
        self.depth = depth
        self.budget = budget
    }

    /// The next field's key, or `nil` at the end of the message.
    mutating func nextField(of message: StaticString) throws(OTLPDecodingError) -> ProtobufField? {
        guard position < end else { return nil }
        let start = position
        let key = try readVarint()
        guard key <= UInt64(UInt32.max) else {
            throw OTLPDecodingError("\(message): a field key at byte \(start) is larger than 32 bits")
        }
        let number = UInt32(truncatingIfNeeded: key >> 3)
        guard number != 0 else { throw OTLPDecodingError("\(message): field number 0 at byte \(start) is invalid") }
        let rawWireType = UInt8(truncatingIfNeeded: key & 7)
        guard let wireType = ProtobufWireType(rawValue: rawWireType) else {
            let kind = rawWireType == 3 || rawWireType == 4 ? "a group (wire type \(rawWireType)), which OTLP never uses" : "the invalid wire type \(rawWireType)"
            throw OTLPDecodingError("\(message): field \(number) at byte \(start) has \(kind)")
        }
        return ProtobufField(number: number, wireType: wireType, message: message)
    }

    /// Skips the value of a field this decoder does not know, as protobuf requires for forward compatibility.
    mutating func skip(_ field: ProtobufField) throws(OTLPDecodingError) {
        switch field.wireType {
        case .varint: _ = try readVarint()
        case .fixed64: try advance(by: 8, for: field)
        case .fixed32: try advance(by: 4, for: field)
        case .lengthDelimited: _ = try readLength(for: field)
        }
    }

    /// Charges `items` more to the request's budget, for records that are larger in the model than one item.
    func spend(_ items: Int) throws(OTLPDecodingError) {
        try budget.spend(items)
    }

    // MARK: Typed values

    /// A nested message's reader. Its bytes are not copied.
    mutating func message(_ field: ProtobufField) throws(OTLPDecodingError) -> ProtobufReader {
        try expect(.lengthDelimited, for: field)
        let range = try readLength(for: field)
        guard depth < Self.maximumDepth else {
            throw OTLPDecodingError("\(field.message): messages are nested deeper than \(Self.maximumDepth) levels")
        }
        try budget.spend()
        return ProtobufReader(buffer, range: range, depth: depth + 1, budget: budget)
    }

    /// A `string` field. Invalid UTF-8 is repaired with U+FFFD rather than refused: see `OTLPRequestDecoder`.
    mutating func string(_ field: ProtobufField) throws(OTLPDecodingError) -> String {
        try expect(.lengthDelimited, for: field)
        let range = try readLength(for: field)
        return String(decoding: UnsafeRawBufferPointer(rebasing: buffer[range]), as: UTF8.self)
    }

    /// A `bytes` field, copied out.
    mutating func bytes(_ field: ProtobufField) throws(OTLPDecodingError) -> [UInt8] {
        try expect(.lengthDelimited, for: field)
        let range = try readLength(for: field)
        return Array(UnsafeRawBufferPointer(rebasing: buffer[range]))
    }

    /// A trace or span id field, read without copying.
    mutating func identifier(_ field: ProtobufField) throws(OTLPDecodingError) -> IdentifierBytes {
        try expect(.lengthDelimited, for: field)
        let range = try readLength(for: field)
        return IdentifierBytes(UnsafeRawBufferPointer(rebasing: buffer[range]))
    }

    /// A `uint64` or `int64` field (two's complement), or anything else varint-encoded.
    mutating func varint(_ field: ProtobufField) throws(OTLPDecodingError) -> UInt64 {
        try expect(.varint, for: field)
        return try readVarint()
    }

    /// A `uint32` field; like every protobuf parser, keeps the low 32 bits of a longer varint.
    mutating func uint32(_ field: ProtobufField) throws(OTLPDecodingError) -> UInt32 {
        UInt32(truncatingIfNeeded: try varint(field))
    }

    /// An `int32` or enum field.
    mutating func int32(_ field: ProtobufField) throws(OTLPDecodingError) -> Int32 {
        Int32(truncatingIfNeeded: try varint(field))
    }

    /// An `int64` field.
    mutating func int64(_ field: ProtobufField) throws(OTLPDecodingError) -> Int64 {
        Int64(bitPattern: try varint(field))
    }

    /// A `sint32` field (zigzag-encoded).
    mutating func sint32(_ field: ProtobufField) throws(OTLPDecodingError) -> Int32 {
        let raw = UInt32(truncatingIfNeeded: try varint(field))
        return Int32(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// A `bool` field: any non-zero varint is true.
    mutating func bool(_ field: ProtobufField) throws(OTLPDecodingError) -> Bool {
        try varint(field) != 0
    }

    /// A `fixed64` or `sfixed64` field's bits.
    mutating func fixed64(_ field: ProtobufField) throws(OTLPDecodingError) -> UInt64 {
        try expect(.fixed64, for: field)
        return try readFixed64(for: field)
    }

    /// A `fixed32` field.
    mutating func fixed32(_ field: ProtobufField) throws(OTLPDecodingError) -> UInt32 {
        try expect(.fixed32, for: field)
        try ensure(4, for: field)
        let value = UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: position, as: UInt32.self))
        position += 4
        return value
    }

    /// A `double` field.
    mutating func double(_ field: ProtobufField) throws(OTLPDecodingError) -> Double {
        Double(bitPattern: try fixed64(field))
    }

    /// One occurrence of a `repeated fixed64` field, packed (many values) or not (one).
    mutating func appendFixed64s(_ field: ProtobufField, to values: inout [UInt64]) throws(OTLPDecodingError) {
        if field.wireType != .lengthDelimited {
            try budget.spend()
            values.append(try fixed64(field))
            return
        }
        let range = try readLength(for: field)
        guard range.count % 8 == 0 else {
            throw OTLPDecodingError("\(field.message): packed field \(field.number) is \(range.count) bytes, not a multiple of 8")
        }
        try budget.spend(range.count / 8)
        values.reserveCapacity(values.count + range.count / 8)
        for offset in stride(from: range.lowerBound, to: range.upperBound, by: 8) {
            values.append(UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
        }
    }

    /// One occurrence of a `repeated double` field, packed or not.
    mutating func appendDoubles(_ field: ProtobufField, to values: inout [Double]) throws(OTLPDecodingError) {
        if field.wireType != .lengthDelimited {
            try budget.spend()
            values.append(try double(field))
            return
        }
        let range = try readLength(for: field)
        guard range.count % 8 == 0 else {
            throw OTLPDecodingError("\(field.message): packed field \(field.number) is \(range.count) bytes, not a multiple of 8")
        }
        try budget.spend(range.count / 8)
        values.reserveCapacity(values.count + range.count / 8)
        for offset in stride(from: range.lowerBound, to: range.upperBound, by: 8) {
            values.append(Double(bitPattern: UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self))))
        }
    }

    /// One occurrence of a `repeated uint64` field, packed or not.
    mutating func appendVarints(_ field: ProtobufField, to values: inout [UInt64]) throws(OTLPDecodingError) {
        if field.wireType != .lengthDelimited {
            try budget.spend()
            values.append(try varint(field))
            return
        }
        let range = try readLength(for: field)
        var packed = ProtobufReader(buffer, range: range, depth: depth, budget: budget)
        while packed.position < packed.end {
            try budget.spend()
            values.append(try packed.readVarint())
        }
    }

    // MARK: Raw reads

    private func expect(_ wireType: ProtobufWireType, for field: ProtobufField) throws(OTLPDecodingError) {
        guard field.wireType == wireType else {
            throw OTLPDecodingError(
                "\(field.message): field \(field.number) before byte \(position) is \(field.wireType.name) where \(wireType.name) was expected"
            )
        }
    }

    private func ensure(_ count: Int, for field: ProtobufField) throws(OTLPDecodingError) {
        guard end - position >= count else {
            throw OTLPDecodingError("\(field.message): field \(field.number) at byte \(position) is truncated")
        }
    }

    private mutating func advance(by count: Int, for field: ProtobufField) throws(OTLPDecodingError) {
        try ensure(count, for: field)
        position += count
    }

    private mutating func readFixed64(for field: ProtobufField) throws(OTLPDecodingError) -> UInt64 {
        try ensure(8, for: field)
        let value = UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: position, as: UInt64.self))
        position += 8
        return value
    }

    /// Reads a length prefix and returns the range it covers, which must lie inside this message.
    private mutating func readLength(for field: ProtobufField) throws(OTLPDecodingError) -> Range<Int> {
        let start = position
        let length = try readVarint()
        guard length <= UInt64(end - position) else {
            throw OTLPDecodingError(
                "\(field.message): field \(field.number) at byte \(start) claims \(length) bytes, but only \(end - position) remain"
            )
        }
        let range = position..<(position + Int(length))
        position = range.upperBound
        return range
    }

    private mutating func readVarint() throws(OTLPDecodingError) -> UInt64 {
        let start = position
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while position < end {
            let byte = buffer[position]
            position += 1
            // The tenth byte may only contribute the top bit; anything more is not a 64-bit varint.
            if shift == 63, byte > 1 {
                throw OTLPDecodingError("a varint at byte \(start) is longer than 64 bits")
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        throw OTLPDecodingError("a varint at byte \(start) is truncated")
    }
}
