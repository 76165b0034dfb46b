/// Turns the syntax tree into the s-op graph: resolves names, expands macros, builds maps, sequence
/// maps, aggregates and selectors, applies encodings, and labels every s-op.
///
/// Problems become diagnostics; lowering goes on after one, with the faulty binding left unbound.
struct Lowering {
    /// What an expression denotes while lowering.
    indirect enum Term {
        case sop(Int)
        case selector(Int)
        case constant(Value)
        case lambda(parameters: [String], body: Expr, scope: ScopeBox)
        case predicate(BinaryOperator)
        /// An expression whose error was already reported.
        case invalid
    }

    /// A snapshot of a scope held by a lambda term (a class, so `Term` and `Scope` can refer to each other).
    final class ScopeBox {
        let scope: Scope
        init(_ scope: Scope) { self.scope = scope }
    }

    /// Names visible in a macro body (its parameters and locals) or at the top level.
    struct Scope {
        var names: [String: (term: Term, location: SourceLocation)] = [:]
        /// Label prefix of s-ops bound here: "" at the top level, "f." or "f#2." in a macro call.
        var prefix = ""
        var isTopLevel = true

        func constant(_ name: String) -> Value? {
            if case .constant(let v)? = names[name]?.term { return v }
            return nil
        }
    }

    static let primitiveNames = ["tokens", "indices", "length"]
    static let functionNames = ["select", "aggregate", "selector_width", "map", "zipmap", "shift", "numerical", "categorical"]
    /// Macro expansion depth limit (macros calling macros).
    static let maximumExpansionDepth = 64
    /// Unknown names per program that get a "did you mean" suggestion.
    static let maximumSuggestions = 50

    var nodes: [SOpNode] = []
    var selectors: [SelectorNode] = []
    var diagnostics: [Diagnostic] = []
    var globals = Scope()
    var macros: [String: MacroDefinition] = [:]
    var macroCalls: [String: Int] = [:]
    var expansionStack: [String] = []
    var unnamedCounters: [String: Int] = [:]
    var lengthNode: Int? = nil
    var lastAssigned: Int? = nil
    var suggestionsLeft = Lowering.maximumSuggestions

    init() {
        nodes.append(SOpNode(label: "tokens", encoding: .categorical, operation: .tokens, location: .unknown))
        nodes.append(SOpNode(label: "indices", encoding: .categorical, operation: .indices, location: .unknown))
    }

    static let tokensNode = 0
    static let indicesNode = 1

    mutating func error(_ message: String, at location: SourceLocation, notes: [Diagnostic] = []) {
        diagnostics.append(Diagnostic(message, at: location, notes: notes))
    }

    // MARK: Statements

    mutating func lowerDefinition(_ m: MacroDefinition) {
        if let previous = macros[m.name] {
            error("macro '\(m.name)' is already defined", at: m.location, notes: [.note("first defined here", at: previous.location)])
            return
        }
        if Lowering.primitiveNames.contains(m.name) || Lowering.functionNames.contains(m.name) || Builtin(rawValue: m.name) != nil {
            error("'\(m.name)' is a builtin and cannot be redefined", at: m.location)
            return
        }
        if let bound = globals.names[m.name] {
            error("'\(m.name)' is already bound", at: m.location, notes: [.note("first bound here", at: bound.location)])
            return
        }
        macros[m.name] = m
    }

    /// Lowers `name = value;` at the top level. The scope is read in place, not copied: a copy of
    /// `globals` alive while binding the name would copy its dictionary, once per statement.
    mutating func lowerGlobalAssignment(name: String, encoding: Encoding?, value: Expr, location: SourceLocation) {
        if let term = lowerBinding(name: name, encoding: encoding, value: value, location: location, scope: globals) {
            globals.names[name] = (term, location)
        }
    }

    /// Lowers `name = value;` in `scope`. A binding that fails still binds its name, to `.invalid`, so
    /// later uses of the name are not reported again as unknown.
    mutating func lowerAssignment(name: String, encoding: Encoding?, value: Expr, location: SourceLocation, scope: inout Scope) {
        if let term = lowerBinding(name: name, encoding: encoding, value: value, location: location, scope: scope) {
            scope.names[name] = (term, location)
        }
    }

