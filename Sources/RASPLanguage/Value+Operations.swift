/// Python semantics for the operators and builtins that lambda bodies may use.
///
/// Failures (division by zero, type errors, overflow, bad indices) throw `ValueError`; the caller turns
/// them into a diagnostic that names the value the lambda was applied to.
public struct ValueError: Error, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// Longest string or tuple a lambda may build (`"a" * n`), so no lambda allocates without bound.
let maximumBuiltLength = 10_000

extension Value {
    public static func apply(_ op: BinaryOperator, _ a: Value, _ b: Value) throws(ValueError) -> Value {
        switch op {
        case .add: return try add(a, b)
        case .subtract: return try arithmetic(op, a, b)
        case .multiply: return try multiply(a, b)
        case .divide: return try divide(a, b)
        case .floorDivide, .modulo: return try floorDivideOrModulo(op, a, b)
        case .power: return try power(a, b)
        case .equal: return .bool(a == b)
        case .notEqual: return .bool(a != b)
        case .less, .lessEqual, .greater, .greaterEqual: return .bool(try compare(op, a, b))
        case .and: return a.truthy ? b : a
        case .or: return a.truthy ? a : b
        }
    }

    public static func negate(_ a: Value) throws(ValueError) -> Value {
        switch a {
        case .bool(let b): return .int(b ? -1 : 0)
        case .int(let i):
            guard i != Int.min else { throw ValueError("integer overflow in -\(i)") }
            return .int(-i)
        case .real(let r): return .real(-r)
        default: throw ValueError("bad operand for unary -: \(a.kindName) \(a.quotedDescription)")
        }
    }

