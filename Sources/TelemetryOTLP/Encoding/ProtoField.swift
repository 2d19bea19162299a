/// One field of an OTLP message: its number and wire type for protobuf, its name for OTLP/JSON.
///
/// The constants in `OTLPFields` are taken from the `.proto` files of opentelemetry-proto.
struct ProtoField: Sendable {
    enum WireType: UInt8, Sendable {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case fixed32 = 5
    }

    let number: UInt32
    let wireType: WireType
    /// The lowerCamelCase name OTLP/JSON uses. A static string, so passing a field around costs no reference counting.
    let jsonName: StaticString

    init(_ number: UInt32, _ wireType: WireType, _ jsonName: StaticString) {
        self.number = number
        self.wireType = wireType
        self.jsonName = jsonName
    }
}
