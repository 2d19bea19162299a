import Telemetry
import Tracing

extension OTLPWriter {
    /// Writes attributes as repeated `KeyValue`.
    mutating func serializeAttributes(_ field: ProtoField, _ attributes: SpanAttributes) {
        if !attributes.isEmpty { writeAttributes(field, attributes) }
    }

    /// Writes a span's attributes as repeated `KeyValue`, straight from the span's list when it kept one.
    mutating func serializeAttributes(_ field: ProtoField, _ attributes: SpanAttributeStorage) {
        if let table = attributes.table {
            serializeAttributes(field, table)
        } else if !attributes.entries.isEmpty {
            // Read in place: a loop over the array would copy each entry out, retaining its key and value.
            attributes.entries.withUnsafeBufferPointer { entries in
                writeRepeated(field, entries.indices) { $0.writeKeyValueFields(entries[$1].key, entries[$1].stored) }
            }
        }
    }

    /// Writes the fields of one `KeyValue` from a span's attribute list.
    mutating func writeKeyValueFields(_ key: String, _ value: SpanAttributeStorage.StoredValue) {
        typealias Field = OTLPFields.AnyValue
        writeString(OTLPFields.KeyValue.key, key)
        writeMessage(OTLPFields.KeyValue.value) { writer in
            switch value {
            case .string(let string): writer.writeString(Field.stringValue, string)
            case .int64(let int): writer.writeInt64(Field.intValue, int)
            case .double(let double): writer.writeDouble(Field.doubleValue, double)
            case .bool(let bool): writer.writeBool(Field.boolValue, bool)
            case .other(let boxed): writer.writeAnyValue(boxed.attribute)
            }
        }
    }

    /// Writes the fields of one `KeyValue`.
    mutating func writeKeyValueFields(_ key: String, _ value: SpanAttribute) {
        writeString(OTLPFields.KeyValue.key, key)
        writeMessage(OTLPFields.KeyValue.value) { $0.writeAnyValue(value) }
    }

    /// Writes the fields of an `AnyValue`: exactly one member of its `oneof`, even when it holds the default.
    mutating func writeAnyValue(_ value: SpanAttribute) {
        typealias Field = OTLPFields.AnyValue
        switch value {
        case .string(let string): writeString(Field.stringValue, string)
        case .bool(let bool): writeBool(Field.boolValue, bool)
        case .int32(let int): writeInt64(Field.intValue, Int64(int))
        case .int64(let int): writeInt64(Field.intValue, int)
        case .double(let double): writeDouble(Field.doubleValue, double)
        case .stringConvertible(let value): writeDescription(Field.stringValue, value)
        case .stringArray(let values): writeArray(values) { $0.writeString(Field.stringValue, $1) }
        case .boolArray(let values): writeArray(values) { $0.writeBool(Field.boolValue, $1) }
        case .int32Array(let values): writeArray(values) { $0.writeInt64(Field.intValue, Int64($1)) }
        case .int64Array(let values): writeArray(values) { $0.writeInt64(Field.intValue, $1) }
        case .doubleArray(let values): writeArray(values) { $0.writeDouble(Field.doubleValue, $1) }
        case .stringConvertibleArray(let values):
            writeArray(values) { $0.writeDescription(Field.stringValue, $1) }
        default:
            writeString(Field.stringValue, "")
        }
    }

    private mutating func writeArray<Element>(_ values: [Element], _ writeElement: (inout Self, Element) -> Void) {
        writeMessage(OTLPFields.AnyValue.arrayValue) { array in
            array.writeRepeated(OTLPFields.ArrayValue.values, values, writeElement)
        }
    }
}
