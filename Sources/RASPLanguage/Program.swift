/// A checked RASP program: its declarations, its s-op graph, and the value set of every s-op.
///
/// `Program.load` runs the whole front end (lexing, parsing, lowering, value-set inference and the
/// static checks of RASP.md section 2); every command refuses a program it rejects.
public struct Program: Sendable {
    public var name: String
    public var source: SourceFile
    /// The vocab, sorted by `Value.order`.
    public var vocab: [Value]
    public var maxSeqLen: Int
    public var causal: Bool
    /// `inputs distinct;`: only inputs whose tokens are pairwise different (tracr's `sort_unique`).
    public var distinctInputs: Bool
    public var nodes: [SOpNode]
    public var selectors: [SelectorNode]
    public var output: Int
    public var examples: [Example]
    /// The value set of every node (indexed like `nodes`).
    public var valueSets: [ValueSet]
    /// Whether each node is needed for the output (directly or through selectors).
    public var isLive: [Bool]

    /// All the diagnostics of a program that failed to load.
    public struct Failure: Error, Sendable {
        public var diagnostics: [Diagnostic]
        public var source: SourceFile
    }

    /// Loads a program from its text.
    public static func load(_ source: SourceFile) throws(Failure) -> Program {
        var parser = Parser(source: source)
        let statements = parser.parseProgram()
        var diagnostics = parser.diagnostics
        if parser.isBinary { throw Failure(diagnostics: diagnostics, source: source) }
        var lowering = Lowering()
        var declarations = Declarations()
        declarations.collect(statements, into: &diagnostics, reportMissing: diagnostics.isEmpty)
        for statement in statements {
            switch statement {
            case .define(let m):
                lowering.lowerDefinition(m)
            case .assign(let name, let encoding, let value, let location):
                lowering.lowerGlobalAssignment(name: name, encoding: encoding, value: value, location: location)
            default:
                break
            }
        }
        let output = declarations.resolveOutput(&lowering, into: &diagnostics)
        diagnostics += lowering.diagnostics
        guard diagnostics.isEmpty, let output, let vocab = declarations.vocab, let maxSeqLen = declarations.maxSeqLen else {
            throw Failure(diagnostics: Program.sorted(diagnostics), source: source)
        }
        var program = Program(name: source.programName, source: source, vocab: vocab, maxSeqLen: maxSeqLen,
                              causal: declarations.causal, distinctInputs: declarations.distinct,
                              nodes: lowering.nodes, selectors: lowering.selectors, output: output, examples: [],
                              valueSets: [], isLive: [])
        program.isLive = program.liveNodes()
        var checker = StaticChecker(program: program)
        checker.run()
        diagnostics += checker.diagnostics
        if diagnostics.isEmpty {
            program.valueSets = checker.valueSets
            program.attach(checker.mapTables)
            program.examples = declarations.checkExamples(program, into: &diagnostics)
        }
        guard diagnostics.isEmpty else { throw Failure(diagnostics: Program.sorted(diagnostics), source: source) }
        return program
    }

    /// Loads a program from a file path.
    public static func load(path: String) throws(Failure) -> Program {
        switch readSourceFile(path) {
        case .success(let source): return try load(source)
        case .failure(let failure): throw failure
        }
    }

    static func sorted(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        // Stable by location, so output reads top to bottom; a diagnostic repeated word for word (a
        // macro's error, once per call) is shown once.
        var seen = Set<Diagnostic>()
        return diagnostics.enumerated().sorted { a, b in
            a.element.location == b.element.location ? a.offset < b.offset : a.element.location < b.element.location
        }.map(\.element).filter { seen.insert($0).inserted }
    }

    /// Gives the fused maps their lookup tables (`MapFunction.table`).
    private mutating func attach(_ tables: [Int: MapTable]) {
        for (id, table) in tables {
            guard case .map(var f, let x) = nodes[id].operation else { continue }
            f.table = table
            nodes[id].operation = .map(f, input: x)
        }
    }

    /// Nodes the output depends on. Inputs, selectors and their keys and queries all have lower ids
    /// than the node that reads them, so one downward sweep finds every live node.
    func liveNodes() -> [Bool] {
        var live = [Bool](repeating: false, count: nodes.count)
        live[output] = true
        for id in stride(from: nodes.count - 1, through: 0, by: -1) where live[id] {
            for x in nodes[id].inputs { live[x] = true }
            if let selector = nodes[id].selector {
                for leaf in selectLeaves(selector) {
                    if case .select(let k, let q, _) = selectors[leaf].operation {
                        live[k] = true
                        live[q] = true
                    }
                }
            }
        }
        return live
    }

    /// The select nodes (leaves) under a selector, in order.
    public func selectLeaves(_ selector: Int) -> [Int] {
        var out: [Int] = []
        var stack = [selector]
        while let s = stack.popLast() {
            switch selectors[s].operation {
            case .select: out.append(s)
            case .and(let a, let b), .or(let a, let b): stack.append(b); stack.append(a)
            case .not(let a): stack.append(a)
            }
        }
        return out
    }

    public var outputNode: SOpNode { nodes[output] }
}

/// Reads a file as a `SourceFile`, or fails with a diagnostic.
public func readSourceFile(_ path: String) -> Result<SourceFile, Program.Failure> {
    guard let data = FileSystem.readBytes(path) else {
        let source = SourceFile(path: path, text: "")
        return .failure(Program.Failure(diagnostics: [Diagnostic("cannot read file", at: .unknown)], source: source))
    }
    return .success(SourceFile(path: path, data: data))
}
