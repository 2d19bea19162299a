import Foundation

/// How pages print times, rates and severities.
enum Formatting {
    /// A Unix-nanosecond time as UTC `2026-11-26 12:34:56.789`.
    static func time(_ unixNano: UInt64) -> String {
        let seconds = unixNano / 1_000_000_000
        let millis = (unixNano / 1_000_000) % 1000
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents(
            [.year, .month, .day, .hour, .minute, .second],
            from: Date(timeIntervalSince1970: TimeInterval(seconds))
        )
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d.%03d",
            parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0,
            Int(millis)
        )
    }

    /// A time of day `12:34:56`, for chart axes.
    static func clock(_ unixNano: UInt64) -> String {
        String(time(unixNano).dropFirst(11).prefix(8))
    }

    /// A number with up to three significant decimals, without trailing zeros.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "+Inf" : "-Inf") }
        let magnitude = abs(value)
        let text: String
        if magnitude >= 1e6 || (magnitude < 1e-3 && magnitude > 0) {
            text = String(format: "%.3g", value)
        } else {
            text = String(format: magnitude >= 100 ? "%.1f" : "%.3f", value)
        }
        guard text.contains("."), !text.contains("e") else { return text }
        var trimmed = text
        while trimmed.hasSuffix("0") { trimmed.removeLast() }
        if trimmed.hasSuffix(".") { trimmed.removeLast() }
        return trimmed
    }

    /// A number for chart labels: thousands and up with SI prefixes (`1.5M`, `250k`), so axes stay narrow.
    static func compact(_ value: Double) -> String {
        let magnitude = abs(value)
        for (limit, suffix) in [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")] where magnitude >= limit {
            return number(value / limit) + suffix
        }
        return number(value)
    }

    /// A fraction as a percentage to one decimal: `12.5%`.
    static func percent(_ fraction: Double) -> String {
        number((fraction * 1000).rounded() / 10) + "%"
    }

    /// OTLP's severity ranges by name.
    static func severityName(_ number: Int32, text: String) -> String {
        if !text.isEmpty { return text }
        switch number {
        case 1...4: return "TRACE"
        case 5...8: return "DEBUG"
        case 9...12: return "INFO"
        case 13...16: return "WARN"
        case 17...20: return "ERROR"
        case 21...24: return "FATAL"
        default: return "UNSET"
        }
    }

    /// A CSS class for a severity's colour.
    static func severityClass(_ number: Int32) -> String {
        switch number {
        case 17...: return "sev-error"
        case 13...16: return "sev-warn"
        case 9...12: return "sev-info"
        default: return "sev-debug"
        }
    }
}

/// The lookbacks offered in forms, as Go durations with a label.
enum Lookback {
    static let choices: [(value: String, label: String)] = [
        ("5m", "Last 5 minutes"), ("15m", "Last 15 minutes"), ("1h", "Last hour"), ("6h", "Last 6 hours"),
        ("24h", "Last 24 hours"), ("7d", "Last 7 days"),
    ]

    static func select(name: String = "lookback", selected: String?) -> String {
        let options = choices.map { HTML.option($0.value, label: $0.label, selected: selected ?? "1h") }.joined()
        return "<select name=\"\(name)\" id=\"\(name)\">\(options)</select>"
    }
}
