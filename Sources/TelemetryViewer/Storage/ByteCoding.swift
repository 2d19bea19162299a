/// Appends the compact binary form the store keeps attributes, events, links and metric payloads in.
///
/// Integers are LEB128 varints (signed ones zigzag-encoded) so that the small numbers telemetry is full of take one
/// byte; doubles are their 8-byte bit pattern so that they round-trip exactly.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 64) {
        bytes.reserveCapacity(capacity)
    }

    mutating func writeVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    mutating func writeSigned(_ value: Int64) {
        writeVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    mutating func writeFixed(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    mutating func writeDouble(_ value: Double) {
        writeFixed(value.bitPattern)
    }

    mutating func writeOptionalDouble(_ value: Double?) {
        if let value {
            bytes.append(1)
            writeDouble(value)
        } else {
            bytes.append(0)
        }
    }

    mutating func writeByte(_ value: UInt8) {
        bytes.append(value)
    }

    mutating func writeString(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            writeVarint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func writeBytes(_ value: [UInt8]) {
        writeVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }
}

/// Stored bytes that do not decode: a damaged or foreign database file, never a reason to crash.
public struct StoredDataError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What did not decode.
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Reads what `ByteWriter` wrote, checking every length against the bytes that are actually there.
struct ByteReader {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { index >= bytes.count }

    mutating func readByte() throws(StoredDataError) -> UInt8 {
        guard index < bytes.count else { throw StoredDataError("truncated value") }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func readVarint() throws(StoredDataError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte()
            guard shift < 64 else { throw StoredDataError("varint too long") }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }

    mutating func readSigned() throws(StoredDataError) -> Int64 {
        let raw = try readVarint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    mutating func readUInt32() throws(StoredDataError) -> UInt32 {
        let raw = try readVarint()
        guard let value = UInt32(exactly: raw) else { throw StoredDataError("value out of range") }
        return value
    }

    mutating func readInt32() throws(StoredDataError) -> Int32 {
        let raw = try readSigned()
        guard let value = Int32(exactly: raw) else { throw StoredDataError("value out of range") }
        return value
    }

    mutating func readFixed() throws(StoredDataError) -> UInt64 {
        guard bytes.count - index >= 8 else { throw StoredDataError("truncated value") }
        var result: UInt64 = 0
        for offset in 0..<8 { result |= UInt64(bytes[index + offset]) << UInt64(offset * 8) }
        index += 8
        return result
    }

    mutating func readDouble() throws(StoredDataError) -> Double {
        Double(bitPattern: try readFixed())
    }

    mutating func readOptionalDouble() throws(StoredDataError) -> Double? {
        try readByte() == 0 ? nil : try readDouble()
    }

    /// A count of elements that follow, each taking at least one byte, so a damaged count cannot make us reserve
    /// more than the bytes left.
    mutating func readCount() throws(StoredDataError) -> Int {
        let raw = try readVarint()
        guard raw <= UInt64(bytes.count - index) else { throw StoredDataError("count exceeds the stored bytes") }
        return Int(raw)
    }

    mutating func readRawBytes() throws(StoredDataError) -> ArraySlice<UInt8> {
        let count = try readCount()
        defer { index += count }
        return bytes[index..<index + count]
    }

    mutating func readBytes() throws(StoredDataError) -> [UInt8] {
        Array(try readRawBytes())
    }

    mutating func readString() throws(StoredDataError) -> String {
        String(decoding: try readRawBytes(), as: UTF8.self)
    }
}
