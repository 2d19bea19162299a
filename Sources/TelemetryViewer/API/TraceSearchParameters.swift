import Foundation
import Telemetry

/// A trace search as Jaeger's `GET /api/traces` takes it, read from query parameters.
///
/// Accepted: `service`, `operation`, `tag=key:value` (repeatable), `tags` as a JSON object
/// (`{"http.status_code":"500"}`) or as logfmt (`http.status_code=500 error=true`, what Jaeger UI's search box
/// takes), `minDuration` / `maxDuration` as Go durations, `start` / `end` in Unix microseconds, `lookback` (a
/// duration before `end` or now, used when `start` is absent), `limit`, and `traceID` (repeatable) to fetch given
/// traces. Unlike Jaeger, `service` is optional: without it every service is searched.
///
/// As in Jaeger's query service, a search without `start` looks back ``defaultLookback`` (two days) from now, and
/// `limit=0` (or none) means the default limit. `lookback` is this viewer's own parameter (Jaeger UI computes
/// `start` from its lookback itself), so the default applies only when neither `start` nor `lookback` is given.
/// `limit` is capped at ``maximumLimit``, the largest Jaeger UI offers.
struct TraceSearchParameters: Sendable, Hashable {
    /// The search for the store.
    var query: TraceQuery
    /// Traces asked for by id; when not empty, the other conditions are ignored, as in Jaeger.
    var traceIDs: [TraceID]

    /// How far back a search without `start` or `lookback` reaches: Jaeger's default, two days.
    static let defaultLookback: UInt64 = 2 * 24 * 3600 * 1_000_000_000
    /// The most traces one search returns.
    static let maximumLimit = 1_500

    /// Parses `parameters`; `now` (Unix nanoseconds) anchors `lookback`. `defaultLimit` applies without `limit`.
    init(_ parameters: QueryParameters, now: UInt64, defaultLimit: Int = 100) throws(QueryParameterError) {
        var query = TraceQuery(limit: defaultLimit)
        query.service = parameters["service"]
        query.operation = parameters["operation"]
        query.tags = try Self.tags(simple: parameters.all("tag"), structured: parameters.all("tags"))
        query.minimumDurationNanoseconds = try Self.duration(parameters, "minDuration")
        query.maximumDurationNanoseconds = try Self.duration(parameters, "maxDuration")
        if let minimum = query.minimumDurationNanoseconds, let maximum = query.maximumDurationNanoseconds, maximum < minimum {
            throw QueryParameterError("maxDuration", "'maxDuration' should be greater than 'minDuration'")
        }
        let end = try Self.microseconds(parameters, "end")
        query.startTimeMaximumUnixNano = end
        if let start = try Self.microseconds(parameters, "start") {
            query.startTimeMinimumUnixNano = start
        } else if let lookback = try Self.duration(parameters, "lookback") {
            let anchor = end ?? now
            query.startTimeMinimumUnixNano = anchor - min(anchor, lookback)
        } else {
            query.startTimeMinimumUnixNano = now - min(now, Self.defaultLookback)
        }
        query.limit = min(query.limit, Self.maximumLimit)
        if let limit = parameters["limit"] {
            guard let value = Int(limit), value >= 0 else { throw QueryParameterError("limit", "not a count: \(limit)") }
            query.limit = value == 0 ? min(defaultLimit, Self.maximumLimit) : min(value, Self.maximumLimit)
        }
        self.query = query
        var traceIDs: [TraceID] = []
        for text in parameters.all("traceID") {
            guard let id = Self.traceID(text) else { throw QueryParameterError("traceID", "not a trace id: \(text)") }
            traceIDs.append(id)
        }
        self.traceIDs = traceIDs
    }

