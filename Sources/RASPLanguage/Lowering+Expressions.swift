extension Lowering {
    /// Lowers an expression at the s-op level.
    mutating func lower(_ e: Expr, in scope: Scope) -> Term {
        switch e.kind {
        case .error: return .invalid
        case .integer(let i): return .constant(.int(i))
        case .real(let r): return .constant(.real(r))
        case .string(let s): return .constant(.string(s))
        case .bool(let b): return .constant(.bool(b))
        case .none: return .constant(.none)
        case .name(let name): return resolve(name, at: e.location, in: scope)
        case .lambda(let parameters, let body): return .lambda(parameters: parameters, body: body, scope: ScopeBox(scope))
        case .comparisonOperator(let op): return .predicate(op)
        case .unary(let op, let operand):
            let term = lower(operand, in: scope)
            if case .selector(let s) = term {
                guard op == .not else {
                    error("'-' cannot be applied to a selector", at: e.location)
                    return .invalid
                }
                selectors.append(SelectorNode(operation: .not(s), location: e.location))
                return .selector(selectors.count - 1)
            }
            return elementwise(.unary(op, .parameter(0)), [term], at: e.location, in: scope)
        case .binary(let op, let a, let b):
            let x = lower(a, in: scope), y = lower(b, in: scope)
            return binary(op, x, y, at: e.location, in: scope)
        case .conditional(let then, let condition, let otherwise):
            let terms = [lower(then, in: scope), lower(condition, in: scope), lower(otherwise, in: scope)]
            return elementwise(.conditional(then: .parameter(0), condition: .parameter(1), otherwise: .parameter(2)), terms, at: e.location, in: scope)
        case .tuple(let items):
            let terms = items.map { lower($0, in: scope) }
            if terms.contains(where: { if case .sop = $0 { return true } else { return false } }) {
                error("a tuple of s-ops is not an s-op; build one with zipmap(lambda a, b: (a, b), x, y)", at: e.location)
                return .invalid
            }
            return elementwise(.tuple(items.indices.map { .parameter($0) }), terms, at: e.location, in: scope)
        case .index(let base, let index):
            return elementwise(.index(.parameter(0), .parameter(1)), [lower(base, in: scope), lower(index, in: scope)], at: e.location, in: scope)
        case .call(let name, let nameLocation, let arguments):
            return call(name, nameLocation: nameLocation, arguments: arguments, at: e.location, in: scope)
        }
    }

    mutating func binary(_ op: BinaryOperator, _ x: Term, _ y: Term, at location: SourceLocation, in scope: Scope) -> Term {
        switch (x, y) {
        case (.selector(let s), .selector(let t)) where op == .and || op == .or:
            selectors.append(SelectorNode(operation: op == .and ? .and(s, t) : .or(s, t), location: location))
            return .selector(selectors.count - 1)
        case (.selector, _), (_, .selector):
            if case .invalid = x { return .invalid }
            if case .invalid = y { return .invalid }
            if op == .and || op == .or {
                error("'\(op.rawValue)' combines two selectors or two s-ops, not \(describe(x)) and \(describe(y))", at: location)
            } else {
                error("'\(op.rawValue)' needs s-ops or constants, not a selector", at: location)
            }
            return .invalid
        case (.sop(let a), .sop(let b)) where (op == .add || op == .subtract) && nodes[a].encoding == .numerical && nodes[b].encoding == .numerical:
            // tracr's LinearSequenceMap: both numerical, + or -.
            let id = addNode(.linearSequenceMap(a, b, .int(1), .int(op == .add ? 1 : -1)), kind: "linear_sequence_map", encoding: .categorical, at: location, prefix: scope.prefix)
            return .sop(id)
        default:
            return elementwise(.binary(op, .parameter(0), .parameter(1)), [x, y], at: location, in: scope)
        }
    }

    // MARK: Calls

    mutating func call(_ name: String, nameLocation: SourceLocation, arguments: [Expr], at location: SourceLocation, in scope: Scope) -> Term {
        if let bound = scope.names[name] ?? globals.names[name] {
            // A name bound at the top level or in this macro is never also a macro or a builtin.
            if !isInvalid(bound.term) { error("'\(name)' is \(describe(bound.term)), not a function", at: nameLocation) }
            return .invalid
        }
        if let m = macros[name] { return expandMacro(m, arguments: arguments, at: nameLocation, in: scope) }
        if let builtin = Builtin(rawValue: name) {
            let terms = arguments.map { lower($0, in: scope) }
            return elementwise(.builtin(builtin, terms.indices.map { .parameter($0) }), terms, at: location, in: scope)
        }
        func arity(_ counts: ClosedRange<Int>, _ usage: String) -> Bool {
            if counts.contains(arguments.count) { return true }
            let expected = counts.lowerBound == counts.upperBound ? "\(counts.lowerBound)" : "\(counts.lowerBound) or \(counts.upperBound)"
            error("\(name) takes \(expected) argument\(counts.upperBound == 1 ? "" : "s"), got \(arguments.count): \(usage)", at: nameLocation)
            return false
        }
        switch name {
        case "select":
            guard arity(3...3, "select(keys, queries, predicate)") else { return .invalid }
            let keys = lower(arguments[0], in: scope), queries = lower(arguments[1], in: scope)
            guard let k = expectSOp(keys, "select's keys", at: arguments[0].location),
                  let q = expectSOp(queries, "select's queries", at: arguments[1].location),
                  let predicate = selectPredicate(lower(arguments[2], in: scope), at: arguments[2].location) else { return .invalid }
            selectors.append(SelectorNode(operation: .select(keys: k, queries: q, predicate: predicate), location: location))
            return .selector(selectors.count - 1)
        case "aggregate":
            guard arity(2...3, "aggregate(selector, sop) or aggregate(selector, sop, 0)") else { return .invalid }
            let sel = lower(arguments[0], in: scope), sop = lower(arguments[1], in: scope)
            var defaultValue = Value.none
            if arguments.count == 3 {
                let term = lower(arguments[2], in: scope)
                guard case .constant(let d) = term else {
                    if !isInvalid(term) { error("aggregate's default must be the constant 0", at: arguments[2].location) }
                    return .invalid
                }
                guard d.isNone || (d.isNumeric && d == .int(0)) else {
                    error("aggregate's default must be 0 (a numerical mean) or left out (none), not \(d.quotedDescription)", at: arguments[2].location)
                    return .invalid
                }
                defaultValue = d.isNone ? .none : .int(0)
            }
            guard let s = expectSelector(sel, "aggregate's first argument", at: arguments[0].location),
                  let x = expectSOp(sop, "aggregate's second argument", at: arguments[1].location) else { return .invalid }
            return .sop(addNode(.aggregate(selector: s, input: x, default: defaultValue), kind: "aggregate", at: location, prefix: scope.prefix))
        case "selector_width":
            guard arity(1...1, "selector_width(selector)") else { return .invalid }
            guard let s = expectSelector(lower(arguments[0], in: scope), "selector_width's argument", at: arguments[0].location) else { return .invalid }
            return .sop(addNode(.selectorWidth(selector: s), kind: "selector_width", at: location, prefix: scope.prefix))
        case "map":
            guard arity(2...2, "map(lambda x: ..., sop)") else { return .invalid }
            let f = lower(arguments[0], in: scope), s = lower(arguments[1], in: scope)
            guard let lambda = compileLambda(f, arity: 1, "map's function", at: arguments[0].location),
                  let x = expectSOp(s, "map's second argument", at: arguments[1].location) else { return .invalid }
            return .sop(makeMap(lambda, input: x, at: location, prefix: scope.prefix))
        case "zipmap":
            guard arguments.count >= 3 else {
                error("zipmap takes a lambda and at least two s-ops, got \(arguments.count) argument\(arguments.count == 1 ? "" : "s"): zipmap(lambda x, y: ..., a, b)", at: nameLocation)
                return .invalid
            }
            let f = lower(arguments[0], in: scope)
            var inputs: [Int] = []
            for a in arguments.dropFirst() {
                guard let x = expectSOp(lower(a, in: scope), "zipmap's argument", at: a.location) else { return .invalid }
                inputs.append(x)
            }
            guard let lambda = compileLambda(f, arity: inputs.count, "zipmap's function", at: arguments[0].location) else { return .invalid }
            return .sop(zipmap(lambda, inputs, at: location, prefix: scope.prefix))
        case "shift":
            guard arity(2...2, "shift(sop, n)") else { return .invalid }
            guard let x = expectSOp(lower(arguments[0], in: scope), "shift's first argument", at: arguments[0].location) else { return .invalid }
            let term = lower(arguments[1], in: scope)
            guard case .constant(let n) = term, n.isIntegral, let offset = n.exactInteger else {
                if !isInvalid(term) { error("shift's offset must be an integer constant", at: arguments[1].location) }
                return .invalid
            }
            // aggregate(select(indices, indices, lambda k, q: q == k + n), sop), as tracr's shift_by.
            let body = ValueCode.binary(.equal, .parameter(1), .binary(.add, .parameter(0), .constant(.int(offset))))
            let predicate = Predicate.lambda(Lambda(arity: 2, body: body, location: location))
            selectors.append(SelectorNode(operation: .select(keys: Lowering.indicesNode, queries: Lowering.indicesNode, predicate: predicate), location: location))
            return .sop(addNode(.aggregate(selector: selectors.count - 1, input: x, default: .none), kind: "shift", at: location, prefix: scope.prefix))
        case "numerical", "categorical":
            guard arity(1...1, "\(name)(sop)") else { return .invalid }
            let firstNew = nodes.count
            let term = lower(arguments[0], in: scope)
            return annotate(term, name == "numerical" ? .numerical : .categorical, label: nil, at: location, firstNew: firstNew)
        default:
            unknownName(name, at: nameLocation, in: scope, callable: true)
            return .invalid
        }
    }

    func isInvalid(_ term: Term) -> Bool { if case .invalid = term { return true } else { return false } }

    mutating func expectSOp(_ term: Term, _ what: String, at location: SourceLocation) -> Int? {
        switch term {
        case .sop(let id): return id
        case .invalid: return nil
        default:
            error("\(what) must be an s-op, but it is \(describe(term))", at: location)
            return nil
        }
    }

    mutating func expectSelector(_ term: Term, _ what: String, at location: SourceLocation) -> Int? {
        switch term {
        case .selector(let id): return id
        case .invalid: return nil
        default:
            error("\(what) must be a selector, but it is \(describe(term))", at: location)
            return nil
        }
    }

    mutating func selectPredicate(_ term: Term, at location: SourceLocation) -> Predicate? {
        switch term {
        case .predicate(let op): return .comparison(op)
        case .constant(.bool(let b)): return .constant(b)
        case .lambda:
            guard let f = compileLambda(term, arity: 2, "select's predicate", at: location) else { return nil }
            return .lambda(f)
        case .invalid: return nil
        default:
            error("select's predicate must be a comparison (== != < <= > >=), true, false, or lambda k, q: ...; got \(describe(term))", at: location)
            return nil
        }
    }

    // MARK: Element-wise functions

    /// `map`, fusing a map of a map into one map (tracr's `Map(simplify=True)`), of at most
    /// `Limits.maximumFusedMaps` lambdas.
    mutating func makeMap(_ f: Lambda, input: Int, at location: SourceLocation, prefix: String) -> Int {
        if case .map(let g, let inner) = nodes[input].operation {
            if g.count < Limits.maximumFusedMaps {
                return addNode(.map(g.appending(f), input: inner), kind: "map", at: location, prefix: prefix)
            }
            error("this map of a map would fuse \(g.count + 1) maps into one (a map of a map is one map); the limit is \(Limits.maximumFusedMaps)", at: location)
        }
        return addNode(.map(MapFunction(steps: [f]), input: input), kind: "map", at: location, prefix: prefix)
    }

    /// A function of two or more s-ops: one sequence map for two; for more, sequence maps that build
    /// tuples and a final map that spreads them (tracr's `make_nary_sequencemap`).
    mutating func zipmap(_ f: Lambda, _ inputs: [Int], at location: SourceLocation, prefix: String) -> Int {
        if inputs.count == 2 {
            return addNode(.sequenceMap(f, inputs[0], inputs[1]), kind: "sequence_map", at: location, prefix: prefix)
        }
        let pair = Lambda(arity: 2, body: .tuple([.parameter(0), .parameter(1)]), location: location)
        var acc = addNode(.sequenceMap(pair, inputs[0], inputs[1]), kind: "sequence_map", at: location, prefix: prefix)
        let append = Lambda(arity: 2, body: .binary(.add, .parameter(0), .tuple([.parameter(1)])), location: location)
        for x in inputs.dropFirst(2) {
            acc = addNode(.sequenceMap(append, acc, x), kind: "sequence_map", at: location, prefix: prefix)
        }
        var spread = f
        spread.spreadsTuple = true
        return makeMap(spread, input: acc, at: location, prefix: prefix)
    }

    /// Applies `code` (over parameter slots, one per operand) element-wise: constants are folded in,
    /// and the s-op operands become a map, a sequence map, or a zipmap.
    mutating func elementwise(_ code: ValueCode, _ operands: [Term], at location: SourceLocation, in scope: Scope) -> Term {
        var slots: [ValueCode] = []
        var sops: [Int] = []
        for term in operands {
            switch term {
            case .invalid: return .invalid
            case .constant(let v): slots.append(.constant(v))
            case .sop(let id):
                slots.append(.parameter(sops.count))
                sops.append(id)
            default:
                error("expected an s-op or a constant here, but this is \(describe(term))", at: location)
                return .invalid
            }
        }
        let body = code.substituting(slots)
        if sops.isEmpty {
            do throws(ValueError) {
                return .constant(try body.evaluate([]))
            } catch {
                self.error(error.message, at: location)
                return .invalid
            }
        }
        let f = Lambda(arity: sops.count, body: body, location: location)
        if sops.count == 1 { return .sop(makeMap(f, input: sops[0], at: location, prefix: scope.prefix)) }
        return .sop(zipmap(f, sops, at: location, prefix: scope.prefix))
    }

    // MARK: Lambdas

    /// Compiles a lambda term of the given arity; its body may use its parameters, literals, the
    /// constants a macro was called with, and the builtins `abs min max int float round`.
    mutating func compileLambda(_ term: Term, arity: Int, _ what: String, at location: SourceLocation) -> Lambda? {
        switch term {
        case .lambda(let parameters, let body, let scope):
            guard parameters.count == arity else {
                error("\(what) must take \(arity) parameter\(arity == 1 ? "" : "s"), but this lambda takes \(parameters.count)", at: location)
                return nil
            }
            guard let code = compileBody(body, parameters: parameters, scope: scope.scope) else { return nil }
            return Lambda(arity: arity, body: code, location: location)
        case .invalid: return nil
        default:
            error("\(what) must be a lambda, but it is \(describe(term))", at: location)
            return nil
        }
    }

    mutating func compileBody(_ e: Expr, parameters: [String], scope: Scope) -> ValueCode? {
        func sub(_ x: Expr) -> ValueCode? { compileBody(x, parameters: parameters, scope: scope) }
        switch e.kind {
        case .error: return nil
        case .integer(let i): return .constant(.int(i))
        case .real(let r): return .constant(.real(r))
        case .string(let s): return .constant(.string(s))
        case .bool(let b): return .constant(.bool(b))
        case .none: return .constant(.none)
        case .name(let name):
            if let i = parameters.firstIndex(of: name) { return .parameter(i) }
            if let v = scope.constant(name) { return .constant(v) }
            if let bound = scope.names[name] ?? globals.names[name] {
                if !isInvalid(bound.term) {
                    error("a lambda body can use only its parameters and constants, but '\(name)' is \(describe(bound.term))", at: e.location)
                }
                return nil
            }
            if Lowering.primitiveNames.contains(name) {
                error("a lambda body can use only its parameters and constants, but '\(name)' is an s-op", at: e.location)
                return nil
            }
            if let suggestion = suggest(name, among: { parameters + Array(scope.names.keys) }) {
                error("unknown name '\(name)' in lambda; did you mean '\(suggestion)'?", at: e.location)
            } else {
                error("unknown name '\(name)' in lambda", at: e.location)
            }
            return nil
        case .unary(let op, let x):
            return sub(x).map { .unary(op, $0) }
        case .binary(let op, let a, let b):
            guard let x = sub(a), let y = sub(b) else { return nil }
            return .binary(op, x, y)
        case .conditional(let t, let c, let o):
            guard let x = sub(t), let y = sub(c), let z = sub(o) else { return nil }
            return .conditional(then: x, condition: y, otherwise: z)
        case .tuple(let items):
            var codes: [ValueCode] = []
            for item in items {
                guard let c = sub(item) else { return nil }
                codes.append(c)
            }
            return .tuple(codes)
        case .index(let a, let b):
            guard let x = sub(a), let y = sub(b) else { return nil }
            return .index(x, y)
        case .call(let name, let nameLocation, let arguments):
            guard let f = Builtin(rawValue: name) else {
                if Lowering.functionNames.contains(name) || macros[name] != nil {
                    error("'\(name)' works on s-ops and cannot be called inside a lambda", at: nameLocation)
                } else if let suggestion = closestName(to: name, among: Builtin.allCases.map(\.rawValue)) {
                    error("unknown function '\(name)' in lambda; did you mean '\(suggestion)'?", at: nameLocation)
                } else {
                    error("unknown function '\(name)' in lambda (available: abs, min, max, int, float, round)", at: nameLocation)
                }
                return nil
            }
            var codes: [ValueCode] = []
            for a in arguments {
                guard let c = sub(a) else { return nil }
                codes.append(c)
            }
            return .builtin(f, codes)
        case .lambda:
            error("lambdas cannot be nested", at: e.location)
            return nil
        case .comparisonOperator(let op):
            error("'\(op.rawValue)' needs operands here", at: e.location)
            return nil
        }
    }
}

extension ValueCode {
    /// Replaces parameter `i` by `slots[i]` (a constant or a renumbered parameter).
    func substituting(_ slots: [ValueCode]) -> ValueCode {
        switch self {
        case .constant: return self
        case .parameter(let i): return slots[i]
        case .unary(let op, let x): return .unary(op, x.substituting(slots))
        case .binary(let op, let a, let b): return .binary(op, a.substituting(slots), b.substituting(slots))
        case .conditional(let t, let c, let o): return .conditional(then: t.substituting(slots), condition: c.substituting(slots), otherwise: o.substituting(slots))
        case .tuple(let items): return .tuple(items.map { $0.substituting(slots) })
        case .index(let a, let b): return .index(a.substituting(slots), b.substituting(slots))
        case .builtin(let f, let args): return .builtin(f, args.map { $0.substituting(slots) })
        }
    }
}