    /// Lowers the value of `name = value;` in `scope`: the term to bind (`.invalid` when the value
    /// failed), or nil when the name itself cannot be bound (a diagnostic says why).
    private mutating func lowerBinding(name: String, encoding: Encoding?, value: Expr, location: SourceLocation, scope: Scope) -> Term? {
        if Lowering.primitiveNames.contains(name) || Lowering.functionNames.contains(name) || Builtin(rawValue: name) != nil {
            error("'\(name)' is a builtin and cannot be rebound", at: location)
            return nil
        }
        if let bound = scope.names[name] {
            error("'\(name)' is already bound; names cannot be rebound", at: location, notes: [.note("first bound here", at: bound.location)])
            return nil
        }
        if scope.isTopLevel, macros[name] != nil {
            error("'\(name)' is already the name of a macro", at: location)
            return nil
        }
        let firstNew = nodes.count
        var term = lower(value, in: scope)
        if let encoding { term = annotate(term, encoding, label: scope.prefix + name, at: value.location, firstNew: firstNew) }
        switch term {
        case .sop(let id):
            if id >= firstNew, !nodes[id].isPrimitive, id != lengthNode { nodes[id].label = scope.prefix + name }
            if scope.isTopLevel { lastAssigned = id }
            return term
        case .selector:
            return term
        case .constant(let v):
            error("'\(name)' would be bound to the constant \(v.quotedDescription); only s-ops and selectors can be bound", at: value.location)
            return .invalid
        case .lambda:
            error("'\(name)' would be bound to a lambda; a lambda can only be an argument of map, zipmap or select", at: value.location)
            return .invalid
        case .predicate:
            error("a comparison operator alone is not a value; use it as select's predicate", at: value.location)
            return .invalid
        case .invalid:
            return .invalid
        }
    }

    /// Applies `numerical`/`categorical` to a term. An s-op created by this statement is annotated in
    /// place; an existing one is copied with the new encoding, as tracr's `annotate` copies.
    mutating func annotate(_ term: Term, _ encoding: Encoding, label: String?, at location: SourceLocation, firstNew: Int) -> Term {
        switch term {
        case .sop(let id):
            if nodes[id].encoding == encoding { return term }
            if nodes[id].isPrimitive {
                error("'\(nodes[id].label)' is always categorical; it cannot be made \(encoding.rawValue)", at: location)
                return .invalid
            }
            if id >= firstNew, id != lengthNode {
                nodes[id].encoding = encoding
                return term
            }
            var copy = nodes[id]
            copy.encoding = encoding
            copy.label = label ?? unnamedLabel(copy.kindName, prefix: "")
            copy.location = location
            nodes.append(copy)
            return .sop(nodes.count - 1)
        case .invalid:
            return term
        default:
            error("only an s-op can be \(encoding.rawValue), not \(describe(term))", at: location)
            return .invalid
        }
    }

    // MARK: Names

    mutating func resolve(_ name: String, at location: SourceLocation, in scope: Scope) -> Term {
        if let bound = scope.names[name] { return bound.term }
        if !scope.isTopLevel, let bound = globals.names[name] { return bound.term }
        switch name {
        case "tokens": return .sop(Lowering.tokensNode)
        case "indices": return .sop(Lowering.indicesNode)
        case "length": return .sop(makeLength())
        default: break
        }
        if macros[name] != nil {
            error("macro '\(name)' must be called: \(name)(...)", at: location)
            return .invalid
        }
        if Lowering.functionNames.contains(name) || Builtin(rawValue: name) != nil {
            error("'\(name)' is a function; call it with arguments", at: location)
            return .invalid
        }
        unknownName(name, at: location, in: scope)
        return .invalid
    }

    mutating func unknownName(_ name: String, at location: SourceLocation, in scope: Scope, callable: Bool = false) {
        let macros = self.macros, globals = self.globals
        let suggestion = suggest(name) {
            if callable { return Array(macros.keys) + Lowering.functionNames + Builtin.allCases.map(\.rawValue) }
            return Array(scope.names.keys) + Array(globals.names.keys) + Lowering.primitiveNames + Array(macros.keys)
        }
        if let suggestion {
            error("unknown name '\(name)'; did you mean '\(suggestion)'?", at: location)
        } else {
            error("unknown name '\(name)'", at: location)
        }
    }

