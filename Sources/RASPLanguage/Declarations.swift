/// The program's declarations (`vocab`, `max_seq_len`, `causal`, `inputs distinct`, `output`, `example`),
/// collected and checked.
struct Declarations {
    var vocab: [Value]? = nil
    var maxSeqLen: Int? = nil
    var causal = false
    var distinct = false
    var output: (name: String, location: SourceLocation)? = nil
    var examples: [(input: [LiteralSyntax], output: [LiteralSyntax], location: SourceLocation)] = []
    private var firstSeen: [String: SourceLocation] = [:]

    private mutating func once(_ what: String, at location: SourceLocation, into diagnostics: inout [Diagnostic]) -> Bool {
        if let previous = firstSeen[what] {
            diagnostics.append(Diagnostic("duplicate '\(what)' declaration", at: location, notes: [.note("first declared here", at: previous)]))
            return false
        }
        firstSeen[what] = location
        return true
    }

    /// `reportMissing` is false when parsing already failed (a vocab that failed to parse is not missing).
    mutating func collect(_ statements: [Statement], into diagnostics: inout [Diagnostic], reportMissing: Bool) {
        var end = SourceLocation(line: 1, column: 1)
        for statement in statements {
            end = max(end, statement.location)
            switch statement {
            case .vocab(let items, let location):
                guard once("vocab", at: location, into: &diagnostics) else { continue }
                vocab = checkVocab(items, at: location, into: &diagnostics)
            case .maxSeqLen(let n, let location):
                guard once("max_seq_len", at: location, into: &diagnostics) else { continue }
                if n < 1 || n > Limits.maximumSeqLen {
                    diagnostics.append(Diagnostic("max_seq_len must be between 1 and \(Limits.maximumSeqLen), got \(n)", at: location))
                } else {
                    maxSeqLen = n
                }
            case .causal(let location):
                if once("causal", at: location, into: &diagnostics) { causal = true }
            case .distinctInputs(let location):
                if once("inputs distinct", at: location, into: &diagnostics) { distinct = true }
            case .output(let name, let location):
                if once("output", at: location, into: &diagnostics) { output = (name, location) }
            case .example(let input, let output, let location):
                examples.append((input, output, location))
            default:
                break
            }
        }
        guard reportMissing else { return }
        if firstSeen["vocab"] == nil {
            diagnostics.append(Diagnostic("missing 'vocab' declaration, such as: vocab {\"a\", \"b\", \"c\"};", at: SourceLocation(line: 1, column: 1)))
        }
        if firstSeen["max_seq_len"] == nil {
            diagnostics.append(Diagnostic("missing 'max_seq_len' declaration, such as: max_seq_len 5;", at: SourceLocation(line: 1, column: 1)))
        }
    }

    private func checkVocab(_ items: [LiteralSyntax], at location: SourceLocation, into diagnostics: inout [Diagnostic]) -> [Value]? {
        guard !items.isEmpty else {
            diagnostics.append(Diagnostic("the vocab is empty", at: location))
            return nil
        }
        guard items.count <= Limits.maximumValueSetSize else {
            diagnostics.append(Diagnostic("the vocab has \(items.count) values; the limit is \(Limits.maximumValueSetSize)", at: location))
            return nil
        }
        var kind: String? = nil
        var seen = Set<Value>()
        var ok = true
        for item in items {
            let k: String
            switch item.value {
            case .string: k = "string"
            case .int: k = "integer"
            case .real: k = "real"
            default:
                diagnostics.append(Diagnostic("vocab values must be strings, integers or reals, not \(item.value.quotedDescription)", at: item.location))
                ok = false
                continue
            }
            if let kind, kind != k {
                diagnostics.append(Diagnostic("the vocab mixes \(kind)s and \(k)s; a vocab holds one kind of value", at: item.location))
                return nil
            }
            kind = k
            if !seen.insert(item.value).inserted {
                diagnostics.append(Diagnostic("\(item.value.quotedDescription) appears twice in the vocab", at: item.location))
                ok = false
            }
        }
        return ok ? Array(seen).sorted(by: Value.order) : nil
    }

    func resolveOutput(_ lowering: inout Lowering, into diagnostics: inout [Diagnostic]) -> Int? {
        guard let output else {
            if lowering.lastAssigned == nil, diagnostics.isEmpty, lowering.diagnostics.isEmpty {
                diagnostics.append(Diagnostic("the program binds no s-op, so it has no output", at: SourceLocation(line: 1, column: 1)))
            }
            return lowering.lastAssigned
        }
        switch output.name {
        case "tokens": return Lowering.tokensNode
        case "indices": return Lowering.indicesNode
        default: break
        }
        if output.name == "length", lowering.globals.names["length"] == nil { return lowering.makeLength() }
        guard let bound = lowering.globals.names[output.name] else {
            if diagnostics.isEmpty, lowering.diagnostics.isEmpty {
                let candidates = Array(lowering.globals.names.keys)
                let hint = closestName(to: output.name, among: candidates).map { "; did you mean '\($0)'?" } ?? ""
                diagnostics.append(Diagnostic("unknown name '\(output.name)' in 'output'\(hint)", at: output.location))
            }
            return nil
        }
        guard case .sop(let id) = bound.term else {
            if case .invalid = bound.term { return nil }  // the binding's error was reported
            diagnostics.append(Diagnostic("the output must be an s-op, but '\(output.name)' is a selector", at: output.location))
            return nil
        }
        return id
    }

    /// Checks every example against the vocab and `max_seq_len`, and converts it.
    func checkExamples(_ program: Program, into diagnostics: inout [Diagnostic]) -> [Example] {
        var result: [Example] = []
        for (input, output, location) in examples {
            var ok = true
            if input.isEmpty || input.count > program.maxSeqLen {
                diagnostics.append(Diagnostic("an example input has \(counted(input.count, "token")); it needs between 1 and max_seq_len (\(program.maxSeqLen))", at: location))
                ok = false
            }
            if input.count != output.count {
                diagnostics.append(Diagnostic("an example's output has \(counted(output.count, "value")) but its input has \(counted(input.count, "token"))", at: location))
                ok = false
            }
            var tokens: [Value] = []
            for item in input {
                guard let token = program.vocabToken(matching: item.value) else {
                    diagnostics.append(Diagnostic("example token \(item.value.quotedDescription) is not in the vocab", at: item.location))
                    ok = false
                    continue
                }
                tokens.append(token)
            }
            if ok, program.distinctInputs, Set(tokens).count != tokens.count {
                diagnostics.append(Diagnostic("the program declares 'inputs distinct', but this example repeats a token", at: location))
                ok = false
            }
            if ok { result.append(Example(input: tokens, output: output.map(\.value), location: location)) }
        }
        return result
    }
}

extension Program {
    /// The vocab entry equal to `v` and of the vocab's kind (so `1.0` does not stand for the token `1`).
    public func vocabToken(matching v: Value) -> Value? {
        for token in vocab where token == v && token.kindName == v.kindName { return token }
        if case .real = vocab.first, case .int(let i) = v, let t = vocab.first(where: { $0 == .real(Double(i)) }) { return t }
        return nil
    }
}
