import Foundation
import GRDB

/// Loads the resources and scopes rows refer to, each once per query.
struct StoredReferences {
    private var resources: [Int64: ReceivedResource] = [:]
    private var scopes: [Int64: ReceivedScope] = [:]

    mutating func resource(_ id: Int64, _ db: Database) throws -> ReceivedResource {
        if let known = resources[id] { return known }
        guard let identity = try Data.fetchOne(db, sql: "SELECT identity FROM resources WHERE id = ?", arguments: [id]) else {
            throw StoredDataError("missing resource \(id)")
        }
        var reader = ByteReader([UInt8](identity))
        let attributes = try reader.readAttributes()
        let dropped = try reader.readUInt32()
        let resource = ReceivedResource(attributes: attributes, droppedAttributesCount: dropped, schemaURL: try reader.readString())
        resources[id] = resource
        return resource
    }

    mutating func scope(_ id: Int64, _ db: Database) throws -> ReceivedScope {
        if let known = scopes[id] { return known }
        guard let identity = try Data.fetchOne(db, sql: "SELECT identity FROM scopes WHERE id = ?", arguments: [id]) else {
            throw StoredDataError("missing scope \(id)")
        }
        var reader = ByteReader([UInt8](identity))
        let name = try reader.readString()
        let version = try reader.readString()
        let attributes = try reader.readAttributes()
        let dropped = try reader.readUInt32()
        let scope = ReceivedScope(
            name: name,
            version: version,
            attributes: attributes,
            droppedAttributesCount: dropped,
            schemaURL: try reader.readString()
        )
        scopes[id] = scope
        return scope
    }
}

/// Decoding helpers for nullable blob columns, where `NULL` stands for an empty list.
enum StoredBlob {
    static func attributes(_ data: Data?) throws(StoredDataError) -> [KeyValue] {
        guard let data, !data.isEmpty else { return [] }
        var reader = ByteReader([UInt8](data))
        return try reader.readAttributes()
    }

    static func read<T>(_ data: Data?, empty: T, _ read: (inout ByteReader) throws(StoredDataError) -> T) throws(StoredDataError) -> T {
        guard let data, !data.isEmpty else { return empty }
        var reader = ByteReader([UInt8](data))
        return try read(&reader)
    }
}
