import Discovery

/// `rasp COMMAND --help`: what the command does and, for each option, its meaning and default.
/// Defaults of the methods' options are read from the method settings, so they cannot drift.
enum CommandHelp {
    typealias Option = (name: String, meaning: String)

    static func text(_ command: String, summary: String) -> String {
        var s = "rasp \(command): \(summary)\n"
        let list = options(command)
        if !list.isEmpty { s += "\noptions:\n" }
        let width = min(28, (list.map(\.name.count).max() ?? 0) + 2)
        for o in list {
            let name = o.name.padding(toLength: max(width, o.name.count + 1), withPad: " ", startingAt: 0)
            s += "  \(name)\(o.meaning)\n"
        }
        s += "\n  --help, -h                  this text\n"
        return s
    }

    static func options(_ command: String) -> [Option] {
        switch command {
        case "eval": return inputs + [json("one object per input: {\"input\": [...], \"output\": [...]}")]
        case "run": return inputs + variant + [json("one object per input: {\"input\": [...], \"output\": [...]}")]
        case "compile": return variant + [("-o, --output FILE", "write the weights as safetensors, or the TransformerLens directory (default: none)"),
                                          ("--format F", "the file -o writes: rasp (one safetensors file) or transformer-lens (a directory) (default: rasp)"),
                                          ("--dtype D", "float32 or float64 (default: float64 for rasp, float32 for transformer-lens)"),
                                          json("an object with layers, heads, mlp_hidden, residual_width, parameters")]
        case "explain": return [("--input \"a b c\"", "the input to trace (required): tokens separated by spaces")] + variant
                                + [("--html FILE", "also write the trace as a self-contained page: attention heatmaps, residual grids (default: none)"),
                                   json("one object: the stages with every s-op's decoded and interpreter values, the residual stream, the heads' attention weights")]
        case "export-data": return [("-o, --output FILE", "write the data file (default: stdout)"),
                                    ("--seed N", "seed of the sample and the resample partners, as verify's (default: 0)"),
                                    ("--means", "also each writer's mean-ablation replacement per input length, in the residual stream")] + variant
                                    + [json("the data file (it is always JSON)")]
        case "circuit": return [("-o, --output FILE", "write the golden circuit to FILE, creating its directory (default: stdout)"),
                                ("--format F", "rasp, eap-ig (tok and pos as one input node), edge-pruning or acdc (default: rasp)"),
                                json("the circuit file (it is always JSON)")]
        case "prune": return prune
        case "verify": return verify
        case "draw": return draw
        case "check": return check
        case "compare": return compare
        case "bench": return [("--limits", "time only the programs at the documented limits of the language"),
                              ("--memory", "peak memory of prune, verify, circuit and check at max_seq_len 1,000 instead of speed"),
                              json("the report's lines as an array under \"lines\"")]
        default: return []
        }
    }

    static func json(_ what: String) -> Option { ("--json", "machine-readable output on stdout: \(what)") }

    static let inputs: [Option] = [
        ("--input \"a b c\"", "one input: tokens separated by spaces"),
        ("--inputs FILE|-", "one input per line (- for stdin), answered line by line; a bad line gets `error: ...` in its place"),
    ]

    static let variant: [Option] = [
        ("--variant V", "compiled, rotated or noisy (default: compiled)"),
        ("--variant-seed N", "seed of the rotation or noise (default: 0)"),
    ]

    static let ablation: Option = ("--ablation A", "what a removed edge carries: zero, mean or resample (default: zero)")

    static var prune: [Option] {
        [("--method M", "\(Methods.ids.joined(separator: ", ")) (default: edge-pruning)"),
         ("--repair", "write the repaired circuit (the smallest faithful one from the scores) instead of the method's own"),
         ablation, ("--seed N", "the method's seed (default: 0)")] + variant
        + [("-o, --output FILE", "write the circuit file (default: stdout)"), ("--quiet", "no progress or summary on stderr"),
           json("an object with the circuit, edges kept, faithfulness, time and model runs")] + methodOptions
    }

    static var verify: [Option] {
        [("--circuit FILE", "the circuit to judge (required)"),
         ("--format F", "its format: rasp, eap-ig, edge-pruning or acdc (default: detected)"),
         ("--golden FILE", "the golden circuit (default: the one the compiler derives)"),
         ("--ablation A", "as in the circuit file, else zero"), ("--seed N", "seed of the resample pairs (default: 0)")] + variant
        + [json("an object with verdict, exact, missing, extra, precision, recall, faithfulness and auroc")]
    }

    static var draw: [Option] {
        [("--circuit FILE", "a recovered circuit to draw against the golden one (default: the golden circuit alone)"),
         ("--format F", "its format: rasp, eap-ig, edge-pruning or acdc (default: detected)"),
         ("--ablation A", "judge it under this ablation: as in the circuit file, else zero"),
         ("--seed N", "seed of the resample pairs (default: 0)")] + variant
        + [("-o, --output FILE", "write the SVG to FILE, creating its directory (default: stdout)")]
    }

