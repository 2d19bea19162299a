/// Reads protobuf fields from bytes someone else wrote: collector responses and gRPC status details.
///
/// It never traps: a truncated or malformed message ends the iteration and sets ``isMalformed``.
struct ProtoReader {
    enum Value {
        case varint(UInt64)
        case fixed64(UInt64)
        case fixed32(UInt32)
        case bytes(ArraySlice<UInt8>)
    }

    private let bytes: ArraySlice<UInt8>
    private var index: Int
    private(set) var isMalformed = false

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.index = bytes.startIndex
    }

    init(_ bytes: [UInt8]) {
        self.init(bytes[...])
    }

    /// The next field's number and value, or `nil` at the end or on malformed input.
    mutating func next() -> (number: UInt32, value: Value)? {
        guard index < bytes.endIndex, let key = readVarint() else { return nil }
        let number = UInt32(truncatingIfNeeded: key >> 3)
        switch key & 7 {
        case 0:
            guard let value = readVarint() else { return fail() }
            return (number, .varint(value))
        case 1:
            guard let value = readFixed(8) else { return fail() }
            return (number, .fixed64(value))
        case 5:
            guard let value = readFixed(4) else { return fail() }
            return (number, .fixed32(UInt32(truncatingIfNeeded: value)))
        case 2:
            guard let length = readVarint(), length <= UInt64(bytes.endIndex - index) else { return fail() }
            let end = index + Int(length)
            defer { index = end }
            return (number, .bytes(bytes[index..<end]))
        default:
            return fail()
        }
    }

    private mutating func fail() -> (number: UInt32, value: Value)? {
        isMalformed = true
        index = bytes.endIndex
        return nil
    }

    private mutating func readVarint() -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.endIndex, shift < 64 {
            let byte = bytes[index]
            index += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        return nil
    }

    private mutating func readFixed(_ count: Int) -> UInt64? {
        guard bytes.endIndex - index >= count else { return nil }
        var result: UInt64 = 0
        for offset in 0..<count {
            result |= UInt64(bytes[index + offset]) << UInt64(8 * offset)
        }
        index += count
        return result
    }
}