    /// The closest of `candidates()` to an unknown `name`, while the program has had fewer than
    /// `maximumSuggestions` unknown names: each search reads every name in scope, so a program full of
    /// unknown names would cost (unknown names) x (names).
    mutating func suggest(_ name: String, among candidates: () -> [String]) -> String? {
        guard suggestionsLeft > 0 else { return nil }
        suggestionsLeft -= 1
        return closestName(to: name, among: candidates())
    }

    /// `length`, built once per program as tracr's `make_length`: selector_width(select(tokens, tokens, true)).
    mutating func makeLength() -> Int {
        if let lengthNode { return lengthNode }
        selectors.append(SelectorNode(operation: .select(keys: Lowering.tokensNode, queries: Lowering.tokensNode, predicate: .constant(true)), location: .unknown))
        nodes.append(SOpNode(label: "length", encoding: .categorical, operation: .selectorWidth(selector: selectors.count - 1), location: .unknown))
        lengthNode = nodes.count - 1
        return nodes.count - 1
    }

    mutating func unnamedLabel(_ kind: String, prefix: String) -> String {
        let n = (unnamedCounters[kind] ?? 0) + 1
        unnamedCounters[kind] = n
        return "\(prefix)\(kind)_\(n)"
    }

    mutating func addNode(_ operation: SOpNode.Operation, kind: String, encoding: Encoding = .categorical, at location: SourceLocation, prefix: String) -> Int {
        nodes.append(SOpNode(label: unnamedLabel(kind, prefix: prefix), encoding: encoding, operation: operation, location: location))
        return nodes.count - 1
    }

    func describe(_ term: Term) -> String {
        switch term {
        case .sop(let id): return "s-op '\(nodes[id].label)'"
        case .selector: return "a selector"
        case .constant(let v): return "the constant \(v.quotedDescription)"
        case .lambda: return "a lambda"
        case .predicate(let op): return "the operator '\(op.rawValue)'"
        case .invalid: return "an invalid expression"
        }
    }

    // MARK: Macros

    mutating func expandMacro(_ m: MacroDefinition, arguments: [Expr], at location: SourceLocation, in scope: Scope) -> Term {
        guard arguments.count == m.parameters.count else {
            error("macro '\(m.name)' takes \(m.parameters.count) argument\(m.parameters.count == 1 ? "" : "s"), got \(arguments.count)", at: location)
            return .invalid
        }
        if expansionStack.contains(m.name) {
            error("macro '\(m.name)' calls itself (through \(expansionStack.joined(separator: " -> ")) -> \(m.name)); macros are expanded inline and cannot be recursive", at: location)
            return .invalid
        }
        guard expansionStack.count < Lowering.maximumExpansionDepth else {
            error("macros are nested too deeply (the limit is \(Lowering.maximumExpansionDepth))", at: location)
            return .invalid
        }
        var inner = Scope()
        inner.isTopLevel = false
        for (parameter, argument) in zip(m.parameters, arguments) {
            let term = lower(argument, in: scope)
            if case .invalid = term { return .invalid }
            if case .lambda = term {
                error("a lambda cannot be passed to a macro", at: argument.location)
                return .invalid
            }
            inner.names[parameter] = (term, argument.location)
        }
        let call = (macroCalls[m.name] ?? 0) + 1
        macroCalls[m.name] = call
        inner.prefix = call == 1 ? "\(m.name)." : "\(m.name)#\(call)."
        expansionStack.append(m.name)
        defer { expansionStack.removeLast() }
        let before = diagnostics.count
        for statement in m.body {
            switch statement {
            case .assign(let name, let encoding, let value, let l):
                lowerAssignment(name: name, encoding: encoding, value: value, location: l, scope: &inner)
            default:
                error("only bindings are allowed in a macro body", at: statement.location)
            }
        }
        let firstNew = nodes.count
        let result = lower(m.result, in: inner)
        if diagnostics.count > before { return .invalid }
        // An unnamed result is labelled after the macro's call, like a binding inside it.
        if case .sop(let id) = result, id >= firstNew, !nodes[id].isPrimitive, id != lengthNode {
            nodes[id].label = inner.prefix + "result"
        }
        return result
    }
}
