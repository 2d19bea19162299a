import Telemetry
import Tracing

/// A format OTLP messages are written in: protobuf or JSON.
///
/// The `write*` requirements always write. The `serialize*` methods below them apply proto3's rule that a field
/// holding its default value is not written; encoders call those, except for `oneof` members such as `AnyValue`'s,
/// which must be written even when they hold the default.
protocol OTLPWriter {
    mutating func writeString(_ field: ProtoField, _ value: String)
    mutating func writeBool(_ field: ProtoField, _ value: Bool)
    /// An `int64` field (a varint in protobuf, a string in JSON).
    mutating func writeInt64(_ field: ProtoField, _ value: Int64)
    /// A `uint32` field (a varint in protobuf, a number in JSON).
    mutating func writeUInt32(_ field: ProtoField, _ value: UInt32)
    /// An enum field (a varint in protobuf, a number in JSON).
    mutating func writeEnum(_ field: ProtoField, _ value: Int)
    /// A `fixed64` field (a string in JSON).
    mutating func writeFixed64(_ field: ProtoField, _ value: UInt64)
    /// A `fixed32` field (a number in JSON).
    mutating func writeFixed32(_ field: ProtoField, _ value: UInt32)
    mutating func writeDouble(_ field: ProtoField, _ value: Double)
    /// An `sfixed64` field (8 bytes in protobuf, a string in JSON).
    mutating func writeSFixed64(_ field: ProtoField, _ value: Int64)
    /// A `sint32` field (a zigzag varint in protobuf, so that small negative numbers stay short; a number in JSON).
    mutating func writeSInt32(_ field: ProtoField, _ value: Int32)
    /// A repeated `fixed64` field, packed (one length-delimited run in protobuf; an array of strings in JSON).
    mutating func writePackedFixed64(_ field: ProtoField, _ values: [UInt64])
    /// A repeated `uint64` field, packed (one run of varints in protobuf; an array of strings in JSON).
    mutating func writePackedUInt64(_ field: ProtoField, _ values: [UInt64])
    /// A repeated `double` field, packed (one length-delimited run in protobuf; an array of numbers in JSON).
    mutating func writePackedDouble(_ field: ProtoField, _ values: [Double])
    /// A trace id: 16 bytes in protobuf, 32 lowercase hex digits in JSON.
    mutating func writeTraceID(_ field: ProtoField, _ value: TraceID)
    /// A span id: 8 bytes in protobuf, 16 lowercase hex digits in JSON.
    mutating func writeSpanID(_ field: ProtoField, _ value: SpanID)
    /// A `bytes` field other than an id: the bytes in protobuf, base64 in JSON (proto3's JSON mapping).
    mutating func writeBytes(_ field: ProtoField, _ value: [UInt8])
    /// A nested message whose fields `body` writes.
    mutating func writeMessage(_ field: ProtoField, _ body: (inout Self) -> Void)
    /// A repeated message field: `body` writes the fields of each element.
    mutating func writeRepeated<Elements: Sequence>(
        _ field: ProtoField,
        _ elements: Elements,
        _ body: (inout Self, Elements.Element) -> Void
    )
    /// A repeated `KeyValue` field holding `attributes`.
    ///
    /// Each format iterates the attributes itself, with a closure of concrete type: going through a generic
    /// sequence of pairs costs several times as much per attribute.
    mutating func writeAttributes(_ field: ProtoField, _ attributes: SpanAttributes)
    /// A string field holding `value.description`.
    ///
    /// A description may differ from one call to the next, so a format that measures before it writes computes it
    /// once, in the measuring pass, and writes that string.
    mutating func writeDescription(_ field: ProtoField, _ value: any CustomStringConvertible & Sendable)
}

extension OTLPWriter {
    mutating func writeDescription(_ field: ProtoField, _ value: any CustomStringConvertible & Sendable) {
        writeString(field, value.description)
    }

    mutating func serializeString(_ field: ProtoField, _ value: String) {
        if !value.isEmpty { writeString(field, value) }
    }

    mutating func serializeString(_ field: ProtoField, _ value: String?) {
        if let value, !value.isEmpty { writeString(field, value) }
    }

    mutating func serializeUInt32(_ field: ProtoField, _ value: Int) {
        if value != 0 { writeUInt32(field, UInt32(clamping: value)) }
    }

    mutating func serializeEnum(_ field: ProtoField, _ value: Int) {
        if value != 0 { writeEnum(field, value) }
    }

    mutating func serializeFixed64(_ field: ProtoField, _ value: UInt64) {
        if value != 0 { writeFixed64(field, value) }
    }

    mutating func serializeSInt32(_ field: ProtoField, _ value: Int32) {
        if value != 0 { writeSInt32(field, value) }
    }

    /// Writes a double unless it is +0.0, proto3's default. The bits are compared, as the official implementations
    /// compare them, so that -0.0 is written and keeps its sign.
    mutating func serializeDouble(_ field: ProtoField, _ value: Double) {
        if value.bitPattern != 0 { writeDouble(field, value) }
    }

    /// Writes a packed field unless it is empty: proto3 leaves out an empty repeated field.
    mutating func serializePackedFixed64(_ field: ProtoField, _ values: [UInt64]) {
        if !values.isEmpty { writePackedFixed64(field, values) }
    }

    mutating func serializePackedUInt64(_ field: ProtoField, _ values: [UInt64]) {
        if !values.isEmpty { writePackedUInt64(field, values) }
    }

    mutating func serializePackedDouble(_ field: ProtoField, _ values: [Double]) {
        if !values.isEmpty { writePackedDouble(field, values) }
    }

    mutating func serializeFixed32(_ field: ProtoField, _ value: UInt32) {
        if value != 0 { writeFixed32(field, value) }
    }

    mutating func serializeSpanID(_ field: ProtoField, _ value: SpanID?) {
        if let value, value.isValid { writeSpanID(field, value) }
    }

    mutating func serializeRepeated<Elements: Collection>(
        _ field: ProtoField,
        _ elements: Elements,
        _ body: (inout Self, Elements.Element) -> Void
    ) {
        if !elements.isEmpty { writeRepeated(field, elements, body) }
    }
}
