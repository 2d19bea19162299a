import Telemetry

/// The stored binary forms of the model's nested values. Each `write` has its `read` right below it: they change
/// together or stored files stop decoding.
extension ByteWriter {
    private enum ValueTag: UInt8 {
        case empty = 0, string, boolFalse, boolTrue, int, double, bytes, array, keyValueList
    }

    mutating func writeValue(_ value: TelemetryValue) {
        switch value {
        case .empty: writeByte(ValueTag.empty.rawValue)
        case .string(let string):
            writeByte(ValueTag.string.rawValue)
            writeString(string)
        case .bool(let bool): writeByte(bool ? ValueTag.boolTrue.rawValue : ValueTag.boolFalse.rawValue)
        case .int(let int):
            writeByte(ValueTag.int.rawValue)
            writeSigned(int)
        case .double(let double):
            writeByte(ValueTag.double.rawValue)
            writeDouble(double)
        case .bytes(let bytes):
            writeByte(ValueTag.bytes.rawValue)
            writeBytes(bytes)
        case .array(let values):
            writeByte(ValueTag.array.rawValue)
            writeVarint(UInt64(values.count))
            for element in values { writeValue(element) }
        case .keyValueList(let list):
            writeByte(ValueTag.keyValueList.rawValue)
            writeAttributes(list)
        }
    }

    mutating func writeAttributes(_ attributes: [KeyValue]) {
        writeVarint(UInt64(attributes.count))
        for attribute in attributes {
            writeString(attribute.key)
            writeValue(attribute.value)
        }
    }

    mutating func writeTraceID(_ id: TraceID) {
        writeFixed(id.high)
        writeFixed(id.low)
    }

    mutating func writeEvents(_ events: [ReceivedSpan.Event]) {
        writeVarint(UInt64(events.count))
        for event in events {
            writeVarint(event.timeUnixNano)
            writeString(event.name)
            writeAttributes(event.attributes)
            writeVarint(UInt64(event.droppedAttributesCount))
        }
    }

    mutating func writeLinks(_ links: [ReceivedSpan.Link]) {
        writeVarint(UInt64(links.count))
        for link in links {
            writeTraceID(link.traceID)
            writeFixed(link.spanID.value)
            writeString(link.traceState)
            writeAttributes(link.attributes)
            writeVarint(UInt64(link.droppedAttributesCount))
            writeVarint(UInt64(link.flags))
        }
    }

    mutating func writeNumber(_ number: ReceivedMetric.Number) {
        switch number {
        case .int(let value):
            writeByte(0)
            writeSigned(value)
        case .double(let value):
            writeByte(1)
            writeDouble(value)
        }
    }

    mutating func writeExemplars(_ exemplars: [ReceivedMetric.Exemplar]) {
        writeVarint(UInt64(exemplars.count))
        for exemplar in exemplars {
            writeAttributes(exemplar.filteredAttributes)
            writeVarint(exemplar.timeUnixNano)
            writeNumber(exemplar.value)
            writeTraceID(exemplar.traceID)
            writeFixed(exemplar.spanID.value)
        }
    }

    mutating func writeCounts(_ counts: [UInt64]) {
        writeVarint(UInt64(counts.count))
        for count in counts { writeVarint(count) }
    }

    mutating func writeDoubles(_ values: [Double]) {
        writeVarint(UInt64(values.count))
        for value in values { writeDouble(value) }
    }
}

extension ByteReader {
    /// Deeper nesting than any sender has a reason for; it bounds the recursion on a damaged file.
    static let maximumValueDepth = 64

