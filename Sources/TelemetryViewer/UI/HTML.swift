/// HTML text built from strings, where everything that came from telemetry passes through ``escape(_:)``.
///
/// Pages are plain string concatenation on purpose: no template engine to trust, and the one rule is visible at
/// every call site. `escape` serves text and double-quoted attribute values alike.
enum HTML {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by character references, safe as element text and as a
    /// quoted attribute value.
    static func escape(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            case "\u{0}": output += "\u{FFFD}"
            default: output.unicodeScalars.append(character)
            }
        }
        return output
    }

    /// A link to a viewer path with query parameters, encoded and escaped for an `href`.
    static func href(_ path: String, _ parameters: [(String, String?)] = []) -> String {
        let query = parameters.compactMap { name, value -> String? in
            guard let value, !value.isEmpty else { return nil }
            return "\(URLComponentEncoding.encode(name))=\(URLComponentEncoding.encode(value))"
        }
        return escape(query.isEmpty ? path : path + "?" + query.joined(separator: "&"))
    }

    /// A path segment for a value (a service, a metric name), percent-encoded so `/` and `?` stay inside it.
    static func segment(_ value: String) -> String {
        URLComponentEncoding.encode(value)
    }

    /// An `<option>` of a `<select>`, selected when it is the current value.
    static func option(_ value: String, label: String? = nil, selected: String?) -> String {
        let mark = value == (selected ?? "") ? " selected" : ""
        return "<option value=\"\(escape(value))\"\(mark)>\(escape(label ?? value))</option>"
    }
}
