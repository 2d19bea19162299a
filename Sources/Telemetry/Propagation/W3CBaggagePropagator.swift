import Tracing

/// Propagates ``Baggage`` as the W3C `baggage` header.
///
/// Values are percent-encoded. The limits are the ones OpenTelemetry SDKs share: a header longer than 8192 bytes is
/// ignored, a member longer than 4096 bytes is skipped, and at most 180 members are read or written.
/// A malformed member is skipped; the others are kept. A value whose percent-decoded bytes are not UTF-8 is kept, with
/// U+FFFD in place of each invalid sequence, as the specification requires.
/// See [Baggage](https://www.w3.org/TR/baggage/).
public struct W3CBaggagePropagator: TextMapPropagator {
    static let maximumHeaderLength = 8192
    static let maximumMemberLength = 4096
    static let maximumMembers = 180

    /// Creates the propagator.
    public init() {}

    public var fields: [String] { ["baggage"] }

    public func inject<Carrier, Inject: Injector>(_ context: ServiceContext, into carrier: inout Carrier, using injector: Inject)
    where Inject.Carrier == Carrier {
        guard let baggage = context.baggage, !baggage.isEmpty else { return }
        var header = ""
        var count = 0
        for entry in baggage.entries where Self.isToken(Array(entry.name.utf8)[...]) {
            var member = entry.name + "=" + PercentEncoding.encode(entry.value)
            if let metadata = entry.metadata, !metadata.isEmpty { member += ";" + metadata }
            guard member.utf8.count <= Self.maximumMemberLength else { continue }
            guard header.utf8.count + member.utf8.count + 1 <= Self.maximumHeaderLength,
                count < Self.maximumMembers
            else { break }
            if !header.isEmpty { header += "," }
            header += member
            count += 1
        }
        if !header.isEmpty { injector.inject(header, forKey: "baggage", into: &carrier) }
    }

    public func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout ServiceContext, using extractor: Extract)
    where Extract.Carrier == Carrier {
        guard let header = extractor.extract(key: "baggage", from: carrier),
            header.utf8.count <= Self.maximumHeaderLength
        else { return }
        var baggage = context.baggage ?? Baggage()
        var count = 0
        for member in Array(header.utf8).split(separator: UInt8(ascii: ","), omittingEmptySubsequences: true) {
            guard count < Self.maximumMembers else { break }
            guard member.count <= Self.maximumMemberLength, let entry = Self.parseMember(member) else { continue }
            baggage.setValue(entry.value, forName: entry.name, metadata: entry.metadata)
            count += 1
        }
        context.baggage = baggage
    }

    static func parseMember(_ member: ArraySlice<UInt8>) -> Baggage.Entry? {
        let parts = member.split(separator: UInt8(ascii: ";"), maxSplits: 1, omittingEmptySubsequences: false)
        guard let pair = parts.first, let equals = pair.firstIndex(of: UInt8(ascii: "=")) else { return nil }
        let name = pair[pair.startIndex..<equals].trimmingOWS()
        let rawValue = pair[(equals + 1)...].trimmingOWS()
        guard isToken(name), rawValue.allSatisfy(isBaggageOctet),
            let value = PercentEncoding.decode(rawValue, invalidUTF8: .replace)
        else { return nil }
        var metadata: String?
        if parts.count > 1 {
            let properties = parts[1].trimmingOWS()
            if !properties.isEmpty { metadata = String(decoding: properties, as: UTF8.self) }
        }
        return Baggage.Entry(name: String(decoding: name, as: UTF8.self), value: value, metadata: metadata)
    }

    /// RFC 7230 `token`.
    static func isToken(_ bytes: ArraySlice<UInt8>) -> Bool {
        !bytes.isEmpty
            && bytes.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"):
                    return true
                default:
                    return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
                }
            }
    }

    /// W3C `baggage-octet`: printable ASCII except space, `"`, `,`, `;` and `\`.
    static func isBaggageOctet(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x21, 0x23...0x2B, 0x2D...0x3A, 0x3C...0x5B, 0x5D...0x7E: return true
        default: return false
        }
    }
}
