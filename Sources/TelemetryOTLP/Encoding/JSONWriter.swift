import Telemetry
import Tracing

/// Writes OTLP/JSON as the OTLP specification defines it: lowerCamelCase keys, enums as numbers, 64-bit integers as
/// strings (proto3's JSON mapping), and trace and span ids as lowercase hex rather than base64.
struct JSONWriter: OTLPWriter {
    private(set) var bytes: [UInt8]
    private var needsComma = false

    init(reservingCapacity capacity: Int = 4096) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Writes the top-level object.
    mutating func writeRoot(_ body: (inout Self) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
        body(&self)
        bytes.append(UInt8(ascii: "}"))
    }

    private mutating func appendKey(_ field: ProtoField) {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = true
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: UnsafeBufferPointer(start: field.jsonName.utf8Start, count: field.jsonName.utf8CodeUnitCount))
        bytes.append(contentsOf: "\":".utf8)
    }

    private mutating func appendRaw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    private mutating func appendQuoted(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): appendRaw("\\\"")
            case UInt8(ascii: "\\"): appendRaw("\\\\")
            case 0x0A: appendRaw("\\n")
            case 0x0D: appendRaw("\\r")
            case 0x09: appendRaw("\\t")
            case 0x00..<0x20:
                appendRaw("\\u00")
                bytes.append(hexDigit(byte >> 4))
                bytes.append(hexDigit(byte & 0xF))
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    mutating func writeString(_ field: ProtoField, _ value: String) {
        appendKey(field)
        appendQuoted(value)
    }

    mutating func writeBool(_ field: ProtoField, _ value: Bool) {
        appendKey(field)
        appendRaw(value ? "true" : "false")
    }

    mutating func writeInt64(_ field: ProtoField, _ value: Int64) {
        appendKey(field)
        appendQuoted(String(value))
    }

    mutating func writeUInt32(_ field: ProtoField, _ value: UInt32) {
        appendKey(field)
        appendRaw(String(value))
    }

    mutating func writeEnum(_ field: ProtoField, _ value: Int) {
        appendKey(field)
        appendRaw(String(value))
    }

    mutating func writeFixed64(_ field: ProtoField, _ value: UInt64) {
        appendKey(field)
        appendQuoted(String(value))
    }

    mutating func writeFixed32(_ field: ProtoField, _ value: UInt32) {
        appendKey(field)
        appendRaw(String(value))
    }

    mutating func writeDouble(_ field: ProtoField, _ value: Double) {
        appendKey(field)
        appendDouble(value)
    }

    /// A double as proto3's JSON mapping writes it: a number, or a string for the values JSON has no number for.
    private mutating func appendDouble(_ value: Double) {
        if value.isNaN {
            appendQuoted("NaN")
        } else if value.isInfinite {
            appendQuoted(value > 0 ? "Infinity" : "-Infinity")
        } else {
            appendRaw(String(value))
        }
    }

    mutating func writeSFixed64(_ field: ProtoField, _ value: Int64) {
        appendKey(field)
        appendQuoted(String(value))
    }

    mutating func writeSInt32(_ field: ProtoField, _ value: Int32) {
        appendKey(field)
        appendRaw(String(value))
    }

    mutating func writePackedFixed64(_ field: ProtoField, _ values: [UInt64]) {
        writeArray(field, values) { $0.appendQuoted(String($1)) }
    }

    mutating func writePackedUInt64(_ field: ProtoField, _ values: [UInt64]) {
        writeArray(field, values) { $0.appendQuoted(String($1)) }
    }

    mutating func writePackedDouble(_ field: ProtoField, _ values: [Double]) {
        writeArray(field, values) { $0.appendDouble($1) }
    }

    /// An array of scalars, each written by `appendElement`.
    private mutating func writeArray<Element>(
        _ field: ProtoField,
        _ values: [Element],
        _ appendElement: (inout Self, Element) -> Void
    ) {
        appendKey(field)
        bytes.append(UInt8(ascii: "["))
        for index in values.indices {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            appendElement(&self, values[index])
        }
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func writeTraceID(_ field: ProtoField, _ value: TraceID) {
        appendKey(field)
        appendQuoted(value.hexString)
    }

    mutating func writeSpanID(_ field: ProtoField, _ value: SpanID) {
        appendKey(field)
        appendQuoted(value.hexString)
    }

    mutating func writeBytes(_ field: ProtoField, _ value: [UInt8]) {
        appendKey(field)
        bytes.append(UInt8(ascii: "\""))
        appendBase64(value)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Standard base64 with padding, which proto3's JSON mapping reads for `bytes`.
    private mutating func appendBase64(_ value: [UInt8]) {
        let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        let digits = UnsafeBufferPointer(start: alphabet.utf8Start, count: alphabet.utf8CodeUnitCount)
        var index = 0
        while index < value.count {
            let remaining = value.count - index
            let first = UInt32(value[index])
            let second = remaining > 1 ? UInt32(value[index + 1]) : 0
            let third = remaining > 2 ? UInt32(value[index + 2]) : 0
            let group = first << 16 | second << 8 | third
            bytes.append(digits[Int(group >> 18 & 0x3F)])
            bytes.append(digits[Int(group >> 12 & 0x3F)])
            bytes.append(remaining > 1 ? digits[Int(group >> 6 & 0x3F)] : UInt8(ascii: "="))
            bytes.append(remaining > 2 ? digits[Int(group & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
    }

    mutating func writeMessage(_ field: ProtoField, _ body: (inout Self) -> Void) {
        appendKey(field)
        writeObject(body)
    }

    mutating func writeRepeated<Elements: Sequence>(
        _ field: ProtoField,
        _ elements: Elements,
        _ body: (inout Self, Elements.Element) -> Void
    ) {
        appendKey(field)
        bytes.append(UInt8(ascii: "["))
        var first = true
        for element in elements {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            writeObject { body(&$0, element) }
        }
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func writeAttributes(_ field: ProtoField, _ attributes: SpanAttributes) {
        appendKey(field)
        bytes.append(UInt8(ascii: "["))
        var first = true
        attributes.forEach { key, value in
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            writeObject { $0.writeKeyValueFields(key, value) }
        }
        bytes.append(UInt8(ascii: "]"))
    }

    private mutating func writeObject(_ body: (inout Self) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
        body(&self)
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }
}
