import RASPLanguage
import RASPModel

/// A teaching trace of one input through a model of a compiled program (`rasp explain`): after the
/// embeddings and after each sub-layer, every s-op written so far decoded from the residual stream
/// beside the interpreter's value; every head's attention; and the decoded output.
///
/// A rotated or noisy model's stream is read back in the compiled basis through its rotation R
/// (x R R^T = x); a noisy model's noise is not undone, so its values are decoded as they are.
public struct ModelTrace: Sendable {
    /// A point of the forward pass: after the embeddings, or after a layer's attention or MLP.
    public enum Stage: Sendable, Hashable, CustomStringConvertible {
        case embeddings
        case attention(layer: Int)
        case mlp(layer: Int)

        /// Its place in the pass: 0 for the embeddings, then 1 + 2 l and 2 + 2 l for layer l.
        public var index: Int {
            switch self {
            case .embeddings: return 0
            case .attention(let l): return 1 + 2 * l
            case .mlp(let l): return 2 + 2 * l
            }
        }

        public var layer: Int? {
            switch self {
            case .embeddings: return nil
            case .attention(let l), .mlp(let l): return l
            }
        }

        /// `embeddings`, `attention` or `mlp`.
        public var kind: String {
            switch self {
            case .embeddings: return "embeddings"
            case .attention: return "attention"
            case .mlp: return "mlp"
            }
        }

        public var description: String {
            switch self {
            case .embeddings: return "embeddings"
            case .attention(let l): return "layer \(l) attention"
            case .mlp(let l): return "layer \(l) MLP"
            }
        }
    }

    /// One s-op's values at one stage, one per input position (BOS excluded).
    public struct SOpValues: Sendable {
        /// The compile node (an s-op of the program, or a tuple s-op of a combined selector).
        public var node: Int
        public var label: String
        public var isNumerical: Bool
        /// Whether this stage wrote it (it was not in the stream before).
        public var isNew: Bool
        /// Decoded from the residual stream.
        public var model: [Value]
        public var interpreter: [Value]
        /// Per position, whether the two agree (numbers within 1e-4, as `rasp check` compares them).
        public var agrees: [Bool]
    }

    /// The stream after one stage.
    public struct Snapshot: Sendable {
        public var stage: Stage
        /// Positions (BOS first) x residual width, in the compiled basis (`residualLabels`).
        public var residual: Matrix
        /// The s-ops written by this stage or before it, in compile order.
        public var sops: [SOpValues]
    }

    /// One head that the program uses.
    public struct HeadPattern: Sendable {
        public var layer: Int
        public var slot: Int
        /// The s-op it computes.
        public var label: String
        public var isSelectorWidth: Bool
        /// Queries x keys, BOS first (rows sum to 1); nil when the head writes nothing whatever it
        /// attends to, so the pass skips its attention.
        public var weights: Matrix?
    }

    public var programName: String
    public var input: [Value]
    public var variant: ModelVariant
    public var variantSeed: UInt64
    public var noise: Double
    public var layerCount: Int
    /// The residual dimensions' names (`s-op:value`), the rows of every snapshot's `residual`.
    public var residualLabels: [String]
    public var snapshots: [Snapshot]
    /// The program's heads, by layer and slot (empty slots left out).
    public var heads: [HeadPattern]
    /// The model's output decoded from its logits, as `rasp run` decodes it.
    public var output: [Value]
    /// The interpreter's output.
    public var expectedOutput: [Value]

    /// Cells (s-op, position, stage) where the model and the interpreter differ.
    public var disagreements: Int {
        snapshots.reduce(0) { acc, s in acc + s.sops.reduce(0) { $0 + $1.agrees.filter { !$0 }.count } }
    }

    public var outputAgrees: Bool { output.matches(expectedOutput, tolerance: ModelTrace.tolerance) }

    /// How close numbers must be to agree.
    public static let tolerance = 1e-4

    /// The heads of layer `l`.
    public func heads(ofLayer l: Int) -> [HeadPattern] { heads.filter { $0.layer == l } }
}

