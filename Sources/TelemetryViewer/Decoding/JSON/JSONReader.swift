/// A bounds-checked pull parser over a JSON request body (RFC 8259), which the OTLP decoder drives value by value.
///
/// There is no intermediate tree: the decoder asks for the value it expects next and the reader parses just that,
/// skipping what the decoder does not know. Strings without escapes are read in place; keys are compared as bytes.
/// Every read checks its bounds first; anything malformed throws an `OTLPDecodingError` naming the byte offset.
struct JSONReader {
    /// How deeply objects and arrays may nest: a backstop under the `AnyValue` limit, which is what senders meet
    /// first. OTLP/JSON itself needs about a dozen levels and each `AnyValue` level at most four more (the value,
    /// `kvlistValue`, `values`, the entry), so this admits ``OTLPRequestDecoder/maximumValueDepth`` levels of
    /// either kind, while keeping unknown members, which are skipped recursively, from exhausting the stack.
    static let maximumDepth = 16 + 4 * OTLPRequestDecoder.maximumValueDepth

    private let buffer: UnsafeRawBufferPointer
    private var position = 0
    private var depth = 0
    private var remainingItems: Int
    private let maxItems: Int

    /// A reader over a whole request body whose arrays may hold at most `maxItems` elements in all.
    init(_ buffer: UnsafeRawBufferPointer, maxItems: Int) {
        self.buffer = buffer
        self.maxItems = max(0, maxItems)
        self.remainingItems = self.maxItems
    }

    // MARK: Structure

