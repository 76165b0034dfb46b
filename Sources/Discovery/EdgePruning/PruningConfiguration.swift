/// The settings of an Edge Pruning run; each is a flag of `rasp prune`. The ablation and the data are
/// the task's. The defaults are the best measured (docs/PRUNING.md): the margin objective, the
/// attention warm start over the first half, straight-through gates, hardened gates over the last
/// 80% with their log-alphas bounded to [-2, 2], 800 steps at rate 0.05, and the sparsest faithful
/// circuit of those the steps gave; `paper` is the reference's.
public struct PruningConfiguration: Sendable, Equatable {
    /// Optimisation steps; each step samples one set of masks and runs one slice of every input length.
    public var steps = 800
    /// Adam's learning rate for the masks' log-alphas (constant after a 5% linear warmup).
    public var learningRate = 0.05
    /// Plain gradient-ascent rate of the Lagrange multipliers lambda1, lambda2.
    public var lambdaLearningRate = 0.05
    /// Ascent rate of a multiplier mu on the objective, a constraint "the circuit is faithful" beside the
    /// sparsity one: after the target's ramp, mu += rate * loss each step (mu starts at 1; 0: off).
    public var faithfulnessRate = 0.0
    /// The last fraction of the steps runs hardened gates: each gate is 1[log_alpha > 0], so the objective
    /// is that of the circuit the method reports, with a straight-through gradient (0: off).
    public var hardenFraction = 0.8
    /// Each hardened step first bounds every log-alpha to [-A, A] (0: no bound). The threshold's circuit
    /// is unchanged (the signs stay), but no gate is so far past it that the sparsity term, whose
    /// gradient P(z != 0)' vanishes as log-alpha grows, cannot close it in the steps left: an edge that
    /// the stochastic phase pushed to 4.6 fell 0.2 in 600 hardened steps without it.
    public var hardenedBound = 2.0
    /// The last fraction of the steps trains the objective alone (no sparsity term): edges whose absence
    /// costs faithfulness come back (0: off).
    public var restoreFraction = 0.0
    /// In the restore phase, keep the sparsity term with its multipliers frozen instead of dropping it.
    public var restoreFreezes = false
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
    /// What the masked model is trained to keep close to the full model (see `Objective`).
    public var objective = Objective.Kind.margin
    /// The fraction of the full model's margin the margin objective asks the circuit to keep.
    public var marginFraction = 0.5
    /// Instead of the Lagrangian, a fixed L0 penalty: `penalty * sum_e P(z_e != 0)`, ramped from 0 over
    /// the first `warmupFraction` of the steps (nil: the Lagrangian).
    public var penalty: Double? = nil
    /// A warm start for saturated attention: every attention logit is multiplied by a factor that rises
    /// linearly from `attentionStart` to 1 over the first `attentionWarmup` of the steps (0: off), so
    /// that query and key edges get gradients early; the circuit is judged on the model itself.
    public var attentionWarmup = 0.5
    public var attentionStart = 0.1
    /// How the gradient of the expected objective reaches the gates: through hard-concrete samples
    /// (the paper's reparameterisation), or DisARM on binary gates (see `GateEstimator`).
    public var estimator = GateEstimator.straightThrough
    /// Which circuit of those training passes through is returned: the sparsest faithful one, or the
    /// last step's.
    public var choice = CircuitChoice.sparsestFaithful
    /// Also learn one gate per writer (multiplying its out-edges' masks), as the paper's node masks.
    public var nodeMasks = false

    public init() {}
}

/// How Edge Pruning estimates the gradient of the expected objective in the gates' parameters.
public enum GateEstimator: String, Sendable, CaseIterable {
    /// Hard-concrete gates, differentiated through the sample (Louizos et al. 2018; Bhaskar et al. 2024).
    case hardConcrete = "hard-concrete"
    /// The same samples, with the clamp at 0 and 1 passed straight through: a clamped gate keeps the
    /// derivative of its stretched value, so the objective reaches gates at their limits.
    case straightThrough = "straight-through"
    /// Binary gates b = 1[u < sigmoid(phi)] and DisARM (Dong, Mnih, Tucker 2020), the low-variance form
    /// of ARM (Yin and Zhou 2019; L0-ARM, Li and Ji 2019): two forward passes of actual circuits per step,
    /// unbiased even where the model is piecewise constant in a mask (a discretising MLP after a head).
    case disarm
    /// Both: the hard-concrete gradient plus DisARM on b = 1[z > 1/2], which for a hard-concrete gate is
    /// Bernoulli(sigmoid(log_alpha)), the same event the threshold tests.
    case hybrid
}

extension PruningConfiguration {
    /// The reference implementation's settings for its tracr runs (princeton-nlp/Edge-Pruning,
    /// `run_scripts/tracr_reverse.sh` and `tracr_xproportion.sh`): KL at temperature 1, log-alphas
    /// initialised at 10, the Lagrangian's target and ramp, learning rates and steps. What this code
    /// does not reproduce: the sparsity is the expected L0 (the reference uses the sampled z), Adam has
    /// no weight decay, and the learning rate is constant after its warmup (the reference decays it).
    public static func paper(xproportion: Bool = false) -> PruningConfiguration {
        var c = PruningConfiguration()
        c.objective = .kl
        c.temperature = 1
        c.attentionWarmup = 0
        c.initialLogAlpha = 10
        c.choice = .last
        c.estimator = .hardConcrete
        c.hardenFraction = 0
        if xproportion {
            c.steps = 720
            c.learningRate = 1.0
            c.lambdaLearningRate = 1e-4
            c.targetSparsity = 0.92
            c.warmupFraction = 640.0 / 720.0
            c.nodeMasks = true
        } else {
            c.steps = 6_000
            c.learningRate = 0.03
            c.lambdaLearningRate = 1e-3
            c.targetSparsity = 1.02
            c.warmupFraction = 5_900.0 / 6_000.0
        }
        return c
    }
}
