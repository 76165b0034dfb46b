/// Reserved words of the RASP dialect.
public enum Keyword: String, Sendable, CaseIterable {
    case vocab, max_seq_len, causal, output, example
    case def, `return`, lambda
    case and, or, not, `if`, `else`
    case `true`, `false`, none
    case numerical, categorical
}

/// Punctuation and operators.
public enum Symbol: String, Sendable, CaseIterable {
    case leftBrace = "{", rightBrace = "}", leftParen = "(", rightParen = ")"
    case leftBracket = "[", rightBracket = "]"
    case comma = ",", semicolon = ";", colon = ":", assign = "=", range = "..", arrow = "->"
    case plus = "+", minus = "-", star = "*", slash = "/", slashSlash = "//", percent = "%", starStar = "**"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
}

public enum TokenKind: Sendable, Equatable {
    case identifier(String)
    case integer(Int)
    case real(Double)
    case string(String)
    case keyword(Keyword)
    case symbol(Symbol)
    /// A malformed literal (an integer too large, say); the lexer has reported it, and the parser
    /// reads it as an expression that failed, so nothing downstream reports it again.
    case invalid
    case endOfFile
}

public struct Token: Sendable, Equatable {
    public var kind: TokenKind
    public var location: SourceLocation
    /// Byte offset just past the token.
    public var end: Int

    public func `is`(_ symbol: Symbol) -> Bool { kind == .symbol(symbol) }
    public func `is`(_ keyword: Keyword) -> Bool { kind == .keyword(keyword) }

    /// How the token reads in a message: `';'`, `'vocab'`, `identifier 'x'`, `end of file`.
    public var spelling: String {
        switch kind {
        case .identifier(let s): return "'\(s)'"
        case .integer(let i): return "'\(i)'"
        case .real(let r): return "'\(r)'"
        case .string(let s): return "string \"\(s)\""
        case .keyword(let k): return "'\(k.rawValue)'"
        case .symbol(let s): return "'\(s.rawValue)'"
        case .invalid: return "an invalid literal"
        case .endOfFile: return "end of file"
        }
    }
}
