import Foundation
import Telemetry

/// Runs `Tests/Peers/otlp_decode.py`, which decodes one request with the official protocol definitions.
enum OTLPDecodePeer {
    enum Format: String, CaseIterable, Sendable {
        case protobuf
        case json
    }

    /// What the peer made of a request.
    struct Decoded {
        /// The request as `json_format.MessageToDict` gives it, with ids in lowercase hex.
        var request: [String: Any]
        /// The official serialization of the decoded request.
        var protobuf: [UInt8]
    }

    static func decode(_ body: [UInt8], _ format: Format, signal: String = "metrics") throws -> Decoded {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try OTLPReceiver.python)
        process.arguments = [
            OTLPReceiver.packageRoot.appendingPathComponent("Tests/Peers/otlp_decode.py").path,
            format.rawValue, "--signal", signal,
        ]
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Written from another thread: a large request and a large answer would otherwise fill both pipes.
        let writer = Thread {
            input.fileHandleForWriting.write(Data(body))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let answer = output.fileHandleForReading.readDataToEndOfFile()
        let diagnostics = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw OTLPReceiver.Failure(description: "otlp_decode.py failed: \(String(decoding: diagnostics, as: UTF8.self))")
        }
        guard let object = try JSONSerialization.jsonObject(with: answer) as? [String: Any],
              let request = object["request"] as? [String: Any],
              let hex = object["protobuf"] as? String,
              let protobuf = bytes(hex: hex)
        else {
            throw OTLPReceiver.Failure(description: "otlp_decode.py answered something unexpected")
        }
        return Decoded(request: request, protobuf: protobuf)
    }

    private static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count.isMultiple(of: 2) else { return nil }
        var result: [UInt8] = []
        result.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16) else { return nil }
            result.append(byte)
        }
        return result
    }
}

/// The `AttributeValue` an `AnyValue` decoded by the official definitions holds, read independently of the encoder:
/// `intValue` is a decimal string, as protobuf's JSON mapping writes it. An empty `ArrayValue` carries no element
/// type, so it reads as an empty string array. `nil` for anything a metric attribute cannot be.
func metricAttributeValue(_ anyValue: Any?) -> AttributeValue? {
    guard let value = anyValue as? [String: Any], value.count == 1, let (key, member) = value.first else { return nil }
    switch key {
    case "stringValue": return (member as? String).map(AttributeValue.string)
    case "boolValue": return (member as? Bool).map(AttributeValue.bool)
    case "intValue": return (member as? String).flatMap { Int64($0) }.map(AttributeValue.int)
    case "doubleValue": return (member as? Double).map(AttributeValue.double)
    case "arrayValue":
        let values = (member as? [String: Any])?["values"] as? [[String: Any]] ?? []
        let elements = values.compactMap(metricAttributeValue)
        guard elements.count == values.count else { return nil }
        if elements.isEmpty { return .stringArray([]) }
        var strings: [String] = [], bools: [Bool] = [], ints: [Int64] = [], doubles: [Double] = []
        for element in elements {
            switch element {
            case .string(let value): strings.append(value)
            case .bool(let value): bools.append(value)
            case .int(let value): ints.append(value)
            case .double(let value): doubles.append(value)
            default: return nil
            }
        }
        if strings.count == elements.count { return .stringArray(strings) }
        if bools.count == elements.count { return .boolArray(bools) }
        if ints.count == elements.count { return .intArray(ints) }
        if doubles.count == elements.count { return .doubleArray(doubles) }
        return nil
    default: return nil
    }
}

/// Decoded `KeyValue`s as a dictionary; `nil` when a key repeats or a value cannot be read. Absent attributes read
/// as an empty dictionary.
func metricAttributes(_ keyValues: Any?) -> [String: AttributeValue]? {
    var result: [String: AttributeValue] = [:]
    for pair in keyValues as? [[String: Any]] ?? [] {
        guard let key = pair["key"] as? String, result[key] == nil, let value = metricAttributeValue(pair["value"]) else {
            return nil
        }
        result[key] = value
    }
    return result
}

/// The keys of a decoded attribute list, in order, to check that a set's key order is kept.
func attributeKeys(_ keyValues: Any?) -> [String] {
    (keyValues as? [[String: Any]] ?? []).compactMap { $0["key"] as? String }
}

extension AttributeSet {
    /// The set as a dictionary, to compare with ``metricAttributes(_:)``.
    var dictionary: [String: AttributeValue] {
        Dictionary(uniqueKeysWithValues: elements.map { ($0.key, $0.value) })
    }
}
