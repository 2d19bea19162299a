/// Picks the page format from an HTTP `Accept` header, as Prometheus' Go client
/// (`expfmt.NegotiateIncludingOpenMetrics`) does, minus the protobuf format, which this exporter does not write.
///
/// Prometheus 2.x scrapes with `application/openmetrics-text;version=1.0.0,`
/// `application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1`, which gives
/// OpenMetrics; a plain `curl` sends `*/*`, which gives the 0.0.4 format.
package enum PrometheusContentNegotiation {
    /// One media range of an `Accept` header.
    package struct MediaRange: Sendable, Hashable {
        /// The type, lowercased: `text`, `application`, `*`.
        package var type: String
        /// The subtype, lowercased: `plain`, `openmetrics-text`, `*`.
        package var subtype: String
        /// The parameters other than `q`, names lowercased, values unquoted.
        package var parameters: [String: String]
        /// The quality, 0 to 1; 1 when absent or unreadable.
        package var quality: Double
    }

    /// The format `accept` asks for; the 0.0.4 format when it asks for nothing this exporter writes.
    package static func format(forAccept accept: String?) -> PrometheusFormat {
        guard let accept else { return .text004 }
        for range in mediaRanges(accept) {
            let version = range.parameters["version"] ?? ""
            if range.type == "text", range.subtype == "plain", version == "0.0.4" || version.isEmpty {
                return .text004
            }
            if range.type == "application", range.subtype == "openmetrics-text",
                version == "1.0.0" || version == "0.0.1" || version.isEmpty
            {
                return .openMetrics100
            }
        }
        return .text004
    }

    /// The media ranges of `accept`, by decreasing quality and, among equal qualities, the more specific first (no
    /// wildcard before a subtype wildcard before `*/*`), otherwise in the header's order. Ranges with `q=0`, which
    /// the client refuses, are left out, and so are parts that are not `type/subtype`.
    package static func mediaRanges(_ accept: String) -> [MediaRange] {
        var ranges: [(range: MediaRange, position: Int)] = []
        // A header is small, but a hostile one is not: only the first 64 ranges are looked at.
        for (position, part) in accept.split(separator: ",", omittingEmptySubsequences: true).prefix(64).enumerated() {
            let fields = part.split(separator: ";", omittingEmptySubsequences: false)
            guard let mediaType = fields.first else { continue }
            let pieces = mediaType.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count == 2 else { continue }
            let type = trimmed(pieces[0]).lowercased()
            let subtype = trimmed(pieces[1]).lowercased()
            guard !type.isEmpty, !subtype.isEmpty else { continue }
            var range = MediaRange(type: type, subtype: subtype, parameters: [:], quality: 1)
            for field in fields.dropFirst() {
                guard let equals = field.firstIndex(of: "=") else { continue }
                let name = trimmed(field[..<equals]).lowercased()
                var value = trimmed(field[field.index(after: equals)...])
                if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                    value = String(value.dropFirst().dropLast())
                }
                if name == "q" {
                    if let quality = Double(value), quality.isFinite {
                        range.quality = min(max(quality, 0), 1)
                    }
                } else {
                    range.parameters[name] = value
                }
            }
            guard range.quality > 0 else { continue }
            ranges.append((range, position))
        }
        ranges.sort { lhs, rhs in
            if lhs.range.quality != rhs.range.quality { return lhs.range.quality > rhs.range.quality }
            let lhsWildcards = wildcards(lhs.range)
            let rhsWildcards = wildcards(rhs.range)
            if lhsWildcards != rhsWildcards { return lhsWildcards < rhsWildcards }
            return lhs.position < rhs.position
        }
        return ranges.map(\.range)
    }

    private static func wildcards(_ range: MediaRange) -> Int {
        (range.type == "*" ? 1 : 0) + (range.subtype == "*" ? 1 : 0)
    }

    private static func trimmed(_ text: Substring) -> String {
        var text = text
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return String(text)
    }
}
