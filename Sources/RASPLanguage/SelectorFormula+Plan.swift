extension SelectorFormula {
    /// A selector formula prepared for evaluation on many cells (`SelectorEvaluator`).
    ///
    /// Leaves that read the same keys and queries with the same built-in predicate (a comparison or a
    /// constant) form one class: they agree on every cell, so each class is evaluated once per cell.
    /// The formula becomes a postfix program over classes and, with at most `truthTableClasses` classes,
    /// a truth table indexed by the classes' results as bits (`2^classes` entries), so the cost of a cell
    /// does not grow with the formula's length.
    struct Plan: Sendable {
        enum Step: Sendable { case leaf(Int), and, or, not }

        /// Most classes for which a truth table (2^classes entries) is built.
        static let truthTableClasses = 10

        /// The class of every leaf, and a leaf of every class.
        var classOfLeaf: [Int] = []
        var representative: [Int] = []
        var program: [Step] = []
        /// The formula's value for every assignment of the classes' results (bit c: class c selects).
        var truth: [Bool]? = nil

        init(formula: Formula, leaves: [Leaf]) {
            for (i, leaf) in leaves.enumerated() {
                if let c = representative.firstIndex(where: { Plan.agree(leaves[$0], leaf) }) {
                    classOfLeaf.append(c)
                } else {
                    classOfLeaf.append(representative.count)
                    representative.append(i)
                }
            }
            append(formula)
            if representative.count <= Plan.truthTableClasses {
                var stack: [Int32] = []
                truth = (0..<(1 << representative.count)).map { bits in
                    run(&stack) { Int32((bits >> $0) & 1) } == 1
                }
            }
        }

        private mutating func append(_ f: Formula) {
            switch f {
            case .leaf(let i): program.append(.leaf(classOfLeaf[i]))
            case .and(let a, let b): append(a); append(b); program.append(.and)
            case .or(let a, let b): append(a); append(b); program.append(.or)
            case .not(let a): append(a); program.append(.not)
            }
        }

        /// Whether two leaves select the same cells: the same s-ops and the same built-in predicate.
        private static func agree(_ a: Leaf, _ b: Leaf) -> Bool {
            guard a.keys == b.keys, a.queries == b.queries else { return false }
            switch (a.predicate, b.predicate) {
            case (.comparison(let x), .comparison(let y)): return x == y
            case (.constant(let x), .constant(let y)): return x == y
            default: return false
            }
        }

        /// Runs the program on one cell given each class's code there (0 false, 1 true, 2 + e failure e).
        /// Equal to the formula's short-circuit evaluation: `a and b` is `a` unless `a` is true, `a or b`
        /// is `a` unless `a` is false, and a failure propagates as the first failure met.
        func run(_ stack: inout [Int32], _ code: (Int) -> Int32) -> Int32 {
            stack.removeAll(keepingCapacity: true)
            for step in program {
                switch step {
                case .leaf(let c): stack.append(code(c))
                case .not:
                    let a = stack[stack.count - 1]
                    if a < 2 { stack[stack.count - 1] = 1 - a }
                case .and:
                    let b = stack.removeLast(), a = stack[stack.count - 1]
                    if a == 1 { stack[stack.count - 1] = b }
                case .or:
                    let b = stack.removeLast(), a = stack[stack.count - 1]
                    if a == 0 { stack[stack.count - 1] = b }
                }
            }
            return stack[0]
        }
    }
}