    /// A trace id as Jaeger accepts it: up to 32 hex digits, either case, shorter ones left-padded with zeros.
    static func traceID(_ text: String) -> TraceID? {
        let lower = text.lowercased()
        guard !lower.isEmpty, lower.count <= 32, lower.allSatisfy(\.isHexDigit) else { return nil }
        return TraceID(hexString: String(repeating: "0", count: 32 - lower.count) + lower)
    }

    /// A span id: up to 16 hex digits, either case.
    static func spanID(_ text: String) -> SpanID? {
        let lower = text.lowercased()
        guard !lower.isEmpty, lower.count <= 16, lower.allSatisfy(\.isHexDigit) else { return nil }
        return SpanID(hexString: String(repeating: "0", count: 16 - lower.count) + lower)
    }

    static func duration(_ parameters: QueryParameters, _ name: String) throws(QueryParameterError) -> UInt64? {
        guard let text = parameters[name] else { return nil }
        guard let value = GoDuration.nanoseconds(text) else { throw QueryParameterError(name, "time: invalid duration \"\(text)\"") }
        return value
    }

    /// A parameter in Unix microseconds, as nanoseconds.
    static func microseconds(_ parameters: QueryParameters, _ name: String) throws(QueryParameterError) -> UInt64? {
        guard let text = parameters[name] else { return nil }
        guard let value = UInt64(text) else { throw QueryParameterError(name, "not Unix microseconds: \(text)") }
        let (nanoseconds, overflow) = value.multipliedReportingOverflow(by: 1000)
        return overflow ? .max : nanoseconds
    }

    /// Merges Jaeger's `tag=key:value` parameters and its `tags` parameter (JSON, or logfmt as typed in a form).
    static func tags(simple: [String], structured: [String]) throws(QueryParameterError) -> [String: String] {
        var tags: [String: String] = [:]
        for tag in simple {
            guard let colon = tag.firstIndex(of: ":") else {
                throw QueryParameterError("tag", "malformed 'tag' parameter, expecting key:value, received: \(tag)")
            }
            tags[String(tag[..<colon])] = String(tag[tag.index(after: colon)...])
        }
        for text in structured {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("{") {
                guard let object = try? JSONDecoder().decode([String: TagJSONValue].self, from: Data(trimmed.utf8)) else {
                    throw QueryParameterError("tags", "malformed 'tags' parameter, cannot unmarshal JSON")
                }
                for (key, value) in object { tags[key] = value.text }
            } else {
                for (key, value) in try logfmt(trimmed) { tags[key] = value }
            }
        }
        return tags
    }

    /// `key=value` pairs separated by spaces; values may be double-quoted to hold spaces.
    static func logfmt(_ text: String) throws(QueryParameterError) -> [(String, String)] {
        var pairs: [(String, String)] = []
        var rest = Substring(text)
        while true {
            rest = rest.drop { $0 == " " || $0 == "\t" }
            guard !rest.isEmpty else { break }
            let key = rest.prefix { $0 != "=" && $0 != " " }
            rest = rest.dropFirst(key.count)
            guard !key.isEmpty, rest.first == "=" else {
                throw QueryParameterError("tags", "expected key=value, received: \(key)")
            }
            rest = rest.dropFirst()
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var escaped = false
                while let character = rest.first {
                    rest = rest.dropFirst()
                    if escaped {
                        value.append(character)
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        break
                    } else {
                        value.append(character)
                    }
                }
            } else {
                let word = rest.prefix { $0 != " " && $0 != "\t" }
                rest = rest.dropFirst(word.count)
                value = String(word)
            }
            pairs.append((String(key), value))
        }
        return pairs
    }
}

/// A tag value in a `tags` JSON object: Jaeger wants strings, numbers and booleans are taken as their text.
struct TagJSONValue: Decodable {
    var text: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self.text = text
        } else if let flag = try? container.decode(Bool.self) {
            self.text = flag ? "true" : "false"
        } else if let integer = try? container.decode(Int64.self) {
            self.text = String(integer)
        } else {
            self.text = "\(try container.decode(Double.self))"
        }
    }
}
