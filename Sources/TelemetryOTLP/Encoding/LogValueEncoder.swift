import Telemetry

extension OTLPWriter {
    /// Writes log attributes as repeated `KeyValue`.
    ///
    /// Both protobuf passes iterate the same dictionary, which yields its pairs in the same order each time.
    mutating func serializeLogAttributes(_ field: ProtoField, _ attributes: [String: LogValue]) {
        serializeRepeated(field, attributes) { writer, pair in writer.writeKeyValueFields(pair.key, pair.value) }
    }

    /// Writes the fields of one `KeyValue` holding a log value.
    mutating func writeKeyValueFields(_ key: String, _ value: LogValue) {
        writeString(OTLPFields.KeyValue.key, key)
        writeMessage(OTLPFields.KeyValue.value) { $0.writeAnyValue(value) }
    }

    /// Writes the fields of an `AnyValue` holding a log value: exactly one member of its `oneof`, even when it holds
    /// the default; arrays and maps nest as `ArrayValue` and `KeyValueList`, to any depth.
    mutating func writeAnyValue(_ value: LogValue) {
        typealias Field = OTLPFields.AnyValue
        switch value {
        case .string(let string): writeString(Field.stringValue, string)
        case .bool(let bool): writeBool(Field.boolValue, bool)
        case .int(let int): writeInt64(Field.intValue, int)
        case .double(let double): writeDouble(Field.doubleValue, double)
        case .bytes(let bytes): writeBytes(Field.bytesValue, bytes)
        case .array(let values):
            writeMessage(Field.arrayValue) { array in
                array.writeRepeated(OTLPFields.ArrayValue.values, values) { $0.writeAnyValue($1) }
            }
        case .map(let values):
            writeMessage(Field.kvlistValue) { list in
                list.writeRepeated(OTLPFields.KeyValueList.values, values) { $0.writeKeyValueFields($1.key, $1.value) }
            }
        }
    }
}
