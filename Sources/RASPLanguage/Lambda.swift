/// The compiled body of a lambda: a small tree over parameter slots and constants, evaluated with
/// Python semantics. Trees are at most `Parser.maximumNesting` deep, so evaluation is bounded.
public indirect enum ValueCode: Sendable {
    case constant(Value)
    case parameter(Int)
    case unary(UnaryOperator, ValueCode)
    case binary(BinaryOperator, ValueCode, ValueCode)
    case conditional(then: ValueCode, condition: ValueCode, otherwise: ValueCode)
    case tuple([ValueCode])
    case index(ValueCode, ValueCode)
    case builtin(Builtin, [ValueCode])

    public func evaluate(_ arguments: [Value]) throws(ValueError) -> Value {
        switch self {
        case .constant(let v): return v
        case .parameter(let i): return arguments[i]
        case .unary(.negate, let e): return try Value.negate(e.evaluate(arguments))
        case .unary(.not, let e): return .bool(!(try e.evaluate(arguments).truthy))
        case .binary(.and, let a, let b):
            let x = try a.evaluate(arguments)
            return x.truthy ? try b.evaluate(arguments) : x
        case .binary(.or, let a, let b):
            let x = try a.evaluate(arguments)
            return x.truthy ? x : try b.evaluate(arguments)
        case .binary(let op, let a, let b):
            return try Value.apply(op, a.evaluate(arguments), b.evaluate(arguments))
        case .conditional(let then, let condition, let otherwise):
            return try condition.evaluate(arguments).truthy ? then.evaluate(arguments) : otherwise.evaluate(arguments)
        case .tuple(let items):
            var values: [Value] = []
            values.reserveCapacity(items.count)
            for item in items { values.append(try item.evaluate(arguments)) }
            return .tuple(values)
        case .index(let base, let index):
            let b = try base.evaluate(arguments), i = try index.evaluate(arguments)
            guard let k = i.exactInteger, i.isIntegral else { throw ValueError("index must be an integer, got \(i.kindName) \(i.quotedDescription)") }
            switch b {
            case .tuple(let t):
                let j = k < 0 ? k + t.count : k
                guard j >= 0, j < t.count else { throw ValueError("index \(k) is out of range for \(b.quotedDescription)") }
                return t[j]
            case .string(let s):
                let chars = Array(s)
                let j = k < 0 ? k + chars.count : k
                guard j >= 0, j < chars.count else { throw ValueError("index \(k) is out of range for \(b.quotedDescription)") }
                return .string(String(chars[j]))
            default:
                throw ValueError("cannot index \(b.kindName) \(b.quotedDescription)")
            }
        case .builtin(let f, let args):
            var values: [Value] = []
            for a in args { values.append(try a.evaluate(arguments)) }
            return try f.call(values)
        }
    }
}

/// A function of one or more values, written as a lambda or generated from an operator (`x + 1`).
public struct Lambda: Sendable {
    public var arity: Int
    public var body: ValueCode
    /// Where the lambda (or the operator that generated it) is written.
    public var location: SourceLocation
    /// When true the single argument is a tuple spread over the parameters (n-ary zipmap's final map).
    public var spreadsTuple: Bool

    public init(arity: Int, body: ValueCode, location: SourceLocation, spreadsTuple: Bool = false) {
        self.arity = arity
        self.body = body
        self.location = location
        self.spreadsTuple = spreadsTuple
    }

    public func callAsFunction(_ arguments: [Value]) throws(ValueError) -> Value {
        if spreadsTuple, arguments.count == 1, case .tuple(let items) = arguments[0] {
            guard items.count == arity else { throw ValueError("expected a tuple of \(arity) values, got \(arguments[0].quotedDescription)") }
            return try body.evaluate(items)
        }
        return try body.evaluate(arguments)
    }
}

/// The predicate of a `select`, always called as `predicate(key, query)` like tracr's.
public enum Predicate: Sendable {
    case comparison(BinaryOperator)
    case constant(Bool)
    case lambda(Lambda)

    /// Whether the query position selects the key position. A `none` key or query is never selected:
    /// its one-hot encoding is all zero, so the compiled attention head cannot select it either.
    public func callAsFunction(key: Value, query: Value) throws(ValueError) -> Bool {
        if key.isNone || query.isNone { return false }
        switch self {
        case .constant(let b): return b
        case .comparison(let op): return try Value.compare(op, key, query)
        case .lambda(let f): return try f([key, query]).truthy
        }
    }

    public var description: String {
        switch self {
        case .comparison(let op): return op.rawValue
        case .constant(let b): return b ? "true" : "false"
        case .lambda: return "lambda"
        }
    }

    /// A predicate that is the negation of this one (`not select(k, q, P)` is `select(k, q, not P)`).
    public func negated(at location: SourceLocation) -> Predicate {
        switch self {
        case .constant(let b): return .constant(!b)
        case .comparison(let op):
            let opposite: [BinaryOperator: BinaryOperator] = [.equal: .notEqual, .notEqual: .equal, .less: .greaterEqual,
                                                            .greaterEqual: .less, .greater: .lessEqual, .lessEqual: .greater]
            if let o = opposite[op] { return .comparison(o) }
            return self
        case .lambda(let f):
            return .lambda(Lambda(arity: 2, body: .unary(.not, f.body), location: f.location))
        }
    }
}
