/// The OpenTelemetry member of a trace state, `ot=th:…;rv:…`, read and written without disturbing its other
/// sub-keys or the other vendors' members.
///
/// See the specification's [TraceState handling](https://opentelemetry.io/docs/specs/otel/trace/tracestate-handling/).
struct OTelTraceStateValue {
    /// The vendor key OpenTelemetry's sub-keys live under.
    static let key = "ot"

    /// The `th` sub-key, or `nil` when it is absent or malformed; a malformed one is erased on write.
    var threshold: SamplingThreshold?
    /// The `rv` sub-key's 56-bit explicit randomness, when it is present and well formed (exactly 14 hex digits).
    private(set) var explicitRandomness: UInt64?
    /// The other sub-keys, `key:value`, in their order; `rv` is among them so that it is written back as it came.
    private var otherMembers: [Substring]
    private let original: String?

    init(_ traceState: TraceState) {
        let value = traceState.value(forKey: Self.key)
        original = value
        threshold = nil
        explicitRandomness = nil
        otherMembers = []
        guard let value else { return }
        for member in value.split(separator: ";", omittingEmptySubsequences: true) {
            guard let colon = member.firstIndex(of: ":") else {
                otherMembers.append(member)
                continue
            }
            let subKey = member[..<colon]
            let subValue = member[member.index(after: colon)...]
            switch subKey {
            case "th":
                // Only the first th counts; keys must be unique, and a second one is as malformed as a bad one.
                if threshold == nil { threshold = SamplingThreshold(encoded: subValue) }
            case "rv":
                if explicitRandomness == nil, subValue.utf8.count == 14 {
                    explicitRandomness = Hex.parseUInt64(subValue.utf8, allowUppercase: true)
                }
                otherMembers.append(member)
            default:
                otherMembers.append(member)
            }
        }
    }

    /// `traceState` with this `ot` member: moved to the front when it changed, removed when it is empty, and left
    /// where it was when nothing changed.
    ///
    /// When the W3C grammar or length limit (256 characters) rejects the new member, as a `th` added to a long `ot`
    /// value can make it, the member is written without `th`; a threshold that describes another decision must not
    /// stay behind, while no threshold only means an unknown probability. Should that be rejected too, the `ot`
    /// member is removed.
    func applied(to traceState: TraceState) -> TraceState {
        var members: [String] = []
        if let threshold { members.append("th:\(threshold.encoded)") }
        members.append(contentsOf: otherMembers.map(String.init))
        let value = members.joined(separator: ";")
        guard value != original, !(members.isEmpty && original == nil) else { return traceState }
        var result = traceState
        if members.isEmpty {
            result.removeValue(forKey: Self.key)
            return result
        }
        if result.setValue(value, forKey: Self.key) { return result }
        let withoutThreshold = otherMembers.joined(separator: ";")
        if threshold == nil || withoutThreshold.isEmpty || !result.setValue(withoutThreshold, forKey: Self.key) {
            result.removeValue(forKey: Self.key)
        }
        return result
    }
}
