/// A RASP value: what one position of an s-op holds.
///
/// Equality and hashing follow Python, the language of tracr: `true == 1 == 1.0`, and a set never holds
/// two equal values. `none` is tracr's `None` ("no value").
public enum Value: Sendable {
    case none
    case bool(Bool)
    case int(Int)
    case real(Double)
    case string(String)
    case tuple([Value])

    /// The numeric value of a bool, int or real.
    public var number: Double? {
        switch self {
        case .bool(let b): return b ? 1 : 0
        case .int(let i): return Double(i)
        case .real(let r): return r
        default: return nil
        }
    }

    /// The value as an exact integer, if it is a bool, an int, or an integral real.
    public var exactInteger: Int? {
        switch self {
        case .bool(let b): return b ? 1 : 0
        case .int(let i): return i
        case .real(let r):
            if r.rounded() == r, abs(r) < 9.2e18 { return Int(r) }
            return nil
        default: return nil
        }
    }

    public var isNumeric: Bool { number != nil }
    public var isNone: Bool { if case .none = self { return true } else { return false } }

    /// Python truthiness.
    public var truthy: Bool {
        switch self {
        case .none: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .real(let r): return r != 0
        case .string(let s): return !s.isEmpty
        case .tuple(let t): return !t.isEmpty
        }
    }

    /// A short name of the value's kind for messages.
    public var kindName: String {
        switch self {
        case .none: return "none"
        case .bool: return "bool"
        case .int: return "int"
        case .real: return "real"
        case .string: return "string"
        case .tuple: return "tuple"
        }
    }
}

extension Value: Equatable {
    public static func == (a: Value, b: Value) -> Bool {
        switch (a, b) {
        case (.none, .none): return true
        case (.string(let x), .string(let y)): return x.unicodeScalars.elementsEqual(y.unicodeScalars)
        case (.tuple(let x), .tuple(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        default:
            if let x = a.number, let y = b.number {
                // Compare ints exactly; mix with reals through Double.
                if let i = a.exactInteger, let j = b.exactInteger, a.isIntegral, b.isIntegral { return i == j }
                return x == y
            }
            return false
        }
    }

    var isIntegral: Bool {
        switch self {
        case .bool, .int: return true
        default: return false
        }
    }
}

extension Value: Hashable {
    public func hash(into h: inout Hasher) {
        switch self {
        case .none: h.combine(0)
        case .string(let s):
            h.combine(2)
            for u in s.unicodeScalars { h.combine(u.value) }
        case .tuple(let t):
            h.combine(3)
            h.combine(t.count)
            for v in t { v.hash(into: &h) }
        default:
            // Numbers hash by their Double value, which is what `==` compares across kinds, so that true,
            // 1 and 1.0 collide as in Python, and so do an int and a real equal after rounding (2^63 - 1
            // and 9.223372036854776e18). Distinct ints past 2^53 may share a hash; that is only a collision.
            h.combine(1)
            let x = number!
            h.combine(x == 0 ? 0 : x.bitPattern)
        }
    }
}

extension Value {
    /// A total order for sorting value sets and printing: none, then numbers by value, then strings,
    /// then tuples (lexicographic). Equal numbers of different kinds order bool < int < real.
    public static func order(_ a: Value, _ b: Value) -> Bool {
        let ra = a.rank, rb = b.rank
        if ra != rb { return ra < rb }
        switch (a, b) {
        case (.string(let x), .string(let y)):
            return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars)
        case (.tuple(let x), .tuple(let y)):
            for (p, q) in zip(x, y) where p != q || p.kindRank != q.kindRank {
                return order(p, q)
            }
            return x.count < y.count
        default:
            if let x = a.number, let y = b.number {
                if x != y { return x < y }
                return a.kindRank < b.kindRank
            }
            return false
        }
    }

    private var rank: Int {
        switch self {
        case .none: return 0
        case .bool, .int, .real: return 1
        case .string: return 2
        case .tuple: return 3
        }
    }

    private var kindRank: Int {
        switch self {
        case .none: return 0
        case .bool: return 1
        case .int: return 2
        case .real: return 3
        case .string: return 4
        case .tuple: return 5
        }
    }
}

extension Value: CustomStringConvertible {
    /// The printed form: `true`/`false`, integers, the shortest round-tripping decimal for reals,
    /// strings bare, tuples as `(a, b)`, and `none`.
    public var description: String {
        switch self {
        case .none: return "none"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .real(let r): return Value.formatReal(r)
        case .string(let s): return s
        case .tuple(let t):
            if t.count == 1 { return "(\(t[0].quotedDescription),)" }
            return "(" + t.map(\.quotedDescription).joined(separator: ", ") + ")"
        }
    }

    /// Like `description`, but strings are quoted (used inside tuples and in messages).
    public var quotedDescription: String {
        if case .string(let s) = self { return "\"\(s)\"" }
        return description
    }

    /// Shortest round-tripping decimal, always with a '.', 'e', 'inf' or 'nan' so it reads as a real.
    public static func formatReal(_ r: Double) -> String {
        if r.isNaN { return "nan" }
        if r.isInfinite { return r < 0 ? "-inf" : "inf" }
        return r.description
    }
}

extension Value {
    /// Equality with reals compared within `tolerance` (absolute, or relative for large magnitudes);
    /// everything else as `==`. Used for examples and for comparing a compiled model with the interpreter.
    public func matches(_ other: Value, tolerance: Double) -> Bool {
        switch (self, other) {
        case (.tuple(let a), .tuple(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.matches($1, tolerance: tolerance) }
        default:
            if let x = number, let y = other.number, case .real = self {
                return abs(x - y) <= tolerance * max(1, abs(y))
            }
            if let x = number, let y = other.number, case .real = other {
                return abs(x - y) <= tolerance * max(1, abs(y))
            }
            return self == other
        }
    }
}

extension Array where Element == Value {
    /// Element-wise `Value.matches`.
    public func matches(_ other: [Value], tolerance: Double) -> Bool {
        count == other.count && zip(self, other).allSatisfy { $0.matches($1, tolerance: tolerance) }
    }
}
