/// Splits SQL text into the tokens the conventions' helpers look at. It knows just enough SQL to tell literals,
/// identifiers, placeholders and comments apart; anything else is a one-character symbol.
struct SQLScanner {
    enum Token: Equatable {
        /// A keyword or an unquoted identifier, possibly qualified (`public.users`).
        case word(String)
        /// A double-quoted or back-quoted identifier, without its quotes.
        case quoted(String)
        /// A string or number literal: a value, which must not be recorded.
        case literal
        /// A parameter placeholder: `$1`, `?`, `?2`, `:name`, `@name`.
        case placeholder(String)
        case symbol(String)
    }

    private let scalars: [Unicode.Scalar]
    private var index = 0

    init(_ sql: String) {
        scalars = Array(sql.unicodeScalars)
    }

    mutating func next() -> Token? {
        nextWithSpacing()?.token
    }

    /// The next token, and whether white space or a comment came before it.
    mutating func nextWithSpacing() -> (token: Token, spaced: Bool)? {
        let spaced = skipSpaceAndComments()
        guard index < scalars.count else { return nil }
        let scalar = scalars[index]
        if isIdentifierStart(scalar) {
            // `E'…'`, `X'…'`, `B'…'`, `N'…'`: prefixed string literals.
            if index + 1 < scalars.count, scalars[index + 1] == "'", "EeXxBbNnUu".unicodeScalars.contains(scalar) {
                index += 1
                // Only `E'…'` strings take backslash escapes; in the others a backslash is just a character.
                skipQuoted("'", backslashEscapes: scalar == "E" || scalar == "e")
                return (.literal, spaced)
            }
            let start = index
            while index < scalars.count, isIdentifierPart(scalars[index]) || scalars[index] == "." { index += 1 }
            return (.word(text(start, index)), spaced)
        }
        switch scalar {
        case "'":
            skipQuoted("'")
            return (.literal, spaced)
        case "\"", "`":
            let start = index + 1
            skipQuoted(scalar)
            return (.quoted(text(start, max(start, index - 1)).replacingOccurrences(of: "\"\"", with: "\"")), spaced)
        case "$":
            let start = index
            index += 1
            if index < scalars.count, isDigit(scalars[index]) {
                while index < scalars.count, isDigit(scalars[index]) { index += 1 }
                return (.placeholder(text(start, index)), spaced)
            }
            // A dollar-quoted string: `$$…$$` or `$tag$…$tag$`, whose tag has no `$`.
            while index < scalars.count, isIdentifierPart(scalars[index]), scalars[index] != "$" { index += 1 }
            guard index < scalars.count, scalars[index] == "$" else { return (.symbol("$"), spaced) }
            index += 1
            let delimiter = Array(scalars[start..<index])
            while index < scalars.count {
                if scalars[index] == "$", index + delimiter.count <= scalars.count,
                    Array(scalars[index..<(index + delimiter.count)]) == delimiter
                {
                    index += delimiter.count
                    break
                }
                index += 1
            }
            return (.literal, spaced)
        case "?", ":", "@":
            let start = index
            index += 1
            // `::` is PostgreSQL's cast, not a placeholder.
            if scalar == ":", index < scalars.count, scalars[index] == ":" {
                index += 1
                return (.symbol("::"), spaced)
            }
            while index < scalars.count, isIdentifierPart(scalars[index]) { index += 1 }
            if scalar != "?", index == start + 1 { return (.symbol(String(scalar)), spaced) }
            return (.placeholder(text(start, index)), spaced)
        default:
            if isDigit(scalar) || (scalar == "." && index + 1 < scalars.count && isDigit(scalars[index + 1])) {
                // Digits, a fraction, an exponent; hexadecimal `0x…` too, as identifier characters.
                while index < scalars.count,
                    isIdentifierPart(scalars[index]) || scalars[index] == "."
                        || ((scalars[index] == "+" || scalars[index] == "-")
                            && (scalars[index - 1] == "e" || scalars[index - 1] == "E"))
                {
                    index += 1
                }
                return (.literal, spaced)
            }
            index += 1
            return (.symbol(String(scalar)), spaced)
        }
    }

    /// Skips white space, `-- …` and `/* … */` comments; whether anything was skipped.
    private mutating func skipSpaceAndComments() -> Bool {
        let start = index
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar.properties.isWhitespace {
                index += 1
            } else if scalar == "-", index + 1 < scalars.count, scalars[index + 1] == "-" {
                while index < scalars.count, scalars[index] != "\n" { index += 1 }
            } else if scalar == "/", index + 1 < scalars.count, scalars[index + 1] == "*" {
                index += 2
                while index < scalars.count, !(scalars[index] == "*" && index + 1 < scalars.count && scalars[index + 1] == "/") {
                    index += 1
                }
                index = min(index + 2, scalars.count)
            } else {
                break
            }
        }
        return index > start
    }

    /// Skips a literal quoted by `quote`, where a doubled quote stands for itself; `index` is at the opening quote.
    private mutating func skipQuoted(_ quote: Unicode.Scalar, backslashEscapes: Bool = false) {
        index += 1
        while index < scalars.count {
            if scalars[index] == quote {
                if index + 1 < scalars.count, scalars[index + 1] == quote {
                    index += 2
                    continue
                }
                index += 1
                return
            }
            if backslashEscapes, scalars[index] == "\\" { index += 1 }
            index += 1
        }
    }

    private func text(_ start: Int, _ end: Int) -> String {
        var string = String.UnicodeScalarView()
        string.append(contentsOf: scalars[start..<min(end, scalars.count)])
        return String(string)
    }

    private func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }

    private func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar.properties.isAlphabetic
    }

    private func isIdentifierPart(_ scalar: Unicode.Scalar) -> Bool {
        isIdentifierStart(scalar) || isDigit(scalar) || scalar == "$"
    }
}
