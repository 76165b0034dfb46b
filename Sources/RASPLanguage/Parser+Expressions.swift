/// Expressions: precedence climbing over the binary operators, prefix operators, calls, indexing,
/// tuples and lambdas, with every recursion bounded by `Parser.maximumNesting`.
// MARK: Expressions

extension Parser {
    /// Precedence of binary operators, loosest first, as in Python.
    static func precedence(_ op: BinaryOperator) -> Int {
        switch op {
        case .or: return 1
        case .and: return 2
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: return 4
        case .add, .subtract: return 5
        case .multiply, .divide, .floorDivide, .modulo: return 6
        case .power: return 8
        }
    }
    static let notPrecedence = 3
    static let unaryMinusPrecedence = 7

    var currentBinaryOperator: BinaryOperator? {
        switch current.kind {
        case .keyword(.or): return .or
        case .keyword(.and): return .and
        case .symbol(let s):
            switch s {
            case .plus: return .add
            case .minus: return .subtract
            case .star: return .multiply
            case .slash: return .divide
            case .slashSlash: return .floorDivide
            case .percent: return .modulo
            case .starStar: return .power
            case .equal: return .equal
            case .notEqual: return .notEqual
            case .less: return .less
            case .lessEqual: return .lessEqual
            case .greater: return .greater
            case .greaterEqual: return .greaterEqual
            default: return nil
            }
        default: return nil
        }
    }

    /// Enters one level of nesting; false (with a diagnostic, once per statement) past the limit.
    mutating func enter() -> Bool {
        if abandoned { return false }
        nesting += 1
        if nesting > Parser.maximumNesting {
            error("expression is nested too deeply (the limit is \(Parser.maximumNesting) levels)", at: current.location)
            abandoned = true
            return false
        }
        return true
    }

    mutating func leave() { nesting -= 1 }

    func errorExpr(_ location: SourceLocation) -> Expr { Expr(.error, at: location) }

    /// Builds a node, refusing trees deeper than the nesting limit (long operator chains).
    mutating func make(_ kind: Expr.Kind, at location: SourceLocation) -> Expr {
        let e = Expr(kind, at: location)
        if e.height > Parser.maximumNesting, !abandoned {
            error("expression is nested too deeply (the limit is \(Parser.maximumNesting) levels)", at: location)
            abandoned = true
            return errorExpr(location)
        }
        return e
    }

    /// `expression := then 'if' condition 'else' otherwise | or-expression`
    mutating func parseExpression() -> Expr {
        let start = current.location
        guard enter() else { return errorExpr(start) }
        defer { leave() }
        let then = parseBinary(minimum: 1)
        guard !abandoned, accept(.if) else { return then }
        let condition = parseBinary(minimum: 1)
        guard !abandoned else { return errorExpr(start) }
        guard accept(.else) else {
            error("expected 'else' in conditional expression, found \(current.spelling)", at: current.location)
            return errorExpr(start)
        }
        let otherwise = parseExpression()
        return make(.conditional(then: then, condition: condition, otherwise: otherwise), at: then.location)
    }

    /// Precedence climbing over the binary operators.
    mutating func parseBinary(minimum: Int) -> Expr {
        let start = current.location
        guard enter() else { return errorExpr(start) }
        defer { leave() }
        var lhs = parsePrefix()
        while !abandoned, let op = currentBinaryOperator {
            let p = Parser.precedence(op)
            guard p >= minimum else { break }
            let opLocation = current.location
            advance()
            let rhs: Expr
            if op == .power {
                rhs = parseBinary(minimum: Parser.unaryMinusPrecedence)  // right-associative, allows 2 ** -1
            } else {
                rhs = parseBinary(minimum: p + 1)
            }
            lhs = make(.binary(op, lhs, rhs), at: opLocation)
            if op.isComparison, let next = currentBinaryOperator, next.isComparison {
                error("comparisons cannot be chained; combine them with 'and'", at: current.location)
                advance()
                _ = parseBinary(minimum: p + 1)
            }
        }
        return lhs
    }

    mutating func parsePrefix() -> Expr {
        let start = current.location
        if accept(.not) {
            guard enter() else { return errorExpr(start) }
            defer { leave() }
            let operand = parseBinary(minimum: Parser.notPrecedence)
            return make(.unary(.not, operand), at: start)
        }
        if accept(.minus) {
            guard enter() else { return errorExpr(start) }
            defer { leave() }
            let operand = parseBinary(minimum: Parser.unaryMinusPrecedence)
            return make(.unary(.negate, operand), at: start)
        }
        return parsePostfix()
    }

