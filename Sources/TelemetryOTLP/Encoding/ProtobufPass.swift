import Tracing

/// One of protobuf encoding's two passes, ``ProtobufSizer`` or ``ProtobufWriter``.
///
/// In protobuf a repeated message is the same field written once per element, so both passes build repeated fields
/// and attributes from ``OTLPWriter/writeMessage(_:_:)`` alone, and so visit the messages in the same order.
protocol ProtobufPass: OTLPWriter {}

extension ProtobufPass {
    mutating func writeRepeated<Elements: Sequence>(
        _ field: ProtoField,
        _ elements: Elements,
        _ body: (inout Self, Elements.Element) -> Void
    ) {
        for element in elements {
            writeMessage(field) { body(&$0, element) }
        }
    }

    mutating func writeAttributes(_ field: ProtoField, _ attributes: SpanAttributes) {
        attributes.forEach { key, value in
            writeMessage(field) { $0.writeKeyValueFields(key, value) }
        }
    }
}
