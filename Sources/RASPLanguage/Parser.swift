/// A recursive-descent parser that collects diagnostics and recovers at statement boundaries.
///
/// Termination: every loop either consumes a token or leaves through `synchronize()`, which consumes
/// at least one token unless it is already at a statement boundary or the end of the file. Nesting is
/// bounded by `maximumNesting`, so deep input yields a diagnostic, never a stack overflow.
public struct Parser {
    /// Deepest nesting of parentheses and operators the parser follows before refusing the expression.
    public static let maximumNesting = 128
    /// Most diagnostics reported for one file; past this the parser stops.
    public static let maximumDiagnostics = 50

    let source: SourceFile
    var tokens: [Token]
    var position = 0
    var nesting = 0
    /// Set when the current statement hit the nesting limit; the statement is abandoned.
    var abandoned = false
    public private(set) var diagnostics: [Diagnostic] = []

    /// Lines where the lexer reported a problem: parser errors there would only repeat it.
    var linesWithLexerErrors: Set<Int> = []
    /// Whether the file is binary (not UTF-8 text); nothing else is reported then.
    public private(set) var isBinary = false

    public init(source: SourceFile) {
        self.source = source
        var lexer = Lexer(source: source)
        self.tokens = lexer.tokenize()
        self.diagnostics = lexer.diagnostics
        self.linesWithLexerErrors = Set(lexer.diagnostics.map(\.location.line))
        self.isBinary = lexer.isBinary
    }

    /// Parses the whole file. Diagnostics, if any, are in `diagnostics`.
    public mutating func parseProgram() -> [Statement] {
        var statements: [Statement] = []
        while !atEnd, diagnostics.count < Parser.maximumDiagnostics {
            let before = position
            if let s = parseStatement(topLevel: true) { statements.append(s) }
            if position == before { advance() }
        }
        if diagnostics.count >= Parser.maximumDiagnostics {
            diagnostics.append(Diagnostic("too many errors; stopping", at: current.location))
        }
        return statements
    }

    // MARK: Token access

    var current: Token { tokens[position] }
    var atEnd: Bool { if case .endOfFile = current.kind { return true } else { return false } }

    func peek(_ ahead: Int) -> Token {
        tokens[min(position + ahead, tokens.count - 1)]
    }

    @discardableResult
    mutating func advance() -> Token {
        let t = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return t
    }

    mutating func accept(_ symbol: Symbol) -> Bool {
        if current.is(symbol) { advance(); return true }
        return false
    }

    mutating func accept(_ keyword: Keyword) -> Bool {
        if current.is(keyword) { advance(); return true }
        return false
    }

    /// The location just after the previous token, where a missing `;` belongs.
    var afterPrevious: SourceLocation {
        position == 0 ? current.location : source.location(ofOffset: tokens[position - 1].end)
    }

    mutating func error(_ message: String, at location: SourceLocation) {
        guard !linesWithLexerErrors.contains(location.line) else { return }
        if diagnostics.count < Parser.maximumDiagnostics { diagnostics.append(Diagnostic(message, at: location)) }
    }

    mutating func expect(_ symbol: Symbol, _ context: String) -> Bool {
        if accept(symbol) { return true }
        if symbol == .semicolon || symbol == .rightParen || symbol == .rightBracket || symbol == .rightBrace {
            error("expected '\(symbol.rawValue)' \(context)", at: afterPrevious)
        } else {
            error("expected '\(symbol.rawValue)' \(context), found \(current.spelling)", at: current.location)
        }
        return false
    }

    /// Skips to just past the next `;` (or to a `}` / end of file), so parsing resumes at a statement.
    mutating func synchronize() {
        let startLine = current.location.line
        while !atEnd {
            if current.is(.rightBrace) { return }
            // A statement keyword or `name =` at the start of a later line begins the next statement.
            if current.location.line > startLine, isFirstOnLine, atStatementStart { return }
            if advance().is(.semicolon) { return }
        }
    }

    var isFirstOnLine: Bool {
        position == 0 || tokens[position - 1].location.line < current.location.line
    }

    /// Whether the current token can start a statement (used to recover from a missing `;`).
    var atStatementStart: Bool {
        switch current.kind {
        case .keyword(let k):
            return [.vocab, .max_seq_len, .causal, .output, .example, .def, .numerical, .categorical, .return].contains(k)
        case .identifier:
            return peek(1).is(.assign)
        case .symbol(.rightBrace), .endOfFile:
            return true
        default:
            return false
        }
    }

    /// Ends a statement: a `;`, or a diagnostic and recovery.
    mutating func endStatement(_ what: String) {
        if accept(.semicolon) { return }
        error("expected ';' after \(what)", at: afterPrevious)
        if !atStatementStart { synchronize() }
    }

