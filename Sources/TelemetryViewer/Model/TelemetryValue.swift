/// A value as OTLP carries it (`AnyValue`): attribute values, log bodies and the members of arrays and maps.
public indirect enum TelemetryValue: Sendable, Hashable {
    case string(String)
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case bytes([UInt8])
    case array([TelemetryValue])
    case keyValueList([KeyValue])
    /// An `AnyValue` with no value set, which OTLP allows.
    case empty
}

/// One attribute: a key and its value (OTLP's `KeyValue`).
public struct KeyValue: Sendable, Hashable {
    public var key: String
    public var value: TelemetryValue

    public init(_ key: String, _ value: TelemetryValue) {
        self.key = key
        self.value = value
    }
}

extension Array where Element == KeyValue {
    /// The value of the first attribute named `key`.
    public subscript(key key: String) -> TelemetryValue? {
        first { $0.key == key }?.value
    }
}
