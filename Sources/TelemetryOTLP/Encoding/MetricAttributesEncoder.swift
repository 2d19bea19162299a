import Telemetry

extension OTLPWriter {
    /// Writes a metric attribute set as repeated `KeyValue`, in the set's key order.
    mutating func serializeAttributes(_ field: ProtoField, _ attributes: AttributeSet) {
        serializeRepeated(field, attributes.elements) { writer, attribute in
            writer.writeKeyValueFields(attribute.key, attribute.value)
        }
    }

    /// Writes the fields of one `KeyValue` holding a metric attribute value.
    mutating func writeKeyValueFields(_ key: String, _ value: AttributeValue) {
        writeString(OTLPFields.KeyValue.key, key)
        writeMessage(OTLPFields.KeyValue.value) { $0.writeAnyValue(value) }
    }

    /// Writes the fields of an `AnyValue` holding a metric attribute value: exactly one member of its `oneof`, even
    /// when it holds the default; arrays nest as `ArrayValue`.
    mutating func writeAnyValue(_ value: AttributeValue) {
        typealias Field = OTLPFields.AnyValue
        switch value {
        case .string(let string): writeString(Field.stringValue, string)
        case .bool(let bool): writeBool(Field.boolValue, bool)
        case .int(let int): writeInt64(Field.intValue, int)
        case .double(let double): writeDouble(Field.doubleValue, double)
        case .stringArray(let values): writeAttributeArray(values) { $0.writeString(Field.stringValue, $1) }
        case .boolArray(let values): writeAttributeArray(values) { $0.writeBool(Field.boolValue, $1) }
        case .intArray(let values): writeAttributeArray(values) { $0.writeInt64(Field.intValue, $1) }
        case .doubleArray(let values): writeAttributeArray(values) { $0.writeDouble(Field.doubleValue, $1) }
        }
    }

    private mutating func writeAttributeArray<Element>(_ values: [Element], _ writeElement: (inout Self, Element) -> Void) {
        writeMessage(OTLPFields.AnyValue.arrayValue) { array in
            array.writeRepeated(OTLPFields.ArrayValue.values, values, writeElement)
        }
    }
}
