/// A compiled transformer in compact form: every component reads a few named residual dimensions and
/// writes a few others, so its matrices have the shapes of the program, not tracr's padded ones.
///
/// No layer norm and no biases: constants come through the `one` dimension, which the token embedding
/// writes at every position (as in tracr). Position 0 of every sequence is BOS.
public struct Transformer: Sendable {
    /// One attention head. The attention logit of query position t for key position s is
    /// `q_t^T W_QK k_s` with `q_t` = the query dimensions at t and `k_s` = the key dimensions at s
    /// (the softmax temperature is folded into `wQK`); the head writes `sum_s a_ts (v_s^T W_OV)`.
    public struct AttentionHead: Sendable {
        public var queryInputs: [Int]
        public var keyInputs: [Int]
        public var valueInputs: [Int]
        public var outputs: [Int]
        /// queryInputs.count x keyInputs.count
        public var wQK: Matrix
        /// valueInputs.count x outputs.count
        public var wOV: Matrix

        public init(queryInputs: [Int], keyInputs: [Int], valueInputs: [Int], outputs: [Int], wQK: Matrix, wOV: Matrix) {
            self.queryInputs = queryInputs
            self.keyInputs = keyInputs
            self.valueInputs = valueInputs
            self.outputs = outputs
            self.wQK = wQK
            self.wOV = wOV
        }

        public var parameterCount: Int { wQK.values.count + wOV.values.count }
        public var nonzeroCount: Int { wQK.nonzeroCount + wOV.nonzeroCount }
    }

    /// A ReLU MLP: `out = W2^T relu(W1^T x)` on its input dimensions.
    public struct MLP: Sendable {
        public var inputs: [Int]
        public var outputs: [Int]
        /// inputs.count x hidden
        public var w1: Matrix
        /// hidden x outputs.count
        public var w2: Matrix

        public init(inputs: [Int], outputs: [Int], w1: Matrix, w2: Matrix) {
            self.inputs = inputs
            self.outputs = outputs
            self.w1 = w1
            self.w2 = w2
        }

        public var hidden: Int { w1.columns }
        public var parameterCount: Int { w1.values.count + w2.values.count }
        public var nonzeroCount: Int { w1.nonzeroCount + w2.nonzeroCount }
    }

    public struct Layer: Sendable {
        /// One entry per head slot; `nil` is a slot the program leaves empty (it writes nothing).
        public var heads: [AttentionHead?]
        public var mlp: MLP?

        public init(heads: [AttentionHead?], mlp: MLP?) {
            self.heads = heads
            self.mlp = mlp
        }
    }

    public var residualLabels: [String]
    /// Row i is the embedding of token id i (id 0 is BOS).
    public var tokenEmbedding: Matrix
    /// Row p is the embedding of position p (row 0, the BOS position, is zero as in tracr).
    public var positionEmbedding: Matrix
    public var layers: [Layer]
    /// Head slots per layer: the largest number of heads any layer uses.
    public var headSlots: Int
    public var causal: Bool
    /// The residual dimensions the unembedding reads (the output s-op).
    public var outputDimensions: [Int]

    public init(residualLabels: [String], tokenEmbedding: Matrix, positionEmbedding: Matrix, layers: [Layer],
                headSlots: Int, causal: Bool, outputDimensions: [Int]) {
        self.residualLabels = residualLabels
        self.tokenEmbedding = tokenEmbedding
        self.positionEmbedding = positionEmbedding
        self.layers = layers
        self.headSlots = headSlots
        self.causal = causal
        self.outputDimensions = outputDimensions
    }

    public var residualWidth: Int { residualLabels.count }

    /// Weights in the compact matrices and the embeddings.
    public var parameterCount: Int {
        tokenEmbedding.values.count + positionEmbedding.values.count
            + layers.reduce(0) { acc, l in acc + (l.mlp?.parameterCount ?? 0) + l.heads.reduce(0) { $0 + ($1?.parameterCount ?? 0) } }
    }

    /// Weights that are not zero.
    public var nonzeroParameterCount: Int {
        tokenEmbedding.nonzeroCount + positionEmbedding.nonzeroCount
            + layers.reduce(0) { acc, l in acc + (l.mlp?.nonzeroCount ?? 0) + l.heads.reduce(0) { $0 + ($1?.nonzeroCount ?? 0) } }
    }
}
