/// Turns source bytes into tokens, collecting a diagnostic for every malformed piece and skipping it.
///
/// Every loop consumes at least one byte per iteration, so the lexer always terminates.
public struct Lexer {
    private let source: SourceFile
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var column = 1
    public private(set) var diagnostics: [Diagnostic] = []
    /// Set when the file is not UTF-8 text (invalid UTF-8 or a NUL byte).
    public private(set) var isBinary = false

    public init(source: SourceFile) {
        self.source = source
        self.bytes = source.bytes
    }

    /// Tokenizes the whole file; the last token is always `.endOfFile`.
    public mutating func tokenize() -> [Token] {
        var tokens: [Token] = []
        if let problem = source.textProblem {
            isBinary = true
            // Not text: one clear diagnostic rather than thousands.
            diagnostics.append(problem)
            return [Token(kind: .endOfFile, location: source.location(ofOffset: bytes.count), end: bytes.count)]
        }
        while true {
            skipTrivia()
            let start = here
            guard index < bytes.count else {
                tokens.append(Token(kind: .endOfFile, location: start, end: index))
                return tokens
            }
            if let kind = lexToken(start: start) {
                tokens.append(Token(kind: kind, location: start, end: index))
            }
        }
    }

    private var here: SourceLocation { SourceLocation(line: line, column: column, offset: index) }

    private func peek(_ ahead: Int = 0) -> UInt8 {
        index + ahead < bytes.count ? bytes[index + ahead] : 0
    }

    private mutating func advance() {
        let b = bytes[index]
        index += 1
        if b == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if b & 0xC0 != 0x80 {
            column += 1
        }
    }

    private mutating func skipTrivia() {
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\n") {
                advance()
            } else if b == UInt8(ascii: "#") {
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { advance() }
            } else {
                return
            }
        }
    }

    private static func isIdentifierStart(_ b: UInt8) -> Bool {
        (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || b == 95
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }

    private mutating func lexToken(start: SourceLocation) -> TokenKind? {
        let b = peek()
        if Lexer.isIdentifierStart(b) {
            let from = index
            while index < bytes.count, Lexer.isIdentifierStart(peek()) || Lexer.isDigit(peek()) { advance() }
            let word = String(decoding: bytes[from..<index], as: UTF8.self)
            if let keyword = Keyword(rawValue: word) { return .keyword(keyword) }
            return .identifier(word)
        }
        if Lexer.isDigit(b) || (b == UInt8(ascii: ".") && Lexer.isDigit(peek(1))) {
            return lexNumber(start: start)
        }
        if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
            return lexString(start: start)
        }
        // Operators, longest first.
        let two = index + 1 < bytes.count ? String(decoding: bytes[index...index + 1], as: UTF8.self) : ""
        if let symbol = Symbol(rawValue: two) {
            advance(); advance()
            return .symbol(symbol)
        }
        if b < 0x80, let symbol = Symbol(rawValue: String(UnicodeScalar(b))) {
            advance()
            return .symbol(symbol)
        }
        // Anything else: report the whole character and skip it.
        let from = index
        advance()
        while index < bytes.count, bytes[index] & 0xC0 == 0x80 { advance() }
        let text = String(decoding: bytes[from..<index], as: UTF8.self)
        diagnostics.append(Diagnostic("unexpected \(Lexer.describe(text))", at: start))
        return nil
    }

    /// A stray character as a message shows it: `character '@'`, `byte 0x07`, `character '→' (U+2192)`,
    /// and invisible ones by code point and name: `invisible character U+00A0 (no-break space)`.
    static func describe(_ text: String) -> String {
        guard let scalar = text.unicodeScalars.first else { return "character" }
        let v = scalar.value
        if v < 0x20 || v == 0x7F { return "byte \(hexByte(UInt8(v)))" }
        if v < 0x80 { return "character '\(text)'" }
        let hex = String(v, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        if v == 0xFEFF { return "byte-order mark (U+FEFF); only the start of a file may have one" }
        switch scalar.properties.generalCategory {
        case .format, .spaceSeparator, .lineSeparator, .paragraphSeparator, .control, .nonspacingMark, .enclosingMark:
            let name = scalar.properties.name?.lowercased()
            return "invisible character \(code)" + (name.map { " (\($0))" } ?? "")
        default:
            return "character '\(text)' (\(code))"
        }
    }

    private mutating func lexNumber(start: SourceLocation) -> TokenKind? {
        let from = index
        var isReal = false
        while Lexer.isDigit(peek()) { advance() }
        // A '.' starts a fraction unless it begins the range operator '..'.
        if peek() == UInt8(ascii: "."), peek(1) != UInt8(ascii: ".") {
            isReal = true
            advance()
            while Lexer.isDigit(peek()) { advance() }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            let sign = peek(1) == UInt8(ascii: "+") || peek(1) == UInt8(ascii: "-")
            if Lexer.isDigit(peek(sign ? 2 : 1)) {
                isReal = true
                advance()
                if sign { advance() }
                while Lexer.isDigit(peek()) { advance() }
            }
        }
        let text = String(decoding: bytes[from..<index], as: UTF8.self)
        if Lexer.isIdentifierStart(peek()) {
            diagnostics.append(Diagnostic("invalid number '\(text)\(String(UnicodeScalar(peek())))...': a name cannot start with a digit", at: start))
            while Lexer.isIdentifierStart(peek()) || Lexer.isDigit(peek()) { advance() }
            return .invalid
        }
        if isReal {
            guard let value = Double(text), value.isFinite else {
                diagnostics.append(Diagnostic("number '\(text)' is out of range", at: start))
                return .invalid
            }
            return .real(value)
        }
        guard let value = Int(text) else {
            diagnostics.append(Diagnostic("integer '\(text)' is too large (the limit is \(Int.max))", at: start))
            return .invalid
        }
        return .integer(value)
    }

    private mutating func lexString(start: SourceLocation) -> TokenKind? {
        let quote = peek()
        advance()
        var scalars: [UInt8] = []
        while true {
            guard index < bytes.count, peek() != UInt8(ascii: "\n") else {
                diagnostics.append(Diagnostic("unterminated string literal", at: start))
                return .string(String(decoding: scalars, as: UTF8.self))
            }
            let c = peek()
            advance()
            if c == quote { break }
            if c == UInt8(ascii: "\\") {
                guard index < bytes.count, peek() != UInt8(ascii: "\n") else { continue }
                let e = peek()
                let escapeStart = here
                advance()
                switch e {
                case UInt8(ascii: "n"): scalars.append(10)
                case UInt8(ascii: "t"): scalars.append(9)
                case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "'"): scalars.append(e)
                default:
                    // The whole character after the backslash, so a non-ASCII one is shown and skipped intact.
                    let from = index - 1
                    while index < bytes.count, bytes[index] & 0xC0 == 0x80 { advance() }
                    let shown = String(decoding: bytes[from..<index], as: UTF8.self)
                    diagnostics.append(Diagnostic("unknown escape sequence '\\\(shown)'", at: escapeStart))
                }
                continue
            }
            scalars.append(c)
        }
        return .string(String(decoding: scalars, as: UTF8.self))
    }
}
