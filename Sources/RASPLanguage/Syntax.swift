/// The syntax tree the parser builds: statements and expressions, each with its source location.

public enum UnaryOperator: String, Sendable { case negate = "-", not = "not" }

public enum BinaryOperator: String, Sendable, CaseIterable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", floorDivide = "//", modulo = "%", power = "**"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case and, or

    public var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: return true
        default: return false
        }
    }
}

/// An expression node. `height` is the depth of the tree below it; the parser refuses trees that are
/// too deep, so every later recursive pass is bounded.
public final class Expr: Sendable {
    public enum Kind: Sendable {
        case name(String)
        case integer(Int)
        case real(Double)
        case string(String)
        case bool(Bool)
        case none
        case unary(UnaryOperator, Expr)
        case binary(BinaryOperator, Expr, Expr)
        /// `then if condition else otherwise`
        case conditional(then: Expr, condition: Expr, otherwise: Expr)
        case call(name: String, nameLocation: SourceLocation, arguments: [Expr])
        case index(Expr, Expr)
        case tuple([Expr])
        case lambda(parameters: [String], body: Expr)
        /// A bare comparison operator used as a `select` predicate: `select(k, q, <=)`.
        case comparisonOperator(BinaryOperator)
        /// Stands in for an expression that failed to parse; its diagnostic was already reported.
        case error
    }

    public let kind: Kind
    public let location: SourceLocation
    public let height: Int

    public init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
        var h = 0
        switch kind {
        case .unary(_, let e): h = e.height
        case .binary(_, let a, let b): h = max(a.height, b.height)
        case .conditional(let a, let b, let c): h = max(a.height, b.height, c.height)
        case .call(_, _, let args): h = args.map(\.height).max() ?? 0
        case .index(let a, let b): h = max(a.height, b.height)
        case .tuple(let items): h = items.map(\.height).max() ?? 0
        case .lambda(_, let body): h = body.height
        default: h = 0
        }
        self.height = h + 1
    }
}

/// A literal written in a `vocab` or `example` line.
public struct LiteralSyntax: Sendable {
    public var value: Value
    public var location: SourceLocation
}

public struct MacroDefinition: Sendable {
    public var name: String
    public var parameters: [String]
    public var body: [Statement]
    public var result: Expr
    public var location: SourceLocation
}

public enum Statement: Sendable {
    case vocab([LiteralSyntax], location: SourceLocation)
    case maxSeqLen(Int, location: SourceLocation)
    case causal(location: SourceLocation)
    case distinctInputs(location: SourceLocation)
    case output(String, location: SourceLocation)
    case example(input: [LiteralSyntax], output: [LiteralSyntax], location: SourceLocation)
    case define(MacroDefinition)
    case assign(name: String, encoding: Encoding?, value: Expr, location: SourceLocation)

    public var location: SourceLocation {
        switch self {
        case .vocab(_, let l), .maxSeqLen(_, let l), .causal(let l), .distinctInputs(let l), .output(_, let l): return l
        case .example(_, _, let l), .assign(_, _, _, let l): return l
        case .define(let m): return m.location
        }
    }
}

/// How an s-op is laid out in the residual stream: one dimension per value, or one dimension holding the value.
public enum Encoding: String, Sendable, Hashable { case categorical, numerical }