    static var check: [Option] {
        [("PATH...", "programs or directories of programs (default: programs)"),
         ("--variants V,...", "the model variants to recover circuits on (default: compiled,noisy)"),
         ("--seeds S", "seeds like 0-4 or 0,2,7 (default: 0-4)"), ablation, ("--variant-seed N", "seed of the variants (default: 0)"),
         ("--method M", "the discovery method (default: edge-pruning)"),
         ("--junit FILE", "also write a JUnit report"),
         ("--html FILE", "also write a self-contained page: the table, each program's golden and recovered circuits, training curves"),
         ("--golden-dir DIR", "where golden/<program>.json and recovery.json are (default: golden/ beside the programs' directory)"),
         ("--record-recovery", "record which runs were exact in recovery.json instead of comparing"),
         json("the table as an object (the text goes to stderr)")] + methodOptions
    }

    static var compare: [Option] {
        [("PATH...", "programs or directories of programs (default: programs)"),
         ("--methods M,...", "the methods (default: all of them)"), ("--variants V,...", "default: compiled,noisy"),
         ("--seeds S", "default: 0-4"), ("--ablation A,...", "default: zero"), ("--variant-seed N", "default: 0"),
         ("--runs", "also print every run"), ("--csv FILE", "write every run as CSV"),
         ("--html FILE", "also write a self-contained page: the tables, each method's circuit beside the golden one, training curves"), json("the runs and the summary")] + methodOptions
    }

    static var methodOptions: [Option] {
        let c = PruningConfiguration(), m = MethodSettings()
        return [
            ("--preset P", "Edge Pruning settings: ours, paper or paper-xproportion (default: ours)"),
            ("--steps N", "Edge Pruning steps (default: \(c.steps))"),
            ("--lr R", "learning rate of the log-alphas (default: \(c.learningRate))"),
            ("--lambda-lr R", "learning rate of the Lagrange multipliers (default: \(c.lambdaLearningRate))"),
            ("--harden F", "the last fraction F of the steps trains the thresholded circuit itself, gates 1[log-alpha > 0] with a straight-through gradient (default: \(c.hardenFraction))"),
            ("--harden-bound A", "each hardened step first bounds every log-alpha to [-A, A], so the sparsity term can still close any gate; 0: no bound (default: \(c.hardenedBound))"),
            ("--restore F", "the last fraction F of the steps trains the objective alone, no sparsity term (default: \(c.restoreFraction), off)"),
            ("--restore-freezes", "in those steps keep the sparsity term with its multipliers frozen instead"),
            ("--faithfulness-lr R", "ascent rate of a multiplier on the objective after the sparsity ramp (default: \(c.faithfulnessRate), off)"),
            ("--target-sparsity S", "final target sparsity (default: \(c.targetSparsity))"),
            ("--sparsity-warmup F", "fraction of the steps the target ramps over (default: \(c.warmupFraction))"),
            ("--penalty L", "a fixed L0 penalty instead of the Lagrangian (default: none)"),
            ("--objective O", "\(Objective.Kind.allCases.map(\.rawValue).joined(separator: ", ")) (default: \(c.objective.rawValue))"),
            ("--margin F", "fraction of the full model's margin to keep (default: \(c.marginFraction))"),
            ("--temperature T", "inverse temperature of the KL objective (default: \(c.temperature))"),
            ("--attention-warmup F", "fraction of the steps the attention scale rises over (default: \(c.attentionWarmup))"),
            ("--attention-start S", "first attention scale (default: \(c.attentionStart))"),
            ("--estimator E", "\(GateEstimator.allCases.map(\.rawValue).joined(separator: ", ")) (default: \(c.estimator.rawValue))"),
            ("--sequences-per-step N", "sequences per step (default: \(c.sequencesPerStep))"),
            ("--initial-log-alpha A", "initial log-alpha of every gate (default: \(c.initialLogAlpha))"),
            ("--node-masks", "also learn one mask per writer"),
            ("--choose C", "the circuit returned: \(CircuitChoice.allCases.map(\.rawValue).joined(separator: " or ")), the fewest edges that reproduce every input among the steps' circuits, or the last step's (default: \(c.choice.rawValue))"),
            ("--tau T", "ACDC's threshold (default: \(m.acdcThreshold))"),
            ("--acdc-metric M", "ACDC's metric: \(ACDC.Metric.allCases.map(\.rawValue).joined(separator: ", ")) (default: \(m.acdcMetric.rawValue))"),
            ("--ig-steps N", "EAP-IG's integration steps (default: \(m.integrationSteps))"),
        ]
    }
}