    // MARK: Statements

    mutating func parseStatement(topLevel: Bool) -> Statement? {
        abandoned = false
        let start = current.location
        switch current.kind {
        case .keyword(.vocab) where topLevel:
            advance()
            guard let items = parseVocabItems() else { return nil }
            endStatement("vocab")
            return .vocab(items, location: start)
        case .keyword(.max_seq_len) where topLevel:
            advance()
            var value: Int? = nil
            if case .integer(let n) = current.kind {
                value = n
                advance()
            } else if current.is(.minus), case .integer(let n) = peek(1).kind {
                advance(); advance()
                value = -n
            } else {
                error("expected an integer after 'max_seq_len', found \(current.spelling)", at: current.location)
                synchronize()
                return nil
            }
            endStatement("max_seq_len")
            return value.map { .maxSeqLen($0, location: start) }
        case .keyword(.causal) where topLevel:
            advance()
            endStatement("causal")
            return .causal(location: start)
        case .keyword(.output) where topLevel:
            advance()
            guard case .identifier(let name) = current.kind else {
                error("expected a name after 'output', found \(current.spelling)", at: current.location)
                synchronize()
                return nil
            }
            advance()
            endStatement("output")
            return .output(name, location: start)
        case .keyword(.example) where topLevel:
            advance()
            guard let input = parseLiteralList("example input") else { synchronize(); return nil }
            guard expect(.arrow, "between an example's input and output") else { synchronize(); return nil }
            guard let output = parseLiteralList("example output") else { synchronize(); return nil }
            endStatement("example")
            return .example(input: input, output: output, location: start)
        case .identifier("inputs") where topLevel && peek(1).kind == .identifier("distinct"):
            advance(); advance()
            endStatement("inputs distinct")
            return .distinctInputs(location: start)
        case .keyword(.def) where topLevel:
            return parseDefinition()
        case .keyword(.def):
            error("macros can only be defined at the top level", at: start)
            synchronize()
            return nil
        case .keyword(.numerical), .keyword(.categorical), .identifier:
            return parseAssignment()
        case .keyword(let k) where [.vocab, .max_seq_len, .causal, .output, .example].contains(k):
            error("'\(k.rawValue)' is only allowed at the top level, not inside a macro", at: start)
            synchronize()
            return nil
        case .keyword(.return):
            error("'return' is only allowed at the end of a macro body", at: start)
            synchronize()
            return nil
        default:
            error("expected a declaration or a statement, found \(current.spelling)", at: start)
            synchronize()
            return nil
        }
    }

    mutating func parseAssignment() -> Statement? {
        let start = current.location
        var encoding: Encoding? = nil
        if accept(.numerical) { encoding = .numerical } else if accept(.categorical) { encoding = .categorical }
        guard case .identifier(let name) = current.kind else {
            if case .keyword(let k) = current.kind {
                error("'\(k.rawValue)' is a reserved word and cannot be used as a name", at: current.location)
            } else {
                error("expected a name to bind, found \(current.spelling)", at: current.location)
            }
            synchronize()
            return nil
        }
        advance()
        // A binding that fails to parse still binds its name (to an error), so later uses are quiet.
        func failed() -> Statement { .assign(name: name, encoding: encoding, value: errorExpr(start), location: start) }
        guard accept(.assign) else {
            if current.is(.leftParen) {
                error("a statement must bind a name: write 'name = \(name)(...);'", at: start)
                synchronize()
                return nil
            }
            error("expected '=' after '\(name)', found \(current.spelling)", at: current.location)
            synchronize()
            return failed()
        }
        let value = parseExpression()
        if abandoned {
            synchronize()
            return failed()
        }
        endStatement("the binding of '\(name)'")
        return .assign(name: name, encoding: encoding, value: value, location: start)
    }

    mutating func parseDefinition() -> Statement? {
        let start = current.location
        advance()
        guard case .identifier(let name) = current.kind else {
            error("expected a macro name after 'def', found \(current.spelling)", at: current.location)
            synchronize()
            return nil
        }
        advance()
        var parameters: [String] = []
        guard expect(.leftParen, "after the macro name") else { synchronize(); return nil }
        if !current.is(.rightParen) {
            repeat {
                guard case .identifier(let p) = current.kind else {
                    error("expected a parameter name, found \(current.spelling)", at: current.location)
                    synchronize()
                    return nil
                }
                if parameters.contains(p) { error("duplicate parameter '\(p)'", at: current.location) }
                parameters.append(p)
                advance()
            } while accept(.comma)
        }
        guard expect(.rightParen, "after the macro's parameters") else { synchronize(); return nil }
        guard expect(.leftBrace, "to begin the macro body") else { synchronize(); return nil }
        var body: [Statement] = []
        var result: Expr? = nil
        while !atEnd, !current.is(.rightBrace), diagnostics.count < Parser.maximumDiagnostics {
            let before = position
            if current.is(.return) {
                advance()
                let e = parseExpression()
                if abandoned { synchronize() } else { endStatement("return") }
                if result != nil { error("a macro has exactly one 'return', at its end", at: e.location) }
                result = e
            } else {
                if result != nil {
                    error("statements after 'return' are not allowed", at: current.location)
                }
                if let s = parseStatement(topLevel: false) { body.append(s) }
            }
            if position == before { advance() }
        }
        guard accept(.rightBrace) else {
            error("expected '}' to end the body of macro '\(name)'", at: current.location)
            return nil
        }
        guard let result else {
            error("macro '\(name)' has no 'return'", at: start)
            return nil
        }
        return .define(MacroDefinition(name: name, parameters: parameters, body: body, result: result, location: start))
    }