    /// Reads an object, calling `member` with each key; `member` must read or skip the value. A `null` member is
    /// not passed on, since protobuf's JSON mapping reads it as the field's default, and `null` instead of the
    /// whole object reads as an empty one.
    mutating func object(
        _ member: (inout JSONReader, JSONKey) throws(OTLPDecodingError) -> Void
    ) throws(OTLPDecodingError) {
        if try consumeNull() { return }
        try expect(UInt8(ascii: "{"), "an object")
        try enter()
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return
        }
        while true {
            skipWhitespace()
            let key = try readKey()
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "':' after a key")
            if try !consumeNull() {
                try member(&self, key)
            }
            skipWhitespace()
            guard let next = peek() else { throw error("the object is not closed") }
            position += 1
            if next == UInt8(ascii: "}") { break }
            guard next == UInt8(ascii: ",") else { throw error("expected ',' or '}'", at: position - 1) }
        }
        depth -= 1
    }

    /// Reads an array, calling `element` for each element; `element` must read or skip it. `null` reads as empty.
    mutating func array(_ element: (inout JSONReader) throws(OTLPDecodingError) -> Void) throws(OTLPDecodingError) {
        if try consumeNull() { return }
        try expect(UInt8(ascii: "["), "an array")
        try enter()
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return
        }
        while true {
            skipWhitespace()
            try spend(1)
            try element(&self)
            skipWhitespace()
            guard let next = peek() else { throw error("the array is not closed") }
            position += 1
            if next == UInt8(ascii: "]") { break }
            guard next == UInt8(ascii: ",") else { throw error("expected ',' or ']'", at: position - 1) }
        }
        depth -= 1
    }

    /// Charges `items` to the request's budget: one per array element, more for records that are larger in the model.
    mutating func spend(_ items: Int) throws(OTLPDecodingError) {
        guard items <= remainingItems else {
            throw OTLPDecodingError(
                "the request holds too many items: more than \(maxItems) messages, values and points"
            )
        }
        remainingItems -= items
    }

    /// Skips one value of any kind, as the mapping requires for fields this decoder does not know.
    mutating func skipValue() throws(OTLPDecodingError) {
        skipWhitespace()
        guard let first = peek() else { throw error("a value is missing") }
        switch first {
        case UInt8(ascii: "{"): try object { (reader, _) throws(OTLPDecodingError) in try reader.skipValue() }
        case UInt8(ascii: "["): try array { (reader) throws(OTLPDecodingError) in try reader.skipValue() }
        case UInt8(ascii: "\""): try withStringContent { _ in }
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: _ = try numberToken()
        }
    }

    /// Whether an object starts here: a request must be one, where a member may also be `null`.
    mutating func isAtObject() -> Bool {
        skipWhitespace()
        return peek() == UInt8(ascii: "{")
    }

    /// Checks that nothing but whitespace follows the top-level value.
    mutating func finish() throws(OTLPDecodingError) {
        skipWhitespace()
        guard position == buffer.count else { throw error("unexpected data after the request") }
    }

    // MARK: Scalars

    /// A string value; invalid UTF-8 and lone surrogates become U+FFFD.
    mutating func string() throws(OTLPDecodingError) -> String {
        skipWhitespace()
        guard peek() == UInt8(ascii: "\"") else { throw error("expected a string") }
        return try withStringContent { String(decoding: $0, as: UTF8.self) }
    }

    /// A `bool` value.
    mutating func bool() throws(OTLPDecodingError) -> Bool {
        skipWhitespace()
        switch peek() {
        case UInt8(ascii: "t"):
            try literal("true")
            return true
        case UInt8(ascii: "f"):
            try literal("false")
            return false
        default:
            throw error("expected true or false")
        }
    }

    /// A trace or span id: a string of hex digits, in either case, as the OTLP specification requires (not base64).
    mutating func identifier() throws(OTLPDecodingError) -> IdentifierBytes {
        skipWhitespace()
        guard peek() == UInt8(ascii: "\"") else { throw error("expected an id as a hex string") }
        return try withStringContent { IdentifierBytes(hex: $0) }
    }

    /// A `bytes` value: standard or URL-safe base64, padded or not, as protobuf's JSON mapping accepts.
    mutating func base64() throws(OTLPDecodingError) -> [UInt8] {
        skipWhitespace()
        guard peek() == UInt8(ascii: "\"") else { throw error("expected base64 bytes as a string") }
        let start = position
        let decoded = try withStringContent { Base64.decode($0) }
        guard let decoded else { throw error("invalid base64", at: start) }
        return decoded
    }

    /// An unsigned integer of up to 64 bits: a number or a string holding one, as the mapping allows.
    mutating func unsignedInteger(maximum: UInt64 = .max) throws(OTLPDecodingError) -> UInt64 {
        let start = position
        guard let value = try integer(), value.magnitude <= maximum, !(value.negative && value.magnitude != 0) else {
            throw error("expected an unsigned integer of at most \(maximum)", at: start)
        }
        return value.magnitude
    }

    /// A signed integer between `minimum` and `maximum`: a number or a string holding one.
    mutating func signedInteger(minimum: Int64 = .min, maximum: Int64 = .max) throws(OTLPDecodingError) -> Int64 {
        let start = position
        guard let value = try integer() else { throw error("expected an integer", at: start) }
        let result: Int64
        if value.negative {
            guard value.magnitude <= UInt64(Int64.max) + 1 else { throw error("the integer is too small", at: start) }
            result = value.magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(value.magnitude)
        } else {
            guard value.magnitude <= UInt64(Int64.max) else { throw error("the integer is too large", at: start) }
            result = Int64(value.magnitude)
        }
        guard result >= minimum, result <= maximum else { throw error("the integer is out of range", at: start) }
        return result
    }

    /// A `double`: a number, or a string holding a number, `NaN`, `Infinity` or `-Infinity`.
    mutating func double() throws(OTLPDecodingError) -> Double {
        skipWhitespace()
        let start = position
        if peek() == UInt8(ascii: "\"") {
            let value = try withStringContent { content -> Double? in
                if Self.equals(content, "NaN") { return .nan }
                if Self.equals(content, "Infinity") { return .infinity }
                if Self.equals(content, "-Infinity") { return -.infinity }
                guard let token = NumberToken(content) else { return nil }
                return token.doubleValue(content)
            }
            guard let value else { throw error("expected a number, NaN, Infinity or -Infinity", at: start) }
            return value
        }
        let range = try numberToken()
        let content = UnsafeRawBufferPointer(rebasing: buffer[range])
        guard let token = NumberToken(content), let value = token.doubleValue(content) else {
            throw error("expected a number", at: start)
        }
        return value
    }

    /// An enum: its number, or its name's index in `names` (the names are numbered from 0 without gaps in OTLP).
    mutating func enumValue(_ names: [String]) throws(OTLPDecodingError) -> Int32 {
        skipWhitespace()
        if peek() == UInt8(ascii: "\"") {
            let index = try withStringContent { content in
                names.firstIndex { name in name.utf8.elementsEqual(content) }
            }
            // A name from a newer version of OTLP reads as the unspecified value, as an unknown number does.
            return Int32(index ?? 0)
        }
        return Int32(try signedInteger(minimum: Int64(Int32.min), maximum: Int64(Int32.max)))
    }

    // MARK: Lexing

    private mutating func integer() throws(OTLPDecodingError) -> (negative: Bool, magnitude: UInt64)? {
        skipWhitespace()
        if peek() == UInt8(ascii: "\"") {
            return try withStringContent { content in
                guard let token = NumberToken(content) else { return nil }
                return token.integerValue(content)
            }
        }
        let range = try numberToken()
        let content = UnsafeRawBufferPointer(rebasing: buffer[range])
        guard let token = NumberToken(content) else { return nil }
        return token.integerValue(content)
    }

    /// The extent of a number at the current position, by JSON's grammar.
    private mutating func numberToken() throws(OTLPDecodingError) -> Range<Int> {
        let start = position
        while position < buffer.count, Self.isNumberByte(buffer[position]) { position += 1 }
        let range = start..<position
        guard NumberToken(UnsafeRawBufferPointer(rebasing: buffer[range])) != nil else {
            throw error("expected a value", at: start)
        }
        return range
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
            UInt8(ascii: "e"), UInt8(ascii: "E"):
            true
        default:
            false
        }
    }

    private mutating func readKey() throws(OTLPDecodingError) -> JSONKey {
        guard peek() == UInt8(ascii: "\"") else { throw error("expected a key") }
        let contentStart = position + 1
        var hasEscapesOrUnderscores = false
        var index = contentStart
        while index < buffer.count {
            let byte = buffer[index]
            if byte == UInt8(ascii: "\"") { break }
            // RFC 8259 forbids raw control characters in strings, keys included.
            if byte < 0x20 { throw error("a control character in a key", at: index) }
            if byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "_") {
                hasEscapesOrUnderscores = true
                break
            }
            index += 1
        }
        if !hasEscapesOrUnderscores, index < buffer.count {
            position = index + 1
            return JSONKey(raw: UnsafeRawBufferPointer(rebasing: buffer[contentStart..<index]))
        }
        return try withStringContent { JSONKey(normalizing: $0) }
    }

    /// Calls `body` with a string's content, unescaped; the reader must be at its opening quote.
    private mutating func withStringContent<T>(
        _ body: (UnsafeRawBufferPointer) -> T
    ) throws(OTLPDecodingError) -> T {
        let quote = position
        position += 1
        let contentStart = position
        while position < buffer.count {
            let byte = buffer[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return body(UnsafeRawBufferPointer(rebasing: buffer[contentStart..<(position - 1)]))
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw error("a control character inside a string") }
            position += 1
        }
        guard position < buffer.count else { throw error("a string is not closed", at: quote) }
        var unescaped = Array(UnsafeRawBufferPointer(rebasing: buffer[contentStart..<position]))
        while position < buffer.count {
            let byte = buffer[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return unescaped.withUnsafeBytes { body($0) }
            case UInt8(ascii: "\\"):
                try unescape(into: &unescaped)
            case 0..<0x20:
                throw error("a control character inside a string", at: position - 1)
            default:
                unescaped.append(byte)
            }
        }
        throw error("a string is not closed", at: quote)
    }

    private mutating func unescape(into output: inout [UInt8]) throws(OTLPDecodingError) {
        guard position < buffer.count else { throw error("a string is not closed") }
        let byte = buffer[position]
        position += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(byte)
        case UInt8(ascii: "b"): output.append(0x08)
        case UInt8(ascii: "f"): output.append(0x0C)
        case UInt8(ascii: "n"): output.append(0x0A)
        case UInt8(ascii: "r"): output.append(0x0D)
        case UInt8(ascii: "t"): output.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hexQuad()
            if (0xD800..<0xDC00).contains(scalar), position + 1 < buffer.count,
                buffer[position] == UInt8(ascii: "\\"), buffer[position + 1] == UInt8(ascii: "u")
            {
                let resume = position
                position += 2
                let low = try hexQuad()
                if (0xDC00..<0xE000).contains(low) {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else {
                    position = resume
                }
            }
            let character = Unicode.Scalar(scalar) ?? "\u{FFFD}"
            if let encoded = UTF8.encode(character) { output.append(contentsOf: encoded) }
        default:
            throw error("an invalid escape in a string", at: position - 2)
        }
    }

    private mutating func hexQuad() throws(OTLPDecodingError) -> UInt32 {
        guard buffer.count - position >= 4 else { throw error("a \\u escape is truncated") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = buffer[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte &- UInt8(ascii: "a") &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte &- UInt8(ascii: "A") &+ 10
            default: throw error("a \\u escape is not hexadecimal")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    private mutating func literal(_ word: StaticString) throws(OTLPDecodingError) {
        let count = word.utf8CodeUnitCount
        guard buffer.count - position >= count,
            Self.equals(UnsafeRawBufferPointer(rebasing: buffer[position..<(position + count)]), word)
        else { throw error("expected \(word)") }
        position += count
    }

    private mutating func consumeNull() throws(OTLPDecodingError) -> Bool {
        skipWhitespace()
        guard peek() == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(OTLPDecodingError) {
        skipWhitespace()
        guard peek() == byte else { throw error("expected \(what)") }
        position += 1
    }

    private mutating func enter() throws(OTLPDecodingError) {
        depth += 1
        guard depth <= Self.maximumDepth else { throw error("objects and arrays are nested deeper than \(Self.maximumDepth) levels") }
    }

    private mutating func skipWhitespace() {
        while position < buffer.count {
            switch buffer[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    private func peek() -> UInt8? {
        position < buffer.count ? buffer[position] : nil
    }

    private func error(_ what: String, at offset: Int? = nil) -> OTLPDecodingError {
        OTLPDecodingError("invalid JSON at byte \(offset ?? position): \(what)")
    }

    static func equals(_ bytes: UnsafeRawBufferPointer, _ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard bytes.count == count else { return false }
        let start = word.utf8Start
        for index in 0..<count where bytes[index] != start[index] { return false }
        return true
    }
}

/// An object's key, compared with the field names it may be. A key written in protobuf's original snake_case is
/// turned into lowerCamelCase first, so one comparison accepts both spellings, as protobuf's JSON parsers do.
struct JSONKey {
    private let raw: UnsafeRawBufferPointer?
    private let normalized: [UInt8]

    init(raw: UnsafeRawBufferPointer) {
        self.raw = raw
        self.normalized = []
    }

    init(normalizing content: UnsafeRawBufferPointer) {
        var result: [UInt8] = []
        result.reserveCapacity(content.count)
        var capitalizeNext = false
        for byte in content {
            if byte == UInt8(ascii: "_") {
                capitalizeNext = true
                continue
            }
            if capitalizeNext, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) {
                result.append(byte - 32)
            } else {
                result.append(byte)
            }
            capitalizeNext = false
        }
        self.raw = nil
        self.normalized = result
    }

    static func ~= (name: StaticString, key: JSONKey) -> Bool {
        if let raw = key.raw { return JSONReader.equals(raw, name) }
        return key.normalized.withUnsafeBytes { JSONReader.equals($0, name) }
    }
}

/// A number's parts, checked against JSON's grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
struct NumberToken {
    let negative: Bool
    let integerDigits: Range<Int>
    let isInteger: Bool

    init?(_ text: UnsafeRawBufferPointer) {
        var index = 0
        negative = text.first == UInt8(ascii: "-")
        if negative { index += 1 }
        let digitsStart = index
        while index < text.count, Self.isDigit(text[index]) { index += 1 }
        let digitCount = index - digitsStart
        guard digitCount > 0, !(digitCount > 1 && text[digitsStart] == UInt8(ascii: "0")) else { return nil }
        integerDigits = digitsStart..<index
        var integer = true
        if index < text.count, text[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < text.count, Self.isDigit(text[index]) { index += 1 }
            guard index > fractionStart else { return nil }
            integer = false
        }
        if index < text.count, text[index] == UInt8(ascii: "e") || text[index] == UInt8(ascii: "E") {
            index += 1
            if index < text.count, text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-") { index += 1 }
            let exponentStart = index
            while index < text.count, Self.isDigit(text[index]) { index += 1 }
            guard index > exponentStart else { return nil }
            integer = false
        }
        guard index == text.count else { return nil }
        isInteger = integer
    }

    /// The value, if it is a whole number whose magnitude fits 64 bits. `1e3` and `5.0` count, as in protobuf's
    /// JSON parsers; `1.5` does not.
    func integerValue(_ text: UnsafeRawBufferPointer) -> (negative: Bool, magnitude: UInt64)? {
        if isInteger {
            var magnitude: UInt64 = 0
            for index in integerDigits {
                let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(UInt64(text[index] &- UInt8(ascii: "0")))
                guard !overflow1, !overflow2 else { return nil }
                magnitude = sum
            }
            return (negative, magnitude)
        }
        guard let double = doubleValue(text), double.isFinite, double == double.rounded(),
            double.magnitude < 18_446_744_073_709_551_616.0
        else { return nil }
        return (double < 0, UInt64(double.magnitude))
    }

    /// The longest number token read as a double.
    static let maximumNumberLength = 1024

    /// The value as a double, rounded as IEEE 754 parsing does.
    func doubleValue(_ text: UnsafeRawBufferPointer) -> Double? {
        if isInteger, integerDigits.count <= 15 {
            var magnitude: UInt64 = 0
            for index in integerDigits { magnitude = magnitude * 10 + UInt64(text[index] &- UInt8(ascii: "0")) }
            return negative ? -Double(magnitude) : Double(magnitude)
        }
        // No double needs more digits than this to be read exactly; longer tokens only cost time to parse.
        guard text.count <= Self.maximumNumberLength else { return nil }
        // The token is JSON-valid, so the standard library's parser sees nothing it would read differently.
        return Double(String(decoding: text, as: UTF8.self))
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