    /// `key OP query` for the comparison predicates of `select`.
    public static func compare(_ op: BinaryOperator, _ a: Value, _ b: Value) throws(ValueError) -> Bool {
        switch op {
        case .equal: return a == b
        case .notEqual: return a != b
        default: break
        }
        let less: Bool, equal: Bool
        switch (a, b) {
        case (.string(let x), .string(let y)):
            less = x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars)
            equal = a == b
        case (.tuple(let x), .tuple(let y)):
            var decided: Bool? = nil
            for (p, q) in zip(x, y) where p != q {
                decided = try compare(.less, p, q)
                break
            }
            less = decided ?? (x.count < y.count)
            equal = decided == nil && x.count == y.count
        default:
            guard let x = a.number, let y = b.number else {
                throw ValueError("cannot compare \(a.kindName) \(a.quotedDescription) with \(b.kindName) \(b.quotedDescription) using \(op.rawValue)")
            }
            if a.isIntegral, b.isIntegral, let i = a.exactInteger, let j = b.exactInteger {
                less = i < j
                equal = i == j
            } else {
                less = x < y
                equal = x == y
            }
        }
        switch op {
        case .less: return less
        case .lessEqual: return less || equal
        case .greater: return !less && !equal
        default: return !less
        }
    }

    private static func add(_ a: Value, _ b: Value) throws(ValueError) -> Value {
        switch (a, b) {
        case (.string(let x), .string(let y)):
            guard x.utf8.count + y.utf8.count <= maximumBuiltLength else { throw ValueError("string too long") }
            return .string(x + y)
        case (.tuple(let x), .tuple(let y)):
            guard x.count + y.count <= maximumBuiltLength else { throw ValueError("tuple too long") }
            return .tuple(x + y)
        default: return try arithmetic(.add, a, b)
        }
    }

    private static func multiply(_ a: Value, _ b: Value) throws(ValueError) -> Value {
        switch (a, b) {
        case (.string, _) where b.isIntegral, (.tuple, _) where b.isIntegral:
            return try repeatValue(a, b.exactInteger!)
        case (_, .string) where a.isIntegral, (_, .tuple) where a.isIntegral:
            return try repeatValue(b, a.exactInteger!)
        default: return try arithmetic(.multiply, a, b)
        }
    }

    private static func repeatValue(_ v: Value, _ n: Int) throws(ValueError) -> Value {
        let count = max(0, n)
        switch v {
        case .string(let s):
            guard s.utf8.count.multipliedReportingOverflow(by: count).partialValue <= maximumBuiltLength, count <= maximumBuiltLength else { throw ValueError("string too long") }
            return .string(String(repeating: s, count: count))
        case .tuple(let t):
            guard t.count.multipliedReportingOverflow(by: count).partialValue <= maximumBuiltLength, count <= maximumBuiltLength else { throw ValueError("tuple too long") }
            return .tuple(Array([[Value]](repeating: t, count: count).joined()))
        default: return v
        }
    }

    /// `+ - *` on numbers: exact on integers (overflow is an error), IEEE on reals.
    private static func arithmetic(_ op: BinaryOperator, _ a: Value, _ b: Value) throws(ValueError) -> Value {
        guard let x = a.number, let y = b.number else {
            throw ValueError("unsupported operand types for \(op.rawValue): \(a.kindName) \(a.quotedDescription) and \(b.kindName) \(b.quotedDescription)")
        }
        if a.isIntegral, b.isIntegral {
            let i = a.exactInteger!, j = b.exactInteger!
            let (r, overflow): (Int, Bool)
            switch op {
            case .add: (r, overflow) = i.addingReportingOverflow(j)
            case .subtract: (r, overflow) = i.subtractingReportingOverflow(j)
            default: (r, overflow) = i.multipliedReportingOverflow(by: j)
            }
            if overflow { throw ValueError("integer overflow in \(i) \(op.rawValue) \(j)") }
            return .int(r)
        }
        let r: Double
        switch op {
        case .add: r = x + y
        case .subtract: r = x - y
        default: r = x * y
        }
        return try finite(r, op, a, b)
    }

    private static func finite(_ r: Double, _ op: BinaryOperator, _ a: Value, _ b: Value) throws(ValueError) -> Value {
        guard r.isFinite else { throw ValueError("\(a.quotedDescription) \(op.rawValue) \(b.quotedDescription) is not a finite number") }
        return .real(r)
    }

    private static func divide(_ a: Value, _ b: Value) throws(ValueError) -> Value {
        guard let x = a.number, let y = b.number else {
            throw ValueError("unsupported operand types for /: \(a.kindName) \(a.quotedDescription) and \(b.kindName) \(b.quotedDescription)")
        }
        guard y != 0 else { throw ValueError("division by zero") }
        return try finite(x / y, .divide, a, b)
    }

    /// Python's `//` and `%`: the quotient is floored and the remainder has the divisor's sign.
    private static func floorDivideOrModulo(_ op: BinaryOperator, _ a: Value, _ b: Value) throws(ValueError) -> Value {
        guard let x = a.number, let y = b.number else {
            throw ValueError("unsupported operand types for \(op.rawValue): \(a.kindName) \(a.quotedDescription) and \(b.kindName) \(b.quotedDescription)")
        }
        guard y != 0 else { throw ValueError(op == .modulo ? "modulo by zero" : "division by zero") }
        if a.isIntegral, b.isIntegral {
            let i = a.exactInteger!, j = b.exactInteger!
            if i == Int.min, j == -1 { throw ValueError("integer overflow in \(i) \(op.rawValue) \(j)") }
            var q = i / j, r = i % j
            if r != 0, (r < 0) != (j < 0) { q -= 1; r += j }
            return .int(op == .floorDivide ? q : r)
        }
        let q = (x / y).rounded(.down)
        if op == .floorDivide { return try finite(q, op, a, b) }
        var r = x.truncatingRemainder(dividingBy: y)
        if r != 0, (r < 0) != (y < 0) { r += y }
        return try finite(r, op, a, b)
    }

    private static func power(_ a: Value, _ b: Value) throws(ValueError) -> Value {
        guard let x = a.number, let y = b.number else {
            throw ValueError("unsupported operand types for **: \(a.kindName) \(a.quotedDescription) and \(b.kindName) \(b.quotedDescription)")
        }
        if a.isIntegral, b.isIntegral {
            let base = a.exactInteger!, exponent = b.exactInteger!
            if exponent >= 0 {
                var result = 1, factor = base, e = exponent
                while e > 0 {
                    if e & 1 == 1 {
                        let (r, o) = result.multipliedReportingOverflow(by: factor)
                        if o { throw ValueError("integer overflow in \(base) ** \(exponent)") }
                        result = r
                    }
                    e >>= 1
                    if e > 0 {
                        let (f, o) = factor.multipliedReportingOverflow(by: factor)
                        if o { throw ValueError("integer overflow in \(base) ** \(exponent)") }
                        factor = f
                    }
                }
                return .int(result)
            }
            if base == 0 { throw ValueError("0 cannot be raised to a negative power") }
        }
        if x == 0, y < 0 { throw ValueError("0 cannot be raised to a negative power") }
        if x < 0, y.rounded() != y { throw ValueError("\(a.quotedDescription) ** \(b.quotedDescription) is not a real number") }
        return try finite(pow(x, y), .power, a, b)
    }
}

