/// The settings of an Edge Pruning run; each is a flag of `rasp prune`. The ablation and the data are
/// the task's.
public struct PruningConfiguration: Sendable, Equatable {
    /// Optimisation steps; each step samples one set of masks and runs one slice of every input length.
    public var steps = 400
    /// Adam's learning rate for the masks' log-alphas (constant after a 5% linear warmup).
    public var learningRate = 0.1
    /// Plain gradient-ascent rate of the Lagrange multipliers lambda1, lambda2.
    public var lambdaLearningRate = 0.05
    /// The expected sparsity the Lagrangian aims at; 1 means "as sparse as the outputs allow". The target
    /// ramps linearly from 0 over the first `warmupFraction` of the steps, as in the paper.
    public var targetSparsity = 1.0
    public var warmupFraction = 0.5
    /// Initial log-alpha of every gate (plus N(0, 0.01) noise): gates start nearly always on, and their
    /// samples are below 1 often enough for gradients to flow from the first steps.
    public var initialLogAlpha = 3.0
    /// Sequences per step, spread evenly over the input lengths (at least one of each length).
    public var sequencesPerStep = 64
    /// Inverse temperature of the softmax over a categorical output block in the KL objective; compiled
    /// logits are one-hots (0 or 1), too flat at temperature 1 to say much.
    public var temperature = 10.0
    /// Also learn one gate per writer (multiplying its out-edges' masks), as the paper's node masks.
    public var nodeMasks = false

    public init() {}
}