extension CompiledProgram {
    /// Traces `input` (tokens of the vocab) through `variant` (the compiled model when nil). Fails
    /// where the interpreter fails on the input.
    public func trace(_ input: [Value], variant: VariantModel? = nil) throws(Interpreter.Failure) -> ModelTrace {
        let model = variant?.model ?? dense
        let expected = try interpreterValues(input)
        let tokens = encode(input)
        let forward = EdgeMaskedModel(model: model).trace(tokens)
        let inverse = variant?.basis?.transposed
        let written = stageOfNode()
        var snapshots: [ModelTrace.Snapshot] = []
        for (i, raw) in forward.residuals.enumerated() {
            let stage: ModelTrace.Stage = i == 0 ? .embeddings : (i % 2 == 1 ? .attention(layer: (i - 1) / 2) : .mlp(layer: (i - 2) / 2))
            let residual = inverse.map { raw.multiplied(by: $0) } ?? raw
            let sops = nodes.indices.filter { written[$0] <= i }.map { id in
                decodedValues(id, residual: residual, expected: expected[id], isNew: written[id] == i)
            }
            snapshots.append(ModelTrace.Snapshot(stage: stage, residual: residual, sops: sops))
        }
        var heads: [ModelTrace.HeadPattern] = []
        for (l, roles) in self.heads.enumerated() {
            for (h, role) in roles.enumerated() {
                guard let role else { continue }
                heads.append(ModelTrace.HeadPattern(layer: l, slot: h, label: role.label, isSelectorWidth: role.isSelectorWidth,
                                                    weights: forward.attention[l][h]))
            }
        }
        let batch = TokenBatch(tokens: tokens, count: 1, length: tokens.count)
        return ModelTrace(programName: program.name, input: input, variant: variant?.variant ?? .compiled,
                          variantSeed: variant?.seed ?? 0, noise: variant?.noise ?? 0, layerCount: layerCount,
                          residualLabels: layout.labels, snapshots: snapshots, heads: heads,
                          output: decode(outputs: forward.logits.values, batch: batch)[0], expectedOutput: expected[outputNode])
    }

    /// The interpreter's value of every compile node on `input`: the program's s-ops, and the tuples
    /// of combined selectors built from their parts as the compiled MLP builds them.
    public func interpreterValues(_ input: [Value]) throws(Interpreter.Failure) -> [[Value]] {
        let values = try Interpreter(program: program).evaluate(input)
        var out: [[Value]] = []
        for node in nodes {
            if let p = node.programNode {
                out.append(values[p])
                continue
            }
            guard case .sequenceMap(let f, let a, let b) = node.operation else { preconditionFailure("a tuple s-op is a sequence map") }
            // The compiler applied `f` to every pair of the parts' values when it built the tuples' value
            // set, so it cannot fail on them here.
            out.append(zip(out[a], out[b]).map { x, y in x.isNone || y.isNone ? .none : (try? f([x, y])) ?? .none })
        }
        return out
    }

    /// The stage index (as `ModelTrace.Stage.index`) after which each compile node is in the stream:
    /// tokens and indices after the embeddings, an aggregate after its head, a map, sequence map or
    /// selector width after its layer's MLP (a selector width's head only writes an internal dimension).
    func stageOfNode() -> [Int] {
        var stage = nodes.map { $0.isPrimitive ? 0 : Int.max }
        for (l, roles) in heads.enumerated() {
            for case let role? in roles where !role.isSelectorWidth { stage[role.node] = 1 + 2 * l }
        }
        for (l, ids) in mlpNodes.enumerated() {
            for id in ids { stage[id] = 2 + 2 * l }
        }
        return stage
    }

    /// Node `id` decoded at every input position of `residual` (positions x width, BOS first).
    func decodedValues(_ id: Int, residual: Matrix, expected: [Value], isNew: Bool) -> ModelTrace.SOpValues {
        let dims = layout.nodeDimensions[id]
        let model = (1..<residual.rows).map { p in
            dims.map { residual[p, $0] }.withUnsafeBufferPointer { decode($0, node: id) }
        }
        let agrees = zip(model, expected).map { $0.matches($1, tolerance: ModelTrace.tolerance) }
        return ModelTrace.SOpValues(node: id, label: nodes[id].label, isNumerical: nodes[id].encoding == .numerical, isNew: isNew,
                                    model: model, interpreter: expected, agrees: agrees)
    }
}