/// The functions a lambda body may call.
public enum Builtin: String, Sendable, CaseIterable {
    case abs, min, max, int, float, round

    public func call(_ args: [Value]) throws(ValueError) -> Value {
        switch self {
        case .abs:
            guard args.count == 1 else { throw ValueError("abs() takes 1 argument, got \(args.count)") }
            switch args[0] {
            case .bool(let b): return .int(b ? 1 : 0)
            case .int(let i):
                guard i != Int.min else { throw ValueError("integer overflow in abs(\(i))") }
                return .int(Swift.abs(i))
            case .real(let r): return .real(Swift.abs(r))
            default: throw ValueError("abs() needs a number, got \(args[0].kindName) \(args[0].quotedDescription)")
            }
        case .min, .max:
            var items = args
            if args.count == 1, case .tuple(let t) = args[0] { items = t }
            guard !items.isEmpty else { throw ValueError("\(rawValue)() needs at least one value") }
            var best = items[0]
            for v in items.dropFirst() {
                let better = try self == .min ? Value.compare(.less, v, best) : Value.compare(.greater, v, best)
                if better { best = v }
            }
            return best
        case .int:
            guard args.count == 1 else { throw ValueError("int() takes 1 argument, got \(args.count)") }
            switch args[0] {
            case .bool(let b): return .int(b ? 1 : 0)
            case .int: return args[0]
            case .real(let r):
                guard r.isFinite, Swift.abs(r) < 9.2e18 else { throw ValueError("int() cannot convert \(Value.formatReal(r))") }
                return .int(Int(r))
            case .string(let s):
                guard let i = Int(s.trimmingSpaces) else { throw ValueError("int() cannot parse \"\(s)\"") }
                return .int(i)
            default: throw ValueError("int() cannot convert \(args[0].kindName) \(args[0].quotedDescription)")
            }
        case .float:
            guard args.count == 1 else { throw ValueError("float() takes 1 argument, got \(args.count)") }
            switch args[0] {
            case .bool, .int, .real: return .real(args[0].number!)
            case .string(let s):
                guard let r = Double(s.trimmingSpaces), r.isFinite else { throw ValueError("float() cannot parse \"\(s)\"") }
                return .real(r)
            default: throw ValueError("float() cannot convert \(args[0].kindName) \(args[0].quotedDescription)")
            }
        case .round:
            guard args.count == 1 || args.count == 2 else { throw ValueError("round() takes 1 or 2 arguments, got \(args.count)") }
            guard let x = args[0].number else { throw ValueError("round() needs a number, got \(args[0].kindName) \(args[0].quotedDescription)") }
            if args.count == 1 {
                if args[0].isIntegral { return .int(args[0].exactInteger!) }
                let r = x.rounded(.toNearestOrEven)
                guard Swift.abs(r) < 9.2e18 else { throw ValueError("round() cannot convert \(Value.formatReal(x))") }
                return .int(Int(r))
            }
            guard let digits = args[1].exactInteger, args[1].isIntegral else { throw ValueError("round()'s second argument must be an integer") }
            if args[0].isIntegral, digits >= 0 { return args[0] }
            let scale = pow(10.0, Double(Swift.max(-300, Swift.min(300, digits))))
            let r = (x * scale).rounded(.toNearestOrEven) / scale
            return .real(r.isFinite ? r : x)
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
