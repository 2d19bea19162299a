/// Decodes OTLP/JSON (the OTLP specification's "JSON Protobuf Encoding") into the viewer's model, with the same
/// rejections as the protobuf decoder. A key that occurs twice in an object is read twice, so the last one wins for
/// scalars and repeated fields are concatenated.
enum JSONOTLPDecoder {
    static let spanKindNames = [
        "SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT", "SPAN_KIND_PRODUCER",
        "SPAN_KIND_CONSUMER",
    ]
    static let statusCodeNames = ["STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"]
    static let temporalityNames = [
        "AGGREGATION_TEMPORALITY_UNSPECIFIED", "AGGREGATION_TEMPORALITY_DELTA", "AGGREGATION_TEMPORALITY_CUMULATIVE",
    ]
    static let severityNames: [String] =
        ["SEVERITY_NUMBER_UNSPECIFIED"]
        + ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"].flatMap { level in
            ["SEVERITY_NUMBER_\(level)", "SEVERITY_NUMBER_\(level)2", "SEVERITY_NUMBER_\(level)3", "SEVERITY_NUMBER_\(level)4"]
        }

    /// Reads the top-level request object, handing each element of its `envelopesKey` array to `decodeEnvelope`.
    static func request(
        _ body: UnsafeRawBufferPointer,
        maxItems: Int,
        envelopesKey: StaticString,
        decodeEnvelope: (inout JSONReader) throws(OTLPDecodingError) -> Void
    ) throws(OTLPDecodingError) {
        var reader = JSONReader(body, maxItems: maxItems)
        guard reader.isAtObject() else { throw OTLPDecodingError("invalid JSON at byte 0: expected an object") }
        try reader.object { (reader, key) throws(OTLPDecodingError) in
            if envelopesKey ~= key {
                try reader.array(decodeEnvelope)
            } else {
                try reader.skipValue()
            }
        }
        try reader.finish()
    }

    /// Reads a resource envelope (`ResourceSpans` and its kin). Items are decoded as they come and stamped with
    /// the resource afterwards, since a sender may write `resource` after them.
    static func resourceEnvelope<Item>(
        _ reader: inout JSONReader,
        scopesKey: StaticString,
        items: inout [Item],
        resourcePath: WritableKeyPath<Item, ReceivedResource>,
        decodeScope: (inout JSONReader, inout [Item]) throws(OTLPDecodingError) -> Void
    ) throws(OTLPDecodingError) {
        let start = items.count
        var resource = ReceivedResource()
        var schemaURL = ""
        try reader.object { (reader, key) throws(OTLPDecodingError) in
            switch key {
            case "resource": try self.resource(&reader, into: &resource)
            case "schemaUrl": schemaURL = try reader.string()
            case scopesKey: try reader.array { (reader) throws(OTLPDecodingError) in try decodeScope(&reader, &items) }
            default: try reader.skipValue()
            }
        }
        resource.schemaURL = schemaURL
        for index in start..<items.count { items[index][keyPath: resourcePath] = resource }
    }

    /// Reads a scope envelope (`ScopeSpans` and its kin), stamping its items with the scope afterwards.
    static func scopeEnvelope<Item>(
        _ reader: inout JSONReader,
        itemsKey: StaticString,
        items: inout [Item],
        scopePath: WritableKeyPath<Item, ReceivedScope>,
        decodeItem: (inout JSONReader, inout [Item]) throws(OTLPDecodingError) -> Void
    ) throws(OTLPDecodingError) {
        let start = items.count
        var scope = ReceivedScope()
        var schemaURL = ""
        try reader.object { (reader, key) throws(OTLPDecodingError) in
            switch key {
            case "scope": try self.scope(&reader, into: &scope)
            case "schemaUrl": schemaURL = try reader.string()
            case itemsKey: try reader.array { (reader) throws(OTLPDecodingError) in try decodeItem(&reader, &items) }
            default: try reader.skipValue()
            }
        }
        scope.schemaURL = schemaURL
        for index in start..<items.count { items[index][keyPath: scopePath] = scope }
    }

    static func resource(_ reader: inout JSONReader, into resource: inout ReceivedResource) throws(OTLPDecodingError) {
        try reader.object { (reader, key) throws(OTLPDecodingError) in
            switch key {
            case "attributes": try keyValues(&reader, into: &resource.attributes)
            case "droppedAttributesCount": resource.droppedAttributesCount = try uint32(&reader)
            default: try reader.skipValue()
            }
        }
    }

    static func scope(_ reader: inout JSONReader, into scope: inout ReceivedScope) throws(OTLPDecodingError) {
        try reader.object { (reader, key) throws(OTLPDecodingError) in
            switch key {
            case "name": scope.name = try reader.string()
            case "version": scope.version = try reader.string()
            case "attributes": try keyValues(&reader, into: &scope.attributes)
            case "droppedAttributesCount": scope.droppedAttributesCount = try uint32(&reader)
            default: try reader.skipValue()
            }
        }
    }

    /// A JSON array of `KeyValue` objects, appended to `entries`; their values are at `AnyValue` nesting `level`.
    static func keyValues(
        _ reader: inout JSONReader,
        into entries: inout [KeyValue],
        level: Int = 1
    ) throws(OTLPDecodingError) {
        try reader.array { (reader) throws(OTLPDecodingError) in
            var entry = KeyValue("", .empty)
            try reader.object { (reader, key) throws(OTLPDecodingError) in
                switch key {
                case "key": entry.key = try reader.string()
                case "value": try anyValue(&reader, into: &entry.value, level: level)
                default: try reader.skipValue()
                }
            }
            entries.append(entry)
        }
    }

    /// An `AnyValue` object; the last member set wins. `level` is how deeply it is nested in other values, counted
    /// as in protobuf so that both encodings accept the same values.
    static func anyValue(
        _ reader: inout JSONReader,
        into value: inout TelemetryValue,
        level: Int = 1
    ) throws(OTLPDecodingError) {
        try OTLPRequestDecoder.checkValueDepth(level)
        try reader.object { (reader, key) throws(OTLPDecodingError) in
            switch key {
            case "stringValue": value = .string(try reader.string())
            case "boolValue": value = .bool(try reader.bool())
            case "intValue": value = .int(try reader.signedInteger())
            case "doubleValue": value = .double(try reader.double())
            case "bytesValue": value = .bytes(try reader.base64())
            case "arrayValue":
                var items: [TelemetryValue] = []
                try reader.object { (reader, key) throws(OTLPDecodingError) in
                    guard case "values" = key else { return try reader.skipValue() }
                    try reader.array { (reader) throws(OTLPDecodingError) in
                        var item = TelemetryValue.empty
                        try anyValue(&reader, into: &item, level: level + 1)
                        items.append(item)
                    }
                }
                value = .array(items)
            case "kvlistValue":
                var entries: [KeyValue] = []
                try reader.object { (reader, key) throws(OTLPDecodingError) in
                    guard case "values" = key else { return try reader.skipValue() }
                    try keyValues(&reader, into: &entries, level: level + 1)
                }
                value = .keyValueList(entries)
            default: try reader.skipValue()
            }
        }
    }

    static func uint32(_ reader: inout JSONReader) throws(OTLPDecodingError) -> UInt32 {
        UInt32(try reader.unsignedInteger(maximum: UInt64(UInt32.max)))
    }
}
