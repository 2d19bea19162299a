/// Encodes one signal's OTLP export request straight from its data, in protobuf and in JSON.
///
/// A conforming encoder says how one item is written and which fields nest items under resources and scopes; the
/// extension does the rest the same way for every signal: grouping, protobuf's two passes, JSON.
///
/// Conforming types are case-less enums; `Sendable` lets ``encoder(for:)`` hand out closures that name them.
protocol RequestEncoder: Sendable {
    associatedtype Item: ResourceScoped & Sendable

    /// The request's resource and scope fields.
    static var resourceScopeFields: ResourceScopeFields { get }
    /// About how many nested messages one item writes, to size the measuring pass's storage once.
    static var expectedMessagesPerItem: Int { get }
    /// About how many bytes of JSON one item writes, to size the JSON buffer once.
    static var expectedJSONBytesPerItem: Int { get }

    /// Writes the fields of one item's message.
    static func encodeItem<Writer: OTLPWriter>(_ item: borrowing Item, into writer: inout Writer)
}

extension RequestEncoder {
    typealias ResourceGroup = TelemetryOTLP.ResourceGroup

    /// The request as protobuf bytes: measured in one pass, then written in a second into one exact allocation.
    ///
    /// - Returns: `nil` when the second pass disagrees with the first, which only a bug in the passes can cause: a
    ///   request that does not match its own lengths must never be sent.
    static func protobuf(_ items: [Item]) -> [UInt8]? {
        let groups = group(items)
        var sizer = ProtobufSizer(expectedMessages: items.count * expectedMessagesPerItem)
        items.withUnsafeBufferPointer { encode($0, groups, into: &sizer) }
        return write(items, groups, capacity: sizer.count, lengths: sizer.lengths, descriptions: sizer.descriptions)
    }

    /// ``protobuf(_:)`` into storage that `buffers` keeps between requests.
    static func protobuf(_ items: [Item], reusing buffers: EncodingBuffers) -> [UInt8]? {
        var storage = buffers.take()
        defer { buffers.giveBack(storage) }
        let groups = group(items)
        var reused = storage.lengths
        storage.lengths = []  // leaves `reused` the array's only owner, so that the sizer appends without copying
        reused.removeAll(keepingCapacity: true)
        var sizer = ProtobufSizer(reusing: consume reused, expectedMessages: items.count * expectedMessagesPerItem)
        items.withUnsafeBufferPointer { encode($0, groups, into: &sizer) }
        let capacity = sizer.count
        let (lengths, descriptions) = sizer.takeMeasurements()
        defer { storage.lengths = lengths }
        guard capacity > 0 else { return lengths.isEmpty && descriptions.isEmpty ? [] : nil }
        // Reused only when no send still holds it; otherwise this makes a new one.
        storage.body.removeAll(keepingCapacity: true)
        storage.body.append(contentsOf: repeatElement(0, count: capacity))
        var isComplete = false
        storage.body.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var writer = ProtobufWriter(base: base, capacity: capacity, lengths: lengths, descriptions: descriptions)
            items.withUnsafeBufferPointer { encode($0, groups, into: &writer) }
            isComplete = writer.isComplete
        }
        return isComplete ? storage.body : nil
    }

    /// The second pass, with the first pass's measurement; `nil` when they disagree.
    static func write(
        _ items: [Item],
        _ groups: [ResourceGroup],
        capacity: Int,
        lengths: [Int],
        descriptions: [String]
    ) -> [UInt8]? {
        guard capacity > 0 else { return lengths.isEmpty && descriptions.isEmpty ? [] : nil }
        var isComplete = false
        let bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initializedCount in
            guard let base = buffer.baseAddress else { return }
            var writer = ProtobufWriter(base: base, capacity: capacity, lengths: lengths, descriptions: descriptions)
            items.withUnsafeBufferPointer { encode($0, groups, into: &writer) }
            initializedCount = writer.count
            isComplete = writer.isComplete
        }
        return isComplete ? bytes : nil
    }

    /// The request as OTLP/JSON bytes.
    static func json(_ items: [Item]) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: items.count * expectedJSONBytesPerItem)
        let groups = group(items)
        items.withUnsafeBufferPointer { items in writer.writeRoot { encode(items, groups, into: &$0) } }
        return writer.bytes
    }

    /// The encoder for `protocol`'s format.
    static func encoder(for protocol: OTLPProtocol) -> @Sendable ([Item]) -> [UInt8]? {
        switch `protocol` {
        case .grpc, .httpProtobuf:
            let buffers = EncodingBuffers()
            return { protobuf($0, reusing: buffers) }
        case .httpJSON: return { json($0) }
        }
    }

    /// Groups item indices by resource, then by scope, in order of first appearance.
    static func group(_ items: [Item]) -> [ResourceGroup] {
        ResourceGroup.group(items)
    }

    /// Writes the request. `items` is a buffer so that each item is read in place: copying a `SpanData` or a
    /// `LogRecordData` costs a reference count operation per field.
    static func encode<Writer: OTLPWriter>(
        _ items: UnsafeBufferPointer<Item>,
        _ groups: [ResourceGroup],
        into writer: inout Writer
    ) {
        writer.writeResourceGroups(groups, resourceScopeFields) { writer, index in
            encodeItem(items[index], into: &writer)
        }
    }
}
