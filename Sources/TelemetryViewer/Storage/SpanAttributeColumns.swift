import Foundation

/// Span attributes are stored once, split over two columns: `tags`, the `\nkey=value\n` text that tag searches
/// test with a substring match, and `attributes`, a small blob with what the text cannot say (each key's length,
/// each value's type, and the whole value for arrays, maps, bytes and doubles whose text is not exact). Keeping
/// the values only in the text halves a span's row compared to storing them in both forms.
enum SpanAttributeColumns {
    private enum Kind: UInt8 {
        case encoded = 0, string, bool, int, double
    }

    static func encode(_ attributes: [KeyValue]) -> (tags: String, layout: Data?) {
        guard !attributes.isEmpty else { return ("\n", nil) }
        var tags = "\n"
        var layout = ByteWriter(capacity: 4 * attributes.count + 1)
        layout.writeVarint(UInt64(attributes.count))
        for attribute in attributes {
            let key = SearchText.escaped(attribute.key)
            let text = SearchText.string(of: attribute.value)
            tags += key
            tags += "="
            tags += SearchText.escaped(text)
            tags += "\n"
            layout.writeVarint(UInt64(key.utf8.count))
            switch attribute.value {
            case .string: layout.writeByte(Kind.string.rawValue)
            case .bool: layout.writeByte(Kind.bool.rawValue)
            case .int: layout.writeByte(Kind.int.rawValue)
            case .double(let double) where Double(text)?.bitPattern == double.bitPattern:
                layout.writeByte(Kind.double.rawValue)
            default:
                layout.writeByte(Kind.encoded.rawValue)
                layout.writeValue(attribute.value)
            }
        }
        return (tags, Data(layout.bytes))
    }

    static func decode(tags: String, layout: Data?) throws(StoredDataError) -> [KeyValue] {
        guard let layout, !layout.isEmpty else { return [] }
        var reader = ByteReader([UInt8](layout))
        let text = Array(tags.utf8)
        let newline = UInt8(ascii: "\n")
        guard text.first == newline else { throw StoredDataError("tags do not start a line") }
        var position = 1
        let count = try reader.readCount()
        var attributes: [KeyValue] = []
        attributes.reserveCapacity(count)
        for _ in 0..<count {
            let keyLength = Int(clamping: try reader.readVarint())
            guard keyLength < text.count - position, text[position + keyLength] == UInt8(ascii: "=") else {
                throw StoredDataError("tags do not match their layout")
            }
            let key = SearchText.unescaped(text[position..<position + keyLength])
            let valueStart = position + keyLength + 1
            guard let valueEnd = text[valueStart...].firstIndex(of: newline) else { throw StoredDataError("unterminated tag") }
            let valueText = SearchText.unescaped(text[valueStart..<valueEnd])
            position = valueEnd + 1
            let value: TelemetryValue
            switch Kind(rawValue: try reader.readByte()) {
            case .string: value = .string(valueText)
            case .bool: value = .bool(valueText == "true")
            case .int:
                guard let int = Int64(valueText) else { throw StoredDataError("bad integer tag") }
                value = .int(int)
            case .double:
                guard let double = Double(valueText) else { throw StoredDataError("bad double tag") }
                value = .double(double)
            case .encoded: value = try reader.readValue()
            case nil: throw StoredDataError("unknown attribute kind")
            }
            attributes.append(KeyValue(key, value))
        }
        return attributes
    }
}