    mutating func readValue(depth: Int = 0) throws(StoredDataError) -> TelemetryValue {
        guard depth < Self.maximumValueDepth else { throw StoredDataError("value nested too deeply") }
        switch try readByte() {
        case 0: return .empty
        case 1: return .string(try readString())
        case 2: return .bool(false)
        case 3: return .bool(true)
        case 4: return .int(try readSigned())
        case 5: return .double(try readDouble())
        case 6: return .bytes(try readBytes())
        case 7:
            let count = try readCount()
            var values: [TelemetryValue] = []
            values.reserveCapacity(count)
            for _ in 0..<count { values.append(try readValue(depth: depth + 1)) }
            return .array(values)
        case 8: return .keyValueList(try readAttributes(depth: depth + 1))
        default: throw StoredDataError("unknown value tag")
        }
    }

    mutating func readAttributes(depth: Int = 0) throws(StoredDataError) -> [KeyValue] {
        let count = try readCount()
        var attributes: [KeyValue] = []
        attributes.reserveCapacity(count)
        for _ in 0..<count {
            let key = try readString()
            attributes.append(KeyValue(key, try readValue(depth: depth)))
        }
        return attributes
    }

    mutating func readTraceID() throws(StoredDataError) -> TraceID {
        let high = try readFixed()
        return TraceID(high: high, low: try readFixed())
    }

    mutating func readEvents() throws(StoredDataError) -> [ReceivedSpan.Event] {
        let count = try readCount()
        var events: [ReceivedSpan.Event] = []
        events.reserveCapacity(count)
        for _ in 0..<count {
            let time = try readVarint()
            let name = try readString()
            let attributes = try readAttributes()
            events.append(
                ReceivedSpan.Event(timeUnixNano: time, name: name, attributes: attributes, droppedAttributesCount: try readUInt32())
            )
        }
        return events
    }

    mutating func readLinks() throws(StoredDataError) -> [ReceivedSpan.Link] {
        let count = try readCount()
        var links: [ReceivedSpan.Link] = []
        links.reserveCapacity(count)
        for _ in 0..<count {
            let traceID = try readTraceID()
            let spanID = SpanID(try readFixed())
            let traceState = try readString()
            let attributes = try readAttributes()
            let dropped = try readUInt32()
            links.append(
                ReceivedSpan.Link(
                    traceID: traceID,
                    spanID: spanID,
                    traceState: traceState,
                    attributes: attributes,
                    droppedAttributesCount: dropped,
                    flags: try readUInt32()
                )
            )
        }
        return links
    }

    mutating func readNumber() throws(StoredDataError) -> ReceivedMetric.Number {
        switch try readByte() {
        case 0: return .int(try readSigned())
        case 1: return .double(try readDouble())
        default: throw StoredDataError("unknown number tag")
        }
    }

    mutating func readExemplars() throws(StoredDataError) -> [ReceivedMetric.Exemplar] {
        let count = try readCount()
        var exemplars: [ReceivedMetric.Exemplar] = []
        exemplars.reserveCapacity(count)
        for _ in 0..<count {
            let attributes = try readAttributes()
            let time = try readVarint()
            let value = try readNumber()
            let traceID = try readTraceID()
            exemplars.append(
                ReceivedMetric.Exemplar(
                    filteredAttributes: attributes,
                    timeUnixNano: time,
                    value: value,
                    traceID: traceID,
                    spanID: SpanID(try readFixed())
                )
            )
        }
        return exemplars
    }

    mutating func readCounts() throws(StoredDataError) -> [UInt64] {
        let count = try readCount()
        var counts: [UInt64] = []
        counts.reserveCapacity(count)
        for _ in 0..<count { counts.append(try readVarint()) }
        return counts
    }

    mutating func readDoubles() throws(StoredDataError) -> [Double] {
        let count = try readCount()
        var values: [Double] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try readDouble()) }
        return values
    }
}

extension TraceID {
    /// The 16 bytes the store keys traces by: big-endian, so that blob order is id order.
    var storedBytes: [UInt8] { bytes }

    init?(storedBytes: [UInt8]) {
        guard storedBytes.count == 16 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for index in 0..<8 {
            high = high << 8 | UInt64(storedBytes[index])
            low = low << 8 | UInt64(storedBytes[index + 8])
        }
        self.init(high: high, low: low)
    }
}
