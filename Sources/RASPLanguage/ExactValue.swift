/// A value compared exactly: the same kind and the same payload (reals by bit pattern), unlike `Value`'s
/// Python equality, under which `true == 1 == 1.0`. Tables keyed by it never merge two values that a
/// lambda could tell apart (`t[1]` works where `t[1.0]` fails).
public struct ExactValue: Hashable, Sendable {
    public let value: Value

    public init(_ value: Value) { self.value = value }

    public static func == (a: ExactValue, b: ExactValue) -> Bool { identical(a.value, b.value) }

    /// Identical values are equal under Python equality, so `Value`'s hash is consistent with `==` here.
    public func hash(into h: inout Hasher) { value.hash(into: &h) }

    static func identical(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.none, .none): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.real(let x), .real(let y)): return x.bitPattern == y.bitPattern
        case (.string(let x), .string(let y)): return x.unicodeScalars.elementsEqual(y.unicodeScalars)
        case (.tuple(let x), .tuple(let y)): return x.count == y.count && zip(x, y).allSatisfy { identical($0, $1) }
        default: return false
        }
    }
}

/// Numbers the distinct values of a column (exactly, as `ExactValue`): `ids[i]` is the number of the
/// i-th value, -1 for `none`, and `values[k]` is the value numbered k.
struct ValueNumbering {
    var ids: [Int32]
    var values: [Value] = []

    init(count: Int, _ value: (Int) -> Value) {
        var seen: [ExactValue: Int32] = [:]
        ids = [Int32](repeating: -1, count: count)
        for i in 0..<count {
            let v = value(i)
            if v.isNone { continue }
            let key = ExactValue(v)
            if let id = seen[key] { ids[i] = id; continue }
            let id = Int32(values.count)
            seen[key] = id
            values.append(v)
            ids[i] = id
        }
    }
}
