/// Decodes OTLP's protobuf messages (opentelemetry-proto v1) into the viewer's model. Field numbers and types are
/// those of the official `.proto` files; a singular message field that occurs twice is merged, a scalar's last
/// occurrence wins, and unknown fields are skipped, as protobuf's rules say.
enum ProtobufOTLPDecoder {
    /// `opentelemetry.proto.resource.v1.Resource`, merged into `resource`. `entity_refs` is not kept.
    static func resource(_ reader: inout ProtobufReader, into resource: inout ReceivedResource) throws(OTLPDecodingError) {
        while let field = try reader.nextField(of: "Resource") {
            switch field.number {
            case 1: resource.attributes.append(try keyValue(&reader, field))
            case 2: resource.droppedAttributesCount = try reader.uint32(field)
            default: try reader.skip(field)
            }
        }
    }

    /// `opentelemetry.proto.common.v1.InstrumentationScope`, merged into `scope`.
    static func scope(_ reader: inout ProtobufReader, into scope: inout ReceivedScope) throws(OTLPDecodingError) {
        while let field = try reader.nextField(of: "InstrumentationScope") {
            switch field.number {
            case 1: scope.name = try reader.string(field)
            case 2: scope.version = try reader.string(field)
            case 3: scope.attributes.append(try keyValue(&reader, field))
            case 4: scope.droppedAttributesCount = try reader.uint32(field)
            default: try reader.skip(field)
            }
        }
    }

    /// The `KeyValue` message that `field` of the current message holds; its value is at `AnyValue` nesting `level`.
    static func keyValue(
        _ reader: inout ProtobufReader,
        _ field: ProtobufField,
        level: Int = 1
    ) throws(OTLPDecodingError) -> KeyValue {
        var message = try reader.message(field)
        var result = KeyValue("", .empty)
        while let field = try message.nextField(of: "KeyValue") {
            switch field.number {
            case 1: result.key = try message.string(field)
            case 2:
                var value = try message.message(field)
                try anyValue(&value, into: &result.value, level: level)
            // key_strindex (3) indexes a profiles dictionary, which export requests of these signals do not carry.
            default: try message.skip(field)
            }
        }
        return result
    }

    /// `opentelemetry.proto.common.v1.AnyValue`, merged into `value`: a oneof, so the last member set wins, and an
    /// array or map set twice is concatenated. `level` is how deeply it is nested in other values, counted as in
    /// JSON so that both encodings accept the same values.
    static func anyValue(
        _ reader: inout ProtobufReader,
        into value: inout TelemetryValue,
        level: Int = 1
    ) throws(OTLPDecodingError) {
        try OTLPRequestDecoder.checkValueDepth(level)
        while let field = try reader.nextField(of: "AnyValue") {
            switch field.number {
            case 1: value = .string(try reader.string(field))
            case 2: value = .bool(try reader.bool(field))
            case 3: value = .int(try reader.int64(field))
            case 4: value = .double(try reader.double(field))
            case 5:
                var items: [TelemetryValue] = []
                if case .array(let existing) = value { items = existing }
                value = .empty
                var array = try reader.message(field)
                while let member = try array.nextField(of: "ArrayValue") {
                    guard member.number == 1 else {
                        try array.skip(member)
                        continue
                    }
                    var item = TelemetryValue.empty
                    var itemReader = try array.message(member)
                    try anyValue(&itemReader, into: &item, level: level + 1)
                    items.append(item)
                }
                value = .array(items)
            case 6:
                var entries: [KeyValue] = []
                if case .keyValueList(let existing) = value { entries = existing }
                value = .empty
                var list = try reader.message(field)
                while let member = try list.nextField(of: "KeyValueList") {
                    guard member.number == 1 else {
                        try list.skip(member)
                        continue
                    }
                    entries.append(try keyValue(&list, member, level: level + 1))
                }
                value = .keyValueList(entries)
            case 7: value = .bytes(try reader.bytes(field))
            // string_value_strindex (8) indexes a profiles dictionary, which these requests do not carry.
            default: try reader.skip(field)
            }
        }
    }

    /// Reads the envelope's `resource`, `schema_url` and scope fields first, then hands each occurrence of
    /// `itemsField` to `decodeItems`: a sender may write the resource after the items, yet every item is stamped
    /// with it. Both passes read the same bytes in place.
    static func resourceEnvelope(
        _ reader: inout ProtobufReader,
        message: StaticString,
        itemsField: UInt32,
        decodeItems: (inout ProtobufReader, ReceivedResource) throws(OTLPDecodingError) -> Void
    ) throws(OTLPDecodingError) {
        var resource = ReceivedResource()
        var firstPass = reader
        while let field = try firstPass.nextField(of: message) {
            switch field.number {
            case 1:
                var resourceReader = try firstPass.message(field)
                try self.resource(&resourceReader, into: &resource)
            case 3: resource.schemaURL = try firstPass.string(field)
            default: try firstPass.skip(field)
            }
        }
        while let field = try reader.nextField(of: message) {
            if field.number == itemsField {
                var items = try reader.message(field)
                try decodeItems(&items, resource)
            } else {
                try reader.skip(field)
            }
        }
    }

    /// Like `resourceEnvelope`, for the scope level (`ScopeSpans`, `ScopeMetrics`, `ScopeLogs`).
    static func scopeEnvelope(
        _ reader: inout ProtobufReader,
        message: StaticString,
        itemsField: UInt32,
        decodeItem: (inout ProtobufReader, ReceivedScope) throws(OTLPDecodingError) -> Void
    ) throws(OTLPDecodingError) {
        var scope = ReceivedScope()
        var firstPass = reader
        while let field = try firstPass.nextField(of: message) {
            switch field.number {
            case 1:
                var scopeReader = try firstPass.message(field)
                try self.scope(&scopeReader, into: &scope)
            case 3: scope.schemaURL = try firstPass.string(field)
            default: try firstPass.skip(field)
            }
        }
        while let field = try reader.nextField(of: message) {
            if field.number == itemsField {
                var item = try reader.message(field)
                try decodeItem(&item, scope)
            } else {
                try reader.skip(field)
            }
        }
    }

    /// Reads the top-level request: its field 1, repeated, holds the resource envelopes.
    static func request(
        _ body: UnsafeRawBufferPointer,
        maxItems: Int,
        message: StaticString,
        decodeEnvelope: (inout ProtobufReader) throws(OTLPDecodingError) -> Void
    ) throws(OTLPDecodingError) {
        var reader = ProtobufReader(body, maxItems: maxItems)
        while let field = try reader.nextField(of: message) {
            if field.number == 1 {
                var envelope = try reader.message(field)
                try decodeEnvelope(&envelope)
            } else {
                try reader.skip(field)
            }
        }
    }
}