    mutating func parsePostfix() -> Expr {
        var e = parsePrimary()
        while !abandoned {
            if current.is(.leftBracket) {
                let location = current.location
                advance()
                let index = parseExpression()
                _ = expect(.rightBracket, "after the index")
                e = make(.index(e, index), at: location)
            } else if current.is(.leftParen) {
                error("only names can be called", at: current.location)
                advance()
                return errorExpr(e.location)
            } else {
                break
            }
        }
        return e
    }

    mutating func parsePrimary() -> Expr {
        let start = current.location
        switch current.kind {
        case .integer(let i): advance(); return Expr(.integer(i), at: start)
        case .real(let r): advance(); return Expr(.real(r), at: start)
        case .string(let s): advance(); return Expr(.string(s), at: start)
        case .keyword(.true): advance(); return Expr(.bool(true), at: start)
        case .keyword(.false): advance(); return Expr(.bool(false), at: start)
        case .keyword(.none): advance(); return Expr(.none, at: start)
        case .invalid: advance(); return errorExpr(start)  // the lexer reported it
        case .keyword(.lambda): return parseLambda()
        case .keyword(.numerical), .keyword(.categorical):
            // `numerical(e)` / `categorical(e)` annotate an expression.
            let name = current.is(.numerical) ? "numerical" : "categorical"
            advance()
            guard current.is(.leftParen) else {
                error("expected '(' after '\(name)'", at: current.location)
                return errorExpr(start)
            }
            return parseCall(name: name, nameLocation: start)
        case .identifier(let name):
            advance()
            if current.is(.leftParen) { return parseCall(name: name, nameLocation: start) }
            return Expr(.name(name), at: start)
        case .symbol(.leftParen):
            advance()
            if accept(.rightParen) { return Expr(.tuple([]), at: start) }
            let first = parseExpression()
            if accept(.rightParen) { return first }
            guard current.is(.comma) else {
                if !abandoned { _ = expect(.rightParen, "to close the parenthesis") }
                return first.kind.isError ? first : errorExpr(start)
            }
            var items = [first]
            while accept(.comma), !abandoned {
                if current.is(.rightParen) { break }
                items.append(parseExpression())
            }
            if !abandoned { _ = expect(.rightParen, "to close the tuple") }
            return make(.tuple(items), at: start)
        default:
            error("expected an expression, found \(current.spelling)", at: start)
            return errorExpr(start)
        }
    }

    mutating func parseCall(name: String, nameLocation: SourceLocation) -> Expr {
        advance()  // '('
        var arguments: [Expr] = []
        if !current.is(.rightParen) {
            repeat {
                if abandoned { return errorExpr(nameLocation) }
                if current.is(.rightParen) { break }
                // A bare comparison operator is a select predicate: select(k, q, <=).
                if case .symbol(let s) = current.kind,
                   let op = BinaryOperator(rawValue: s.rawValue), op.isComparison,
                   peek(1).is(.comma) || peek(1).is(.rightParen) {
                    arguments.append(Expr(.comparisonOperator(op), at: current.location))
                    advance()
                    continue
                }
                arguments.append(parseExpression())
            } while accept(.comma)
        }
        if abandoned { return errorExpr(nameLocation) }
        guard accept(.rightParen) else {
            error("expected ')' or ',' in the arguments of '\(name)', found \(current.spelling)", at: current.location)
            return errorExpr(nameLocation)
        }
        return make(.call(name: name, nameLocation: nameLocation, arguments: arguments), at: nameLocation)
    }

    mutating func parseLambda() -> Expr {
        let start = current.location
        advance()
        var parameters: [String] = []
        if !current.is(.colon) {
            repeat {
                guard case .identifier(let p) = current.kind else {
                    error("expected a lambda parameter, found \(current.spelling)", at: current.location)
                    return errorExpr(start)
                }
                if parameters.contains(p) { error("duplicate lambda parameter '\(p)'", at: current.location) }
                parameters.append(p)
                advance()
            } while accept(.comma)
        }
        guard accept(.colon) else {
            error("expected ':' after the lambda's parameters, found \(current.spelling)", at: current.location)
            return errorExpr(start)
        }
        let body = parseExpression()
        return make(.lambda(parameters: parameters, body: body), at: start)
    }
}

extension Expr.Kind {
    var isError: Bool { if case .error = self { return true } else { return false } }
}
