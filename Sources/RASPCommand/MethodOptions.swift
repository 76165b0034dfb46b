import Discovery

/// The options of the discovery methods, shared by `prune` and `check`.
enum MethodOptions {
    static let optionNames: Set<String> = ["steps", "target-sparsity", "lr", "lambda-lr", "faithfulness-lr", "restore", "temperature", "sequences-per-step",
                                           "initial-log-alpha", "objective", "penalty", "attention-warmup", "attention-start", "margin", "estimator", "sparsity-warmup", "preset", "tau", "ig-steps", "acdc-metric",
                                           "choose", "harden", "harden-bound"]
    static let flagNames: Set<String> = ["node-masks", "restore-freezes"]

    static func settings(_ arguments: Arguments) throws(Arguments.UsageError) -> MethodSettings {
        let preset = try arguments.choice("preset", default: "ours", among: ["ours", "paper", "paper-xproportion"])
        var c = preset == "ours" ? PruningConfiguration() : PruningConfiguration.paper(xproportion: preset == "paper-xproportion")
        c.steps = try arguments.integer("steps", default: c.steps, range: 1...1_000_000)
        c.targetSparsity = try arguments.number("target-sparsity", default: c.targetSparsity, range: 0...2)
        c.learningRate = try arguments.number("lr", default: c.learningRate, range: 1e-6...100)
        c.lambdaLearningRate = try arguments.number("lambda-lr", default: c.lambdaLearningRate, range: 0...100)
        c.faithfulnessRate = try arguments.number("faithfulness-lr", default: c.faithfulnessRate, range: 0...1000)
        c.restoreFraction = try arguments.number("restore", default: c.restoreFraction, range: 0...0.5)
        c.hardenFraction = try arguments.number("harden", default: c.hardenFraction, range: 0...1)
        c.hardenedBound = try arguments.number("harden-bound", default: c.hardenedBound, range: 0...100)
        c.temperature = try arguments.number("temperature", default: c.temperature, range: 1e-3...1e3)
        c.sequencesPerStep = try arguments.integer("sequences-per-step", default: c.sequencesPerStep, range: 1...4_096)
        c.initialLogAlpha = try arguments.number("initial-log-alpha", default: c.initialLogAlpha, range: -20...20)
        c.objective = Objective.Kind(rawValue: try arguments.choice("objective", default: c.objective.rawValue,
                                                                    among: Objective.Kind.allCases.map(\.rawValue)))!
        c.estimator = GateEstimator(rawValue: try arguments.choice("estimator", default: c.estimator.rawValue,
                                                                   among: GateEstimator.allCases.map(\.rawValue)))!
        c.warmupFraction = try arguments.number("sparsity-warmup", default: c.warmupFraction, range: 0...1)
        c.marginFraction = try arguments.number("margin", default: c.marginFraction, range: 0...1)
        if arguments.options["penalty"] != nil { c.penalty = try arguments.number("penalty", default: 0, range: 0...1e6) }
        c.attentionWarmup = try arguments.number("attention-warmup", default: c.attentionWarmup, range: 0...1)
        c.attentionStart = try arguments.number("attention-start", default: c.attentionStart, range: 1e-3...1)
        c.choice = CircuitChoice(rawValue: try arguments.choice("choose", default: c.choice.rawValue,
                                                                among: CircuitChoice.allCases.map(\.rawValue)))!
        if arguments.has("node-masks") { c.nodeMasks = true }
        if arguments.has("restore-freezes") { c.restoreFreezes = true }
        var s = MethodSettings()
        s.pruning = c
        s.acdcThreshold = try arguments.number("tau", default: s.acdcThreshold, range: 0...1e6)
        s.acdcMetric = ACDC.Metric(rawValue: try arguments.choice("acdc-metric", default: s.acdcMetric.rawValue, among: ACDC.Metric.allCases.map(\.rawValue)))!
        s.integrationSteps = try arguments.integer("ig-steps", default: s.integrationSteps, range: 1...1_000)
        return s
    }
}
