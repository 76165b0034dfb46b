/// A selector as its leaf `select`s and a boolean formula over them (`and`, `or`, `not`).
///
/// Both the interpreter and the compiler evaluate combined selectors through this one definition:
/// a query selects a key when no leaf sees `none` there and the formula over the leaves' predicates
/// holds. That is exactly what the compiled tuple construction (RASP.md 3.5) computes, since a tuple
/// with a `none` component is `none` and is never selected.
public struct SelectorFormula: Sendable {
    public struct Leaf: Sendable {
        public var keys: Int
        public var queries: Int
        public var predicate: Predicate
    }

    public indirect enum Formula: Sendable {
        case leaf(Int)
        case and(Formula, Formula)
        case or(Formula, Formula)
        case not(Formula)

        public func evaluate(_ leaf: (Int) throws(ValueError) -> Bool) throws(ValueError) -> Bool {
            switch self {
            case .leaf(let i): return try leaf(i)
            case .and(let a, let b):
                if !(try a.evaluate(leaf)) { return false }
                return try b.evaluate(leaf)
            case .or(let a, let b):
                if try a.evaluate(leaf) { return true }
                return try b.evaluate(leaf)
            case .not(let a): return try !a.evaluate(leaf)
            }
        }
    }

    public var leaves: [Leaf]
    public var formula: Formula
    public var location: SourceLocation
    /// The formula prepared for `SelectorEvaluator`: leaf classes, a postfix program, a truth table.
    let plan: Plan

    /// Builds the formula of selector `s` of a program.
    public init(program: Program, selector s: Int) {
        var leaves: [Leaf] = []
        func build(_ s: Int) -> Formula {
            switch program.selectors[s].operation {
            case .select(let k, let q, let p):
                leaves.append(Leaf(keys: k, queries: q, predicate: p))
                return .leaf(leaves.count - 1)
            case .and(let a, let b): return .and(build(a), build(b))
            case .or(let a, let b): return .or(build(a), build(b))
            case .not(let a): return .not(build(a))
            }
        }
        formula = build(s)
        self.leaves = leaves
        location = program.selectors[s].location
        plan = Plan(formula: formula, leaves: leaves)
    }

    /// Whether the selector is a single `select` (possibly negated): no tuples are needed to compile it.
    public var isSingleSelect: Bool { leaves.count == 1 }

    /// The value of the selector for one key and one query position, given each leaf's key and query value.
    public func selects(keys: (Int) -> Value, queries: (Int) -> Value) throws(ValueError) -> Bool {
        for i in leaves.indices where keys(i).isNone || queries(i).isNone { return false }
        return try formula.evaluate { (i: Int) throws(ValueError) -> Bool in
            try leaves[i].predicate(key: keys(i), query: queries(i))
        }
    }
}