    mutating func parseVocabItems() -> [LiteralSyntax]? {
        guard expect(.leftBrace, "after 'vocab'") else { synchronize(); return nil }
        var items: [LiteralSyntax] = []
        if accept(.rightBrace) { return items }
        repeat {
            if current.is(.rightBrace) { break }  // trailing comma
            guard let literal = parseLiteral(allowTuples: false) else { synchronize(); return nil }
            if accept(.range) {
                guard let upper = parseLiteral(allowTuples: false) else { synchronize(); return nil }
                guard case .int(let lo) = literal.value, case .int(let hi) = upper.value else {
                    error("a vocab range needs integer bounds, as in {1..5}", at: literal.location)
                    synchronize()
                    return nil
                }
                guard lo <= hi else {
                    error("empty vocab range \(lo)..\(hi)", at: literal.location)
                    synchronize()
                    return nil
                }
                guard hi.subtractingReportingOverflow(lo).partialValue < 10_000, hi - lo >= 0 else {
                    error("vocab range \(lo)..\(hi) has more than 10,000 values", at: literal.location)
                    synchronize()
                    return nil
                }
                for v in lo...hi { items.append(LiteralSyntax(value: .int(v), location: literal.location)) }
            } else {
                items.append(literal)
            }
        } while accept(.comma)
        guard expect(.rightBrace, "to close the vocab") else { synchronize(); return nil }
        return items
    }

    mutating func parseLiteralList(_ what: String) -> [LiteralSyntax]? {
        guard accept(.leftBracket) else {
            error("expected '[' to begin the \(what), found \(current.spelling)", at: current.location)
            return nil
        }
        var items: [LiteralSyntax] = []
        if accept(.rightBracket) { return items }
        repeat {
            if current.is(.rightBracket) { break }
            guard let literal = parseLiteral(allowTuples: true) else { return nil }
            items.append(literal)
        } while accept(.comma)
        guard expect(.rightBracket, "to close the \(what)") else { return nil }
        return items
    }

    /// A literal value: string, number (optionally negative), true/false/none, or a tuple of literals.
    mutating func parseLiteral(allowTuples: Bool, depth: Int = 0) -> LiteralSyntax? {
        let start = current.location
        switch current.kind {
        case .string(let s): advance(); return LiteralSyntax(value: .string(s), location: start)
        case .integer(let i): advance(); return LiteralSyntax(value: .int(i), location: start)
        case .real(let r): advance(); return LiteralSyntax(value: .real(r), location: start)
        case .keyword(.true): advance(); return LiteralSyntax(value: .bool(true), location: start)
        case .keyword(.false): advance(); return LiteralSyntax(value: .bool(false), location: start)
        case .keyword(.none): advance(); return LiteralSyntax(value: .none, location: start)
        case .invalid: advance(); return nil  // the lexer reported it
        case .symbol(.minus):
            advance()
            switch current.kind {
            case .integer(let i): advance(); return LiteralSyntax(value: .int(-i), location: start)
            case .real(let r): advance(); return LiteralSyntax(value: .real(-r), location: start)
            case .invalid: advance(); return nil
            default:
                error("expected a number after '-', found \(current.spelling)", at: current.location)
                return nil
            }
        case .symbol(.leftParen) where allowTuples && depth < 16:
            advance()
            var items: [Value] = []
            if !current.is(.rightParen) {
                repeat {
                    if current.is(.rightParen) { break }
                    guard let item = parseLiteral(allowTuples: true, depth: depth + 1) else { return nil }
                    items.append(item.value)
                } while accept(.comma)
            }
            guard expect(.rightParen, "to close the tuple") else { return nil }
            return LiteralSyntax(value: .tuple(items), location: start)
        default:
            error("expected a literal value, found \(current.spelling)", at: start)
            return nil
        }
    }
}
